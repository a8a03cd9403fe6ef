import {
  checkRateLimit,
  RATE_WINDOW_MS,
  type RateCounter,
  type RateTake,
} from "../../rates/RateCounter.js";
import { estimatedRefusal, windowAt } from "../../rates/slidingEstimate.js";
import type { PostgresDatabase } from "./connection.js";

/**
 * How often the shared counter deletes expired windows, and how many at most each time: every
 * 100th take of a process deletes up to 1,000, so each process deletes ten times faster than
 * its takes add windows, and the table stays bounded whatever keys a flood brings.
 *
 * @example
 * for (let i = 0; i < RATE_SWEEP.every; i++) await store.rates.take(`client:${i}`, 1, now);
 */
export const RATE_SWEEP = { every: 100, batch: 1_000 } as const;

/**
 * The statements on the `rate_windows` table (one count per key per window of
 * `RATE_WINDOW_MS`). `take` ($1 key, $2 window start, $3 the previous window's weight in ms,
 * $4 the limit) is one statement: it adds one to the window's count only while the previous
 * count times its weight plus the current count times the window stays below the limit times
 * the window, checked on the row it locks (`ON CONFLICT DO UPDATE ... WHERE`), so concurrent
 * takes never pass the limit together; it returns the new count as `taken` (null: refused)
 * with the counts it read. `sweep` deletes up to $2 windows that started before $1, skipping
 * rows another transaction locks.
 *
 * @example
 * const { rows } = await db.query(RATE_SQL.take, [key, start, previousWeightMs, limit]);
 */
export const RATE_SQL = {
  take: `WITH previous AS (
      SELECT COALESCE(MAX(count), 0) AS count FROM rate_windows
      WHERE key = $1 AND window_start = $2::bigint - ${RATE_WINDOW_MS}
    ), taken AS (
      INSERT INTO rate_windows AS w (key, window_start, count)
      SELECT $1, $2, 1 FROM previous
      WHERE previous.count * $3::bigint < $4::bigint * ${RATE_WINDOW_MS}
      ON CONFLICT (key, window_start) DO UPDATE SET count = w.count + 1
      WHERE (SELECT count FROM previous) * $3::bigint + w.count * ${RATE_WINDOW_MS}
        < $4::bigint * ${RATE_WINDOW_MS}
      RETURNING w.count
    )
    SELECT (SELECT count FROM taken) AS taken, previous.count AS previous,
      COALESCE((SELECT count FROM rate_windows WHERE key = $1 AND window_start = $2), 0) AS current
    FROM previous`,
  release: `UPDATE rate_windows SET count = count - 1
    WHERE key = $1 AND window_start = $2 AND count > 0`,
  sweep: `DELETE FROM rate_windows WHERE (key, window_start) IN (
      SELECT key, window_start FROM rate_windows WHERE window_start < $1
      LIMIT $2 FOR UPDATE SKIP LOCKED
    )`,
} as const;

/**
 * The `RateCounter` a fleet shares through its Postgres database (`PostgresIntentStore.rates`):
 * one count per key per window of `RATE_WINDOW_MS` (windows start at multiples of it), and a
 * take counts while the current count plus the previous one, weighted by the part of the
 * previous window still inside the last `RATE_WINDOW_MS`, stays below the limit (the usual
 * sliding-window approximation, `estimatedRefusal`). Times are the callers' `now`: the fleet's
 * clocks are assumed to agree within a small part of a window. Every `RATE_SWEEP.every`th take
 * first deletes up to `RATE_SWEEP.batch` windows that started over two windows ago.
 *
 * @example
 * const rates = new PostgresRateCounter(db);
 * const taken = await rates.take("wallet:0xAb…", 600, Date.now());
 */
export class PostgresRateCounter implements RateCounter {
  readonly #db: PostgresDatabase;
  #takes = 0;

  constructor(db: PostgresDatabase) {
    this.#db = db;
  }

  async take(key: string, limit: number, now: number): Promise<RateTake> {
    checkRateLimit(limit);
    if (++this.#takes % RATE_SWEEP.every === 0) await this.#sweep(now);
    const { start, previousWeightMs } = windowAt(now);
    const { rows } = await this.#db.query<{
      taken: number | null;
      previous: number;
      current: number;
    }>(RATE_SQL.take, [key, start, previousWeightMs, limit]);
    const { taken, previous, current } = rows[0];
    if (taken === null) return estimatedRefusal({ previous, current, limit, now });
    return { ok: true, release: () => this.#release(key, start) };
  }

  /** Takes back one event of `key` in the window at `start`; a failure leaves it counted. */
  async #release(key: string, start: number): Promise<void> {
    await this.#db.query(RATE_SQL.release, [key, start]).catch(() => undefined);
  }

  /** Deletes up to `RATE_SWEEP.batch` windows that started over two windows before `now`. */
  async #sweep(now: number): Promise<void> {
    await this.#db.query(RATE_SQL.sweep, [now - 2 * RATE_WINDOW_MS, RATE_SWEEP.batch]);
  }
}
