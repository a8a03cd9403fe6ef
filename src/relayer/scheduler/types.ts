import type { Authorization, Provider, TransactionReceipt } from "ethers";

import type { SpendingPolicy } from "../policy.js";
import type { ChainFollower } from "../chainState/follower.js";
import type { WalletStates } from "../chainState/WalletStates.js";
import type { WalletView } from "./walletView.js";
import type { IntentStore } from "../store/IntentStore.js";
import type { IntentRecord, RelayerIntentStatus } from "../types.js";

/**
 * What the scheduler needs from the transaction sender (`chain/TransactionSender.ts`).
 *
 * @example
 * const sender: RelaySender = new TransactionSender({ provider, signer, store, chainId, confirmations: 1, replaceAfterMs: 30_000 });
 */
export interface RelaySender {
  readonly address: string;
  send(request: {
    to: string;
    data: string;
    gasLimit: bigint;
    intentIds: string[];
    maxFeeCapPerGas: bigint;
    /** EIP-7702 authorizations: sent in a type-4 transaction when there is one. */
    authorizationList?: Authorization[];
  }): Promise<{ hash: string; nonce: number }>;
  poll(): Promise<SenderEvent[]>;
  /**
   * Takes `nonce` from its pending transactions with a 0-value self transfer, fees bumped
   * enough to replace them; `poll` reports their intents `dropped` (reason `canceled`) once it
   * mines, or the original `mined` if that wins.
   */
  cancel(nonce: number): Promise<{ hash: string; nonce: number }>;
}

/**
 * What `RelaySender.poll` reports.
 *
 * @example
 * for (const event of await sender.poll()) if (event.kind === "dropped") console.log(event.reason);
 */
export type SenderEvent =
  | { kind: "mined"; hash: string; nonce: number; intentIds: string[]; receipt: TransactionReceipt }
  | { kind: string; hash?: string; intentIds?: string[]; reason?: string };

/**
 * A log line of the scheduler: level, short message, fields.
 *
 * @example
 * const log: SchedulerLog = (level, message, fields) => logger[level](message, fields);
 */
export type SchedulerLog = (
  level: "debug" | "info" | "warn" | "error",
  message: string,
  fields?: Record<string, unknown>,
) => void;

/**
 * Logging and metrics hooks of the scheduler.
 *
 * @example
 * const hooks: SchedulerHooks = { onSent: (kind) => metrics.transactionSent(kind) };
 */
export interface SchedulerHooks {
  log?: SchedulerLog;
  onFinal?: (
    record: IntentRecord,
    status: RelayerIntentStatus,
    submitToReceiptSeconds?: number,
  ) => void;
  onSent?: (kind: "relay" | "replacement" | "batch") => void;
  onGasSpent?: (gasUsed: bigint, weiSpent: bigint) => void;
  /** A batch of `size` intents was sent in one transaction. */
  onBatchSent?: (size: number) => void;
  /**
   * A batch did not relay an intent: left out before sending because its relay is skipped when
   * the batch is simulated (`simulation`), or skipped in the mined batch (`chain`).
   */
  onBatchSkipped?: (stage: "simulation" | "chain") => void;
}

/**
 * What the scheduler is made of and how it behaves.
 *
 * @example
 * const scheduler = new Scheduler({ provider, store, policy, sender, holdMs: 60_000 });
 */
export interface SchedulerParameters {
  provider: Provider;
  store: IntentStore;
  policy: SpendingPolicy;
  sender: RelaySender;
  /** How long an intent whose relay would revert, or whose calls would fail, is re-simulated before it is rejected. */
  holdMs: number;
  /** Most submissions per tick. */
  maxSubmissionsPerTick?: number;
  /**
   * The `IntentBatcher` through which intents ready in the same tick are relayed together, in
   * one transaction; `undefined`: one transaction per intent.
   */
  batcher?: string;
  /** Most intents in one batch transaction (with `batcher`); below 2 turns batching off. Default 16. */
  maxBatch?: number;
  hooks?: SchedulerHooks;
  /**
   * The chain as the relayer follows it: ticks wake at its new heads and events, and intents
   * are judged from the kept wallet states. Without it, every tick asks the node.
   */
  chainState?: { follower: ChainFollower; states: WalletStates };
}

/**
 * What a tick reads once for every intent.
 *
 * @example
 * if (record.signed.intent.expiration <= context.now) console.log("expired");
 */
export interface TickContext {
  /** The chain's "now", unix seconds (the latest block's time, or the wall clock if later). */
  now: bigint;
  /** The latest block's number. */
  blockNumber: number;
  networkPrice: bigint;
  hasBudget: boolean;
  /** What the wallets say: from the kept wallet states, or the node. */
  view: WalletView;
}

/**
 * How many intents (or transactions) a tick advances at once: JSON-RPC work in flight.
 *
 * @example
 * await mapConcurrently(records, CONCURRENCY, (record) => advance(record));
 */
export const CONCURRENCY = 16;
