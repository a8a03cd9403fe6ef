import type { Authorization, Provider, TransactionReceipt, TransactionRequest } from "ethers";

import type { IntentStore } from "../store/IntentStore.js";
import { errorMessage, type BroadcastErrorKind } from "./broadcastErrors.js";
import type { NetworkFees, TransactionFees } from "./fees.js";

/**
 * The JSON-RPC calls the sender makes: an ethers `JsonRpcProvider`, or Hardhat's
 * `ethers.provider`. Give a `JsonRpcProvider` `{ cacheTimeout: -1 }`: by default it answers
 * the same call (block number, nonce, receipt) from a 250 ms cache, so a poll could see a
 * block number older than a receipt, or a nonce from before the last send.
 *
 * @example
 * const provider: SenderProvider = new JsonRpcProvider(url, undefined, { cacheTimeout: -1 });
 */
export type SenderProvider = Pick<
  Provider,
  | "broadcastTransaction"
  | "estimateGas"
  | "getBlockNumber"
  | "getFeeData"
  | "getNetwork"
  | "getTransaction"
  | "getTransactionCount"
  | "getTransactionReceipt"
>;

/**
 * Signs transactions locally with the relayer's key (an ethers `Wallet`).
 *
 * @example
 * const signer: TransactionSigner = new Wallet(privateKey);
 */
export interface TransactionSigner {
  readonly address: string;
  signTransaction(transaction: TransactionRequest): Promise<string>;
}

/**
 * Structured logs: a short message and fields (bigints as decimal strings).
 *
 * @example
 * const logger: TransactionSenderLogger = { info: console.log, warn: console.warn, error: console.error };
 */
export interface TransactionSenderLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What a `TransactionSender` sends with, and how it replaces and confirms.
 *
 * @example
 * const parameters: TransactionSenderParameters = { provider, signer, store, chainId: 31337n, confirmations: 1, replaceAfterMs: 30_000 };
 */
export interface TransactionSenderParameters {
  provider: SenderProvider;
  /** The relayer's account, connected to `provider` or not: it only signs. */
  signer: TransactionSigner;
  store: IntentStore;
  chainId: bigint;
  /** Blocks a receipt needs (its own included) before the transaction counts as mined; at least 1. */
  confirmations: number;
  /** A transaction still unmined this long after it (or its last replacement) was sent is replaced. */
  replaceAfterMs: number;
  /** How much a replacement raises both fees, in percent; at least 10 (nodes refuse less). Default 15. */
  feeBumpPercent?: number;
  logger?: TransactionSenderLogger;
  /** The clock, unix milliseconds (tests move it). Default `Date.now`. */
  now?: () => number;
}

/**
 * One transaction to send.
 *
 * @example
 * await sender.send({ to: wallet, data, gasLimit: 200_000n, intentIds: [id], maxFeeCapPerGas: intent.maxGasPrice });
 */
export interface SendTransactionParameters {
  to: string;
  data: string;
  gasLimit: bigint;
  /** The intents this transaction relays (recorded with it, reported in its events). */
  intentIds: string[];
  /**
   * The highest gas price the transaction may ever pay (the intents' `maxGasPrice`): its
   * `maxFeePerGas` and every replacement's stay at or below it.
   */
  maxFeeCapPerGas: bigint;
  /** Wei sent along; default 0. */
  value?: bigint;
  /**
   * EIP-7702 authorizations to carry: when there is one, the transaction is of type 4 (and
   * every replacement keeps them).
   */
  authorizationList?: Authorization[];
}

/**
 * A transaction sent (or its cancel): hash, nonce and fees.
 *
 * @example
 * const { hash, nonce } = await sender.send(request);
 */
export interface SentTransaction extends TransactionFees {
  hash: string;
  nonce: number;
}

interface TransactionEventBase {
  /** The transaction the event is about (for `replaced`: the new one). */
  hash: string;
  nonce: number;
  intentIds: string[];
}

