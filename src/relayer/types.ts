import type { SignedIntent } from "../protocol/intent/types.js";
import {
  FINAL_RELAYER_INTENT_STATUSES,
  type RelayerIntentStatus,
} from "../protocol/relayerApi/types.js";

export type { RelayerIntentStatus };

/** Why an intent is waiting, was rejected, failed or expired (docs/relayer-api.md section 4). */
export interface IntentReason {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

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
  state: "pending" | "mined" | "replaced" | "dropped";
  blockNumber?: bigint;
}

/** A page of a wallet's intents, newest first. */
export interface IntentPage {
  intents: IntentRecord[];
  nextCursor?: string;
}

/** Final statuses: they never change again (the SDK's list, the one definition). */
export const FINAL_STATUSES: readonly RelayerIntentStatus[] = FINAL_RELAYER_INTENT_STATUSES;
