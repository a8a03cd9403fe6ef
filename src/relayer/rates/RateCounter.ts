/**
 * The window every rate of the relayer is counted over (docs/relayer-api.md: `windowSeconds`).
 *
 * @example
 * const perSecond = limit / (RATE_WINDOW_MS / 1000);
 */
export const RATE_WINDOW_MS = 60_000;

/**
 * What `RateCounter.take` answers: the event was counted (with how to take it back), or the key
 * is at its limit: how many events were counted in the window (at least the limit), and how
 * many seconds (at least 1) to wait before the next one would be counted.
 *
 * @example
 * const taken: RateTake = await rates.take("client:127.0.0.1", 300, Date.now());
 * if (!taken.ok) console.log(`retry in ${taken.retryAfterSeconds} s`);
 */
export type RateTake =
  | { ok: true; release(): Promise<void> }
  | { ok: false; counted: number; retryAfterSeconds: number };

/**
 * Counts events per key over the last `RATE_WINDOW_MS`, refusing the one past a limit. Keys of
 * different kinds share one counter under distinct prefixes (`client:<ip>`, `wallet:<address>`).
 * `release` takes an event back; it never rejects: a count it could not take back (a shared
 * database that did not answer) stays until its window passes, which only makes the limit
 * stricter. Implementations: `MemoryRateCounter` (one process), `PostgresRateCounter` (a fleet
 * on one database).
 *
 * @example
 * const taken = await rates.take(`wallet:${wallet}`, 600, Date.now());
 * if (taken.ok && sentByMistake) await taken.release();
 */
export interface RateCounter {
  /**
   * Counts one event of `key` at `now` (unix ms), unless `limit` events of `key` were counted
   * in the `RATE_WINDOW_MS` before it; `limit` is a positive integer (else a `RangeError`).
   */
  take(key: string, limit: number, now: number): Promise<RateTake>;
}

/**
 * Throws a `RangeError` unless `limit` is a positive safe integer: the limits `take` accepts.
 *
 * @example
 * checkRateLimit(limit);
 */
export function checkRateLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${String(limit)}`);
  }
}