/**
 * What `poll()` saw happen to the relayer's transactions:
 * - `mined`: `hash` has `confirmations` blocks; it is stored `mined`, the other transactions of
 *   its nonce `replaced` (`replacedHashes`). Final.
 * - `reorged`: the receipt of `hash` seen at `blockNumber` is gone (a reorg, before enough
 *   confirmations); the transactions of that nonce stay pending and are rebroadcast, so a
 *   `mined` event may follow.
 * - `replaced`: `hash` was sent to replace `replacedHash` (same nonce, higher fees); the
 *   intents' latest transaction is now `hash`.
 * - `stuck`: the transaction is due for a replacement, but its cap leaves no room for the bump
 *   a node requires; it keeps waiting (reported once per nonce until it moves again).
 * - `canceling`: a transaction stuck at its cap, while the network's price is above the cap,
 *   blocked later nonces: `hash`, a 0-value self transfer, was sent to take its nonce
 *   (`replacedHash` the stuck one). When it mines, its intents are reported `dropped`
 *   (reason `canceled`); if the stuck one mines first, it is reported `mined` as usual.
 * - `dropped`: the intents will not be relayed by this nonce: the node refused the
 *   transaction for good (`rejected`), the nonce was used by a transaction not of this
 *   relayer (`nonce_used`), or a `cancel` self-transfer took the nonce (`canceled`). Final;
 *   the intents may be sent again.
 *
 * @example
 * for (const event of await sender.poll()) if (event.kind === "mined") console.log(event.receipt.status);
 */
export type TransactionEvent =
  | (TransactionEventBase & {
      kind: "mined";
      receipt: TransactionReceipt;
      replacedHashes: string[];
    })
  | (TransactionEventBase & { kind: "reorged"; blockNumber: number })
  | (TransactionEventBase & { kind: "replaced"; replacedHash: string } & TransactionFees)
  | (TransactionEventBase & { kind: "stuck"; cap: bigint | undefined } & TransactionFees)
  | (TransactionEventBase & { kind: "canceling"; replacedHash: string } & TransactionFees)
  | (TransactionEventBase & {
      kind: "dropped";
      reason: "rejected" | "nonce_used" | "canceled";
      message?: string;
    });

/**
 * A transaction the node refused for good in `send` (the nonce is not consumed).
 *
 * @example
 * await sender.send(request).catch((error) => { if (error instanceof TransactionRejectedError) console.log(error.kind); });
 */
export class TransactionRejectedError extends Error {
  constructor(
    readonly nonce: number,
    readonly hash: string,
    readonly kind: BroadcastErrorKind,
    options: { cause: unknown },
  ) {
    super(
      `the node refused transaction ${hash} (nonce ${nonce}): ${errorMessage(options.cause)}`,
      options,
    );
    this.name = "TransactionRejectedError";
  }
}

/**
 * `cancel` of a nonce that has no pending transaction (mined, dropped, or never used).
 *
 * @example
 * await sender.cancel(nonce).catch((error) => { if (error instanceof NoPendingTransactionError) console.log(error.nonce); });
 */
export class NoPendingTransactionError extends Error {
  constructor(readonly nonce: number) {
    super(`no pending transaction has nonce ${nonce}`);
    this.name = "NoPendingTransactionError";
  }
}

/** Logs nothing: the default logger. */
export const silentLogger: TransactionSenderLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

// ------------------------------------------------- shared by the parts of the sender

/**
 * What one poll reads once from the node.
 *
 * @example
 * if (nonce < context.minedCount) console.log("used");
 */
export interface PollContext {
  latestBlock: number;
  /** The account's nonce in the latest block: nonces below it are used. */
  minedCount: number;
  /** The account's nonce counting the node's pool: nonces at or above it are not in the pool. */
  poolCount: number;
  /** The highest nonce with a pending transaction: the ones below it block it. */
  lastPendingNonce: number;
  feeData: () => Promise<NetworkFees>;
}

/**
 * A transaction to sign and record.
 *
 * @example
 * await core.signAndRecord({ to, data: "0x", value: 0n, gasLimit: 21_000n, nonce, ...fees, legacy: false, intentIds: [], cap: undefined });
 */
export interface SignParameters extends TransactionFees {
  to: string;
  data: string;
  value: bigint;
  gasLimit: bigint;
  nonce: number;
  legacy: boolean;
  intentIds: string[];
  /** EIP-7702 authorizations: a type-4 transaction when there is one. */
  authorizationList?: Authorization[];
  /** `undefined`: no cap (a filler). */
  cap: bigint | undefined;
}

/**
 * What the node answered a broadcast: taken (maybe, when it did not answer), or refused.
 *
 * @example
 * const result: BroadcastResult = await core.broadcast(record.raw);
 */
export type BroadcastResult =
  { sent: true; uncertain: boolean } | { sent: false; kind: BroadcastErrorKind; error: unknown };
