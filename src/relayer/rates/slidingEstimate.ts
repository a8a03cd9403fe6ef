import { RATE_WINDOW_MS, type RateTake } from "./RateCounter.js";

/**
 * Where `now` (unix ms) falls among whole windows of `RATE_WINDOW_MS`, as a counter that keeps
 * one count per key per window sees it: the start of its window, and the weight of the
 * previous window, the ms of it still inside the last `RATE_WINDOW_MS` (from the whole window
 * at its start down to 1 ms at its end).
 *
 * @example
 * const { start, previousWeightMs } = windowAt(Date.now());
 */
export function windowAt(now: number): { start: number; previousWeightMs: number } {
  const start = Math.floor(now / RATE_WINDOW_MS) * RATE_WINDOW_MS;
  return { start, previousWeightMs: RATE_WINDOW_MS - (now - start) };
}

/**
 * The refusal of a take at `now` by a counter of whole windows, which estimates the events of
 * the last `RATE_WINDOW_MS` as those of the current window plus those of the previous one
 * weighted by the part of it still inside (the usual sliding-window approximation): `counted`
 * is that estimate, rounded down and at least `limit` (the counts may have been read before a
 * concurrent take that made the difference); `retryAfterSeconds` is the time, at least 1 s,
 * until the estimate falls below `limit` if nothing else is counted.
 *
 * @example
 * return estimatedRefusal({ previous: 40, current: 30, limit: 50, now });
 */
export function estimatedRefusal({
  previous,
  current,
  limit,
  now,
}: {
  previous: number;
  current: number;
  limit: number;
  now: number;
}): Extract<RateTake, { ok: false }> {
  const { start, previousWeightMs } = windowAt(now);
  const estimate = Math.floor((previous * previousWeightMs) / RATE_WINDOW_MS) + current;
  const retryAfterMs = msUntilBelow({ previous, current, limit, elapsedMs: now - start });
  return {
    ok: false,
    counted: Math.max(limit, estimate),
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  };
}

/**
 * How long after `elapsedMs` into the current window the estimate falls below `limit`: later in
 * this window, as the previous one weighs less, when the current count is below `limit`; else
 * in the next window, as the current one (then previous) weighs less.
 */
function msUntilBelow({
  previous,
  current,
  limit,
  elapsedMs,
}: {
  previous: number;
  current: number;
  limit: number;
  elapsedMs: number;
}): number {
  const windowMs = RATE_WINDOW_MS;
  if (current >= limit) {
    return windowMs - elapsedMs + Math.floor(windowMs - (limit * windowMs) / current) + 1;
  }
  if (previous === 0) return 0;
  const needed = Math.floor(windowMs - ((limit - current) * windowMs) / previous) + 1;
  return Math.max(0, needed - elapsedMs);
}
