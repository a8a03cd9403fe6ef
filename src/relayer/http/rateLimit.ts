import { RelayerRefusal } from "../refusal.js";

/**
 * The window every rate of the API is counted over (docs/relayer-api.md: `windowSeconds`).
 *
 * @example
 * const perSecond = limit / (RATE_WINDOW_MS / 1000);
 */
export const RATE_WINDOW_MS = 60_000;

/**
 * Counts events per key over a sliding window of `RATE_WINDOW_MS` and refuses the one past
 * `limit`: the per-client limit of `POST /v1/intents`, which counts every submission, refused
 * or not, before its body is read. Memory stays bounded: a key's timestamps are at most
 * `limit`, and keys idle for a whole window are dropped as the map grows.
 *
 * @example
 * const limiter = new SlidingWindowLimiter(300);
 * limiter.take("127.0.0.1", Date.now()); // throws a rate_limited RelayerRefusal past 300 a minute
 */
export class SlidingWindowLimiter {
  readonly #events = new Map<string, number[]>();
  #sweepAt = 1_024;

  constructor(readonly limit: number) {}

  /**
   * Counts one event of `key` at `now`, or throws a `rate_limited` `RelayerRefusal` (with
   * `Retry-After` until the oldest event leaves the window) when `key` is at its limit;
   * `who` names the key in the message.
   */
  take(key: string, now: number, who = key): void {
    const recent = this.#recent(key, now);
    if (recent.length >= this.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0] + RATE_WINDOW_MS - now) / 1000));
      throw new RelayerRefusal(
        "rate_limited",
        `${who} made ${recent.length} submissions in the last minute (limit ${this.limit}), refused ones included`,
        { limit: this.limit, windowSeconds: RATE_WINDOW_MS / 1000 },
        retryAfterSeconds,
      );
    }
    recent.push(now);
    this.#events.set(key, recent);
    if (this.#events.size >= this.#sweepAt) this.#sweep(now);
  }

  /** The events of `key` still in the window at `now`, oldest first. */
  #recent(key: string, now: number): number[] {
    const events = this.#events.get(key) ?? [];
    let stale = 0;
    while (stale < events.length && events[stale] <= now - RATE_WINDOW_MS) stale++;
    return stale === 0 ? events : events.slice(stale);
  }

  /** Drops the keys with no event in the window; sweeps again when the map doubles. */
  #sweep(now: number): void {
    for (const [key, events] of this.#events) {
      if (events.at(-1)! <= now - RATE_WINDOW_MS) this.#events.delete(key);
    }
    this.#sweepAt = Math.max(1_024, 2 * this.#events.size);
  }
}
