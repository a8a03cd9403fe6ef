import { RATE_WINDOW_MS, type RateCounter } from "../rates/RateCounter.js";
import { RelayerRefusal } from "../refusal.js";

/**
 * Counts one submission of `client` (its address) at `now` in `rates`, under `client:<client>`:
 * the per-client limit of `POST /v1/intents`, which counts every submission, refused or not,
 * before its body is read. Throws a `rate_limited` `RelayerRefusal`, with `Retry-After`, once
 * the client made `limit` submissions in the last minute.
 *
 * @example
 * await takeClientRate(rates, request.ip, 300, Date.now()); // throws past 300 a minute
 */
export async function takeClientRate(
  rates: RateCounter,
  client: string,
  limit: number,
  now: number,
): Promise<void> {
  const taken = await rates.take(`client:${client}`, limit, now);
  if (taken.ok) return;
  throw new RelayerRefusal(
    "rate_limited",
    `client ${client} made ${taken.counted} submissions in the last minute (limit ${limit}), refused ones included`,
    { limit, windowSeconds: RATE_WINDOW_MS / 1000 },
    taken.retryAfterSeconds,
  );
}
