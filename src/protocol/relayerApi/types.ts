/**
 * Types of the relayer's HTTP JSON API, as docs/relayer-api.md defines it. `Wire*` types are
 * the JSON on the wire (on-chain integers as decimal strings); the others are what
 * `RelayerClient` returns (on-chain integers as bigint).
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
 * Why an intent was rejected, failed or expired (the `reason` of a status).
 *
 * @example
 * const { reason } = await relayer.status(id);
 * if (reason?.code === "simulation_failed") console.error(reason.message); // e.g. IntentExpired(0x…, 1732000000)
 */
export interface RelayerIntentStatusReason {
  /** A stable, machine-readable code, e.g. `simulation_failed` (see docs/relayer-api.md). */
  code: string;
  /** A readable explanation, e.g. `WalletCallReverted(0, TargetFailed(7))`. */
  message: string;
  /** Extra fields, e.g. `{ revertData }`, as the relayer sent them. */
  details?: Record<string, unknown>;
}

/**
 * The answer of `POST /v1/intents`.
 *
 * @example
 * const { id, status, alreadyKnown } = await relayer.submit(signed);
 */
export interface SubmitIntentResponse {
  /** The intent's ID, as the relayer computed it (the client checks it equals the submitted one). */
  id: string;
  status: RelayerIntentStatus;
  /** True when the relayer knew this exact signed intent already (HTTP 200 instead of 202). */
  alreadyKnown: boolean;
}

/**
 * The answer of `GET /v1/intents/:id`: what became of an intent.
 *
 * @example
 * const { status, txHash, blockNumber } = await relayer.status(id);
 */
export interface IntentStatusResponse {
  id: string;
  wallet: string;
  status: RelayerIntentStatus;
  /** The hash of the (latest) relay transaction, once one was sent. */
  txHash?: string;
  /** The block the relay was mined in (`relayed`, `failed`; `submitted` once mined, unconfirmed). */
  blockNumber?: bigint;
  /** Who relayed the intent (for `relayed` and `failed`): this relayer, or another one. */
  relayedBy?: string;
  /** Why the intent was rejected, failed or expired. */
  reason?: RelayerIntentStatusReason;
  /** When the relayer accepted the intent (ISO 8601, UTC). */
  createdAt: string;
  /** When the status last changed (ISO 8601, UTC). */
  updatedAt: string;
}

/**
 * The answer of `GET /v1/wallets/:address/intents`.
 *
 * @example
 * const { intents, nextCursor } = await relayer.listWalletIntents(wallet);
 */
export interface ListWalletIntentsResponse {
  /** The wallet's intents, newest first. */
  intents: IntentStatusResponse[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

/**
 * The answer of `GET /health`.
 *
 * @example
 * const { chainId, balance } = await relayer.health();
 * if (balance < 10n ** 17n) console.warn("relayer account low on ETH");
 */
export interface RelayerHealthResponse {
  status: "ok";
  /** The chain the relayer serves. */
  chainId: bigint;
  /** The relayer's account, which sends (and pays for) relay transactions. */
  relayer: string;
  /** The latest block the relayer saw. */
  blockNumber: bigint;
  /** The relayer account's balance, in wei. */
  balance: bigint;
  /** How many accepted intents are not final yet. */
  pending: number;
}
