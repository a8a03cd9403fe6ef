import { checkRateLimit, RATE_WINDOW_MS, type RateCounter, type RateTake } from "./RateCounter.js";

/** The map size at which idle keys are first swept. */
const FIRST_SWEEP_AT = 1_024;

/**
 * The `RateCounter` of one process: an exact sliding window, the time of every event counted
 * in the last `RATE_WINDOW_MS` per key. A refused take is not counted. Memory stays bounded: a
 * key keeps at most `limit` times, and keys idle for a whole window are dropped as the map
 * grows (whenever it doubles).
 *
 * @example
 * const rates = new MemoryRateCounter();
 * const taken = await rates.take("client:127.0.0.1", 300, Date.now()); // { ok: true, release }
 */
export class MemoryRateCounter implements RateCounter {
  readonly #events = new Map<string, number[]>();
  #sweepAt = FIRST_SWEEP_AT;

  /** Counts one event of `key` at `now`; refused, with the oldest event's exit as Retry-After. */
  async take(key: string, limit: number, now: number): Promise<RateTake> {
    checkRateLimit(limit);
    const recent = this.#recent(key, now);
    if (recent.length >= limit) {
      const retryAfterMs = recent[recent.length - limit] + RATE_WINDOW_MS - now;
      return {
        ok: false,
        counted: recent.length,
        retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
      };
    }
    recent.push(now);
    this.#events.set(key, recent);
    if (this.#events.size >= this.#sweepAt) this.#sweep(now);
    return { ok: true, release: async () => this.#release(key, now) };
  }

  /** The events of `key` still in the window at `now`, oldest first. */
  #recent(key: string, now: number): number[] {
    const events = this.#events.get(key) ?? [];
    let stale = 0;
    while (stale < events.length && events[stale] <= now - RATE_WINDOW_MS) stale++;
    return stale === 0 ? events : events.slice(stale);
  }

  /** Takes back one event of `key` at `at`, if it is still counted. */
  #release(key: string, at: number): void {
    const events = this.#events.get(key);
    const index = events?.lastIndexOf(at) ?? -1;
    if (index >= 0) events!.splice(index, 1);
  }

  /** Drops the keys with no event in the window; sweeps again when the map doubles. */
  #sweep(now: number): void {
    for (const [key, events] of this.#events) {
      if (events.length === 0 || events.at(-1)! <= now - RATE_WINDOW_MS) this.#events.delete(key);
    }
    this.#sweepAt = Math.max(FIRST_SWEEP_AT, 2 * this.#events.size);
  }
}
