import type { CheckedSpending } from "../rows/spendingRows.js";
import type { PostgresDatabase } from "./connection.js";
import { TurnBatcher } from "./turnBatcher.js";

/**
 * The batched statements on `spending_minutes`: the sums of several minutes added in one
 * upsert (each minute once: $1 minute starts, $2 wei, $3 gas, $4 spends), and the wei spent
 * from a minute on.
 *
 * @example
 * await db.query(SPENDING_BATCH_SQL.add, [[start], ["21000000"], ["21000"], [1]]);
 */
export const SPENDING_BATCH_SQL = {
  add: `INSERT INTO spending_minutes (minute_start, wei, gas, spends)
    SELECT * FROM unnest($1::bigint[], $2::numeric[], $3::numeric[], $4::bigint[])
    ON CONFLICT (minute_start) DO UPDATE SET
      wei = spending_minutes.wei + excluded.wei,
      gas = spending_minutes.gas + excluded.gas,
      spends = spending_minutes.spends + excluded.spends`,
  since: `SELECT COALESCE(SUM(wei), 0)::text AS wei FROM spending_minutes
    WHERE minute_start >= $1`,
} as const;

/**
 * The spending writes and reads of one event-loop turn (`TurnBatcher`): the spends added in a
 * turn are summed by minute and added in one atomic upsert (so concurrent processes' adds all
 * count, and `spends` still counts each entry); the reads of a turn from the same minute share
 * one query.
 *
 * @example
 * const spending = new SpendingBatches(db);
 * await spending.add.load(checkSpendingEntry(entry));
 * const wei = await spending.since.load(firstMinuteSince(since));
 */
export class SpendingBatches {
  readonly add: TurnBatcher<CheckedSpending, true>;
  readonly since: TurnBatcher<number, bigint>;

  constructor(db: PostgresDatabase) {
    this.add = new TurnBatcher(async (spends) => {
      await db.query(SPENDING_BATCH_SQL.add, sumsByMinute(spends));
      return spends.map(() => true as const);
    });
    this.since = new TurnBatcher(async (starts) => {
      const sums = new Map<number, bigint>();
      for (const start of new Set(starts)) {
        const { rows } = await db.query<{ wei: string }>(SPENDING_BATCH_SQL.since, [start]);
        sums.set(start, BigInt(rows[0].wei));
      }
      return starts.map((start) => sums.get(start)!);
    });
  }

  /** Runs the calls collected so far and waits for every batch (before the pool closes). */
  async drain(): Promise<void> {
    await Promise.all([this.add.drain(), this.since.drain()]);
  }
}

/** The upsert's four arrays: each minute once, with its spends' wei, gas and count summed. */
function sumsByMinute(spends: CheckedSpending[]): [number[], string[], string[], number[]] {
  const minutes = new Map<number, { wei: bigint; gas: bigint; spends: number }>();
  for (const { minuteStart, wei, gas } of spends) {
    const sums = minutes.get(minuteStart) ?? { wei: 0n, gas: 0n, spends: 0 };
    minutes.set(minuteStart, { wei: sums.wei + wei, gas: sums.gas + gas, spends: sums.spends + 1 });
  }
  const entries = [...minutes];
  return [
    entries.map(([start]) => start),
    entries.map(([, sums]) => sums.wei.toString()),
    entries.map(([, sums]) => sums.gas.toString()),
    entries.map(([, sums]) => sums.spends),
  ];
}
