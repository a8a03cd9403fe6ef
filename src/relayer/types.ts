import type { SignedIntent } from "../protocol/intent/types.js";
import {
  FINAL_RELAYER_INTENT_STATUSES,
  type RelayerIntentStatus,
} from "../protocol/relayerApi/statuses.js";
import type { RelayerIntentStatusReason } from "../protocol/relayerApi/types.js";

export type { RelayerIntentStatus };

/**
 * Why an intent is waiting, was rejected, failed or expired (docs/relayer-api.md section 4):
 * the protocol's `RelayerIntentStatusReason`, as the API reports it.
 *
 * @example
 * const reason: IntentReason = { code: "expired", message: "expired while waiting", details: { waitingFor: "gas_price" } };
 */
export type IntentReason = RelayerIntentStatusReason;

/** What the relayer keeps per accepted intent. Times are unix milliseconds. */
export interface IntentRecord {
  id: string;
  /** Checksummed wallet address. */
  wallet: string;
  /** The signed intent as accepted (its `epoch` included). */
  signed: SignedIntent;
  status: RelayerIntentStatus;
  reason?: IntentReason;
  /** The latest relay transaction sent for it (a replacement replaces it). */
  txHash?: string;
  blockNumber?: bigint;
  /** Who relayed it on-chain (this relayer, or another one that was first). */
  relayedBy?: string;
  createdAt: number;
  updatedAt: number;
  /** While re-simulating a relay that would revert or whose calls would fail: give up after this time. */
  holdUntil?: number;
}

/** The fields of a record that change after acceptance. */
export type IntentRecordPatch = Partial<
  Pick<IntentRecord, "status" | "reason" | "txHash" | "blockNumber" | "relayedBy" | "holdUntil">
>;

/**
 * The states of a relay transaction: `pending` until mined and confirmed, then `mined`;
 * `replaced` when a later transaction of the same nonce superseded it; `dropped` when the node
 * forgot it.
 *
 * @example
 * const known = (TRANSACTION_STATES as readonly string[]).includes(value);
 */
export const TRANSACTION_STATES = ["pending", "mined", "replaced", "dropped"] as const;

/**
 * One of `TRANSACTION_STATES`.
 *
 * @example
 * const state: TransactionState = "pending";
 */
export type TransactionState = (typeof TRANSACTION_STATES)[number];

/** A relay transaction of the relayer's account, persisted BEFORE it is broadcast. */
export interface TransactionRecord {
  hash: string;
  nonce: number;
  /** The signed raw transaction, so it can be rebroadcast after a restart. */
  raw: string;
  /** The intent IDs it relays. */
  intentIds: string[];
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  sentAt: number;
  /** "pending" until mined and confirmed, "replaced" when a later transaction of the same nonce superseded it. */
  state: TransactionState;
  blockNumber?: bigint;
}

/** A page of a wallet's intents, newest first. */
export interface IntentPage {
  intents: IntentRecord[];
  nextCursor?: string;
}

/**
 * The final statuses of an intent that will never be relayed successfully (`failed`,
 * `rejected`, `expired`): the protocol's final statuses but `relayed`. An intent that depends
 * on one of them can never run.
 *
 * @example
 * if (neverSucceeds(dependency.status)) reject(record, "dependency_failed");
 */
export const NEVER_SUCCEEDS_STATUSES: readonly RelayerIntentStatus[] =
  FINAL_RELAYER_INTENT_STATUSES.filter((status) => status !== "relayed");

/**
 * Whether an intent of `status` will never be relayed successfully: one of
 * `NEVER_SUCCEEDS_STATUSES`.
 *
 * @example
 * neverSucceeds("expired"); // true
 */
export function neverSucceeds(status: RelayerIntentStatus): boolean {
  return NEVER_SUCCEEDS_STATUSES.includes(status);
}
