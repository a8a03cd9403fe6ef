/**
 * The statuses an intent can have at the relayer (docs/relayer-api.md section 4), defined once
 * for the relayer, its store and metrics, and the SDK's `RelayerClient`: every other list of
 * statuses is derived from these.
 */

/**
 * Every status an intent can have at the relayer, in the order it usually goes through them.
 *
 * @example
 * const known = (RELAYER_INTENT_STATUSES as readonly string[]).includes(value);
 */
export const RELAYER_INTENT_STATUSES = [
  "scheduled",
  "queued",
  "waiting_dependencies",
  "waiting_gas_price",
  "submitted",
  "relayed",
  "failed",
  "rejected",
  "expired",
] as const;

/**
 * Where an intent stands at the relayer:
 * - `scheduled`: accepted before its `validAfter`: held, not simulated, until the chain's time
 *   reaches it;
 * - `queued`: accepted, not yet submitted (being simulated, or waiting for its turn);
 * - `waiting_dependencies`: some dependency is not relayed successfully yet;
 * - `waiting_gas_price`: the network's gas price is above the intent's `maxGasPrice`;
 * - `submitted`: a relay transaction is sent (`txHash`), not yet confirmed;
 * - `relayed`: relayed, and the calls succeeded (final);
 * - `failed`: relayed, but the calls reverted; the ID is consumed (final);
 * - `rejected`: will never be relayed; `reason` says why (final);
 * - `expired`: its expiration passed before it could be relayed (final).
 *
 * @example
 * const waiting: RelayerIntentStatus[] = ["scheduled", "waiting_dependencies", "waiting_gas_price"];
 */
export type RelayerIntentStatus = (typeof RELAYER_INTENT_STATUSES)[number];

/**
 * The statuses an intent never leaves: what `RelayerClient.waitFor` waits for by default.
 *
 * @example
 * const done = (FINAL_RELAYER_INTENT_STATUSES as readonly string[]).includes((await relayer.status(id)).status);
 */
export const FINAL_RELAYER_INTENT_STATUSES = [
  "relayed",
  "failed",
  "rejected",
  "expired",
] as const satisfies readonly RelayerIntentStatus[];

/**
 * One of `FINAL_RELAYER_INTENT_STATUSES`.
 *
 * @example
 * const outcome: FinalRelayerIntentStatus = (await relayer.waitFor(id)).status as FinalRelayerIntentStatus;
 */
export type FinalRelayerIntentStatus = (typeof FINAL_RELAYER_INTENT_STATUSES)[number];

/**
 * Whether `status` is final: an intent never leaves it.
 *
 * @example
 * if (isFinalRelayerIntentStatus(record.status)) return; // nothing left to do
 */
export function isFinalRelayerIntentStatus(status: string): status is FinalRelayerIntentStatus {
  return (FINAL_RELAYER_INTENT_STATUSES as readonly string[]).includes(status);
}

/**
 * The statuses of an intent that is not final yet, in `RELAYER_INTENT_STATUSES` order: what
 * `GET /health` counts as `pending`, and the statuses the relayer still works on.
 *
 * @example
 * const pending = PENDING_RELAYER_INTENT_STATUSES.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
 */
export const PENDING_RELAYER_INTENT_STATUSES: readonly RelayerIntentStatus[] =
  RELAYER_INTENT_STATUSES.filter((status) => !isFinalRelayerIntentStatus(status));
