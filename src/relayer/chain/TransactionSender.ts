import {
  getAddress,
  Transaction,
  type Provider,
  type TransactionReceipt,
  type TransactionRequest,
} from "ethers";

import type { IntentStore } from "../store/IntentStore.js";
import type { TransactionRecord } from "../types.js";
import {
  classifyBroadcastError,
  errorMessage,
  type BroadcastErrorKind,
} from "./broadcastErrors.js";
import {
  bumpFees,
  initialFees,
  MIN_REPLACEMENT_BUMP_PERCENT,
  type NetworkFees,
  type TransactionFees,
} from "./fees.js";
import { Mutex } from "./mutex.js";
import { mapConcurrently } from "../concurrency.js";

/**
 * The JSON-RPC calls the sender makes: an ethers `JsonRpcProvider`, or Hardhat's
 * `ethers.provider`. Give a `JsonRpcProvider` `{ cacheTimeout: -1 }`: by default it answers
 * the same call (block number, nonce, receipt) from a 250 ms cache, so a poll could see a
 * block number older than a receipt, or a nonce from before the last send.
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

/** Signs transactions locally with the relayer's key (an ethers `Wallet`). */
export interface TransactionSigner {
  readonly address: string;
  signTransaction(transaction: TransactionRequest): Promise<string>;
}

/** Structured logs: a short message and fields (bigints as decimal strings). */
export interface TransactionSenderLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

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
}

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

/** A transaction the node refused for good in `send` (the nonce is not consumed). */
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

/** Gas of a 0-value self transfer (the filler of a nonce gap), if the node can't estimate it. */
const TRANSFER_GAS = 21_000n;

/** How many times a transaction is signed again with 1 more gas when its hash is stored already. */
const MAX_EXTRA_GAS = 64n;

/** How many nonces `poll` follows at once (JSON-RPC calls in flight). */
const POLL_CONCURRENCY = 16;

/** How many consecutive polls must find a nonce used without a receipt of ours before it counts as taken. */
const NONCE_USED_POLLS = 2;

const silentLogger: TransactionSenderLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** What one poll reads once from the node. */
interface PollContext {
  latestBlock: number;
  /** The account's nonce in the latest block: nonces below it are used. */
  minedCount: number;
  /** The account's nonce counting the node's pool: nonces at or above it are not in the pool. */
  poolCount: number;
  /** The highest nonce with a pending transaction: the ones below it block it. */
  lastPendingNonce: number;
  feeData: () => Promise<NetworkFees>;
}

interface SignParameters extends TransactionFees {
  to: string;
  data: string;
  value: bigint;
  gasLimit: bigint;
  nonce: number;
  legacy: boolean;
  intentIds: string[];
  /** `undefined`: no cap (a filler). */
  cap: bigint | undefined;
}

type BroadcastResult =
  { sent: true; uncertain: boolean } | { sent: false; kind: BroadcastErrorKind; error: unknown };

/**
 * Sends the relayer's transactions from one account: its own nonces (several transactions in
 * flight), local EIP-1559 signing, every transaction persisted before it is broadcast, fee
 * bumps for stuck transactions within the intents' `maxGasPrice`, confirmations, reorgs, and
 * recovery after a restart.
 *
 * Nonces without gaps: `send` holds a mutex from choosing the nonce until the node answers the
 * broadcast, so when the node refuses a transaction for good its nonce was given to no later
 * transaction and the next `send` reuses it. When a transaction already in flight is refused
 * later (its rebroadcast after the node dropped it), its nonce is reused if it is still the
 * last one, or else taken by a 0-value self transfer (a "filler") so the transactions after it
 * can be mined. `init()` fills the same way a nonce below a stored pending transaction that
 * the node has no transaction for, and reuses a last nonce whose transaction was refused.
 *
 * @example
 * const sender = new TransactionSender({ provider, signer, store, chainId, confirmations: 2, replaceAfterMs: 30_000 });
 * await sender.init();
 * const { hash, nonce } = await sender.send({ to: wallet, data, gasLimit, intentIds: [id], maxFeeCapPerGas });
 * for (const event of await sender.poll()) if (event.kind === "mined") ...;
 */
export class TransactionSender {
  readonly address: string;
  readonly #provider: SenderProvider;
  readonly #signer: TransactionSigner;
  readonly #store: IntentStore;
  readonly #chainId: bigint;
  readonly #confirmations: number;
  readonly #replaceAfterMs: number;
  readonly #feeBumpPercent: number;
  readonly #logger: TransactionSenderLogger;
  readonly #now: () => number;

  /** Held from choosing a nonce to the node's answer, so nonces are distinct and gap-free. */
  readonly #nonceLock = new Mutex();
  /** One poll at a time. */
  readonly #pollLock = new Mutex();
  #nextNonce: number | undefined;
  /** Nonces with a transaction in flight (for `pendingCount`). */
  readonly #inFlight = new Set<number>();
  /** Hashes being broadcast by `send`: `poll` leaves them alone until the node has answered. */
  readonly #broadcasting = new Set<string>();
  /** The fee cap of each transaction sent by this process (`undefined`: a filler, no cap). */
  readonly #caps = new Map<string, bigint | undefined>();
  /** Transactions whose receipt was seen, not yet confirmed: hash to block number. */
  readonly #seen = new Map<string, number>();
  /** Nonces reported `stuck`, until they move. */
  readonly #stuck = new Set<number>();
  /** Nonces found used without a receipt of ours, by how many polls in a row. */
  readonly #usedWithoutReceipt = new Map<number, number>();

  constructor(parameters: TransactionSenderParameters) {
    const { confirmations, replaceAfterMs, feeBumpPercent = 15 } = parameters;
    if (!Number.isInteger(confirmations) || confirmations < 1) {
      throw new RangeError(`confirmations must be an integer of at least 1, got ${confirmations}`);
    }
    if (!Number.isFinite(replaceAfterMs) || replaceAfterMs < 0) {
      throw new RangeError(`replaceAfterMs must be a non-negative number, got ${replaceAfterMs}`);
    }
    if (!Number.isInteger(feeBumpPercent) || feeBumpPercent < MIN_REPLACEMENT_BUMP_PERCENT) {
      throw new RangeError(
        `feeBumpPercent must be an integer of at least ${MIN_REPLACEMENT_BUMP_PERCENT} (nodes refuse smaller replacement bumps), got ${feeBumpPercent}`,
      );
    }
    this.address = getAddress(parameters.signer.address);
    this.#provider = parameters.provider;
    this.#signer = parameters.signer;
    this.#store = parameters.store;
    this.#chainId = parameters.chainId;
    this.#confirmations = confirmations;
    this.#replaceAfterMs = replaceAfterMs;
    this.#feeBumpPercent = feeBumpPercent;
    this.#logger = parameters.logger ?? silentLogger;
    this.#now = parameters.now ?? Date.now;
  }

  /** How many nonces have a transaction in flight (sent, not yet mined with its confirmations nor dropped). */
  pendingCount(): number {
    return this.#inFlight.size;
  }

  /**
   * Starts (or restarts) on the store's state: checks the chain, rebroadcasts every stored
   * pending transaction the node no longer knows, then takes as next nonce the first one after
   * both the node's pending nonce and the stored pending transactions. A nonce below a stored
   * pending transaction that the node has no transaction for is filled with a self transfer,
   * so the later ones can be mined. `store.maxNonce()` is not a lower bound: a nonce recorded
   * only by transactions the node refused (stored `dropped`) is free, and is reused rather
   * than skipped (skipping it would leave a gap).
   */
  async init(): Promise<void> {
    const { chainId } = await this.#provider.getNetwork();
    if (chainId !== this.#chainId) {
      throw new Error(
        `the provider is on chain ${chainId}, the sender was configured for chain ${this.#chainId}`,
      );
    }
    await this.#nonceLock.runExclusive(async () => {
      const [pending, maxNonce] = await Promise.all([
        this.#store.listPendingTransactions(),
        this.#store.maxNonce(),
      ]);
      this.#inFlight.clear();
      let rebroadcast = 0;
      for (const [nonce, group] of groupByNonce(pending)) {
        this.#inFlight.add(nonce);
        const known = await Promise.all(
          group.flatMap((transaction) => [
            this.#provider.getTransaction(transaction.hash),
            this.#provider.getTransactionReceipt(transaction.hash),
          ]),
        );
        if (known.some((answer) => answer !== null)) continue;
        // Not taken: `poll` settles it (a used nonce by receipts, a refusal by dropping it).
        await this.#rebroadcast(group);
        rebroadcast += 1;
      }

      const poolCount = await this.#provider.getTransactionCount(this.address, "pending");
      const maxPendingNonce = Math.max(-1, ...this.#inFlight);
      const nextNonce = Math.max(poolCount, maxPendingNonce + 1);
      const gaps: number[] = [];
      for (let nonce = poolCount; nonce < maxPendingNonce; nonce++) {
        if (!this.#inFlight.has(nonce)) gaps.push(nonce);
      }
      for (const nonce of gaps) await this.#fill(nonce, undefined);
      this.#nextNonce = nextNonce;
      this.#logger.info("transaction sender started", {
        address: this.address,
        nextNonce,
        storeMaxNonce: maxNonce,
        pending: pending.length,
        rebroadcast,
        filledNonces: gaps,
      });
    });
  }

  /**
   * Signs a transaction locally with the next nonce and fees from the node capped at
   * `maxFeeCapPerGas`, persists it (`pending`), then broadcasts it. If the node refuses it for
   * good, it is stored `dropped`, the nonce is kept for the next send, and this throws a
   * `TransactionRejectedError` (after one retry with a fresh nonce if the nonce was used by
   * someone else). If the node does not answer, the transaction stays pending: `poll`
   * rebroadcasts it.
   */
  async send(parameters: SendTransactionParameters): Promise<SentTransaction> {
    const { to, data, gasLimit, intentIds, maxFeeCapPerGas, value = 0n } = parameters;
    if (gasLimit <= 0n) throw new RangeError(`gasLimit must be positive, got ${gasLimit}`);
    if (maxFeeCapPerGas <= 0n)
      throw new RangeError(`maxFeeCapPerGas must be positive, got ${maxFeeCapPerGas}`);
    const fees = initialFees({ network: await this.#provider.getFeeData(), cap: maxFeeCapPerGas });

    return this.#nonceLock.runExclusive(async () => {
      let retried = false;
      for (;;) {
        const nonce = this.#requireNextNonce();
        const record = await this.#signAndRecord({
          to: getAddress(to),
          data,
          value,
          gasLimit,
          nonce,
          ...fees,
          intentIds,
          cap: maxFeeCapPerGas,
        });
        this.#broadcasting.add(record.hash);
        const result = await this.#broadcast(record.raw).finally(() =>
          this.#broadcasting.delete(record.hash),
        );
        if (result.sent) {
          this.#nextNonce = nonce + 1;
          this.#inFlight.add(nonce);
          const fields = {
            hash: record.hash,
            nonce,
            intentIds,
            maxFeePerGas: fees.maxFeePerGas.toString(),
            maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
          };
          if (result.uncertain)
            this.#logger.warn("transaction sent, no answer from the node", fields);
          else this.#logger.info("transaction sent", fields);
          return { hash: record.hash, nonce, ...fees };
        }

        await this.#store.updateTransaction(record.hash, { state: "dropped" });
        this.#caps.delete(record.hash);
        this.#logger.warn("transaction refused by the node", {
          hash: record.hash,
          nonce,
          kind: result.kind,
          error: errorMessage(result.error),
        });
        if (!retried && (result.kind === "nonce_too_low" || result.kind === "underpriced")) {
          // Someone else used this nonce: move past it once.
          const poolCount = await this.#provider.getTransactionCount(this.address, "pending");
          if (poolCount > nonce) {
            this.#nextNonce = poolCount;
            retried = true;
            continue;
          }
        }
        throw new TransactionRejectedError(nonce, record.hash, result.kind, {
          cause: result.error,
        });
      }
    });
  }

  /**
   * Follows every pending transaction once (the scheduler calls it every tick) and returns
   * what happened, by nonce: confirmations reached (`mined`), receipts gone (`reorged`),
   * replacements sent for transactions unmined after `replaceAfterMs` (`replaced`, or `stuck`
   * at the cap), transactions the node dropped rebroadcast, or refused for good (`dropped`).
   */
  async poll(): Promise<TransactionEvent[]> {
    return this.#pollLock.runExclusive(() => this.#pollOnce());
  }

  /**
   * Gives up on the intents of the transactions of `nonce`: replaces them with a 0-value self
   * transfer, fees bumped without cap (it costs 21,000 gas). When the transfer is mined, `poll`
   * reports the intents `dropped` (reason `canceled`); if the original is mined first, it is
   * reported `mined` as usual.
   */
  async cancel(nonce: number): Promise<SentTransaction> {
    // Under the poll lock, so no replacement of the same nonce races it.
    return this.#pollLock.runExclusive(async () => {
      const group = (await this.#store.listPendingTransactions()).filter(
        (transaction) => transaction.nonce === nonce,
      );
      const newest = group.at(-1);
      if (newest === undefined) throw new Error(`no pending transaction has nonce ${nonce}`);
      return this.#fill(nonce, newest);
    });
  }

  // ---------------------------------------------------------------- poll steps

  async #pollOnce(): Promise<TransactionEvent[]> {
    this.#requireNextNonce();
    const pending = (await this.#store.listPendingTransactions()).filter(
      (transaction) => !this.#broadcasting.has(transaction.hash),
    );
    if (pending.length === 0) return [];
    const [latestBlock, minedCount, poolCount] = await Promise.all([
      this.#provider.getBlockNumber(),
      this.#provider.getTransactionCount(this.address, "latest"),
      this.#provider.getTransactionCount(this.address, "pending"),
    ]);
    let feeData: Promise<NetworkFees> | undefined;
    // A failing nonce must not lose the events of the others (their store updates are done).
    const groups = [...groupByNonce(pending)];
    const context: PollContext = {
      latestBlock,
      minedCount,
      poolCount,
      lastPendingNonce: Math.max(groups[groups.length - 1][0], ...this.#inFlight),
      feeData: () => (feeData ??= this.#provider.getFeeData()),
    };
    const results = await mapConcurrently(groups, POLL_CONCURRENCY, ([nonce, group]) =>
      this.#pollNonce(nonce, group, context).catch((error: unknown) => {
        this.#logger.error("poll of a nonce failed; retried next poll", {
          nonce,
          error: errorMessage(error),
        });
        return [];
      }),
    );
    return results.flat();
  }

  /** One nonce's transactions (oldest first): confirm, detect a reorg, rebroadcast, replace. */
  async #pollNonce(
    nonce: number,
    group: TransactionRecord[],
    context: PollContext,
  ): Promise<TransactionEvent[]> {
    const events: TransactionEvent[] = [];
    const seen = group.find((transaction) => this.#seen.has(transaction.hash));
    let reorged = false;

    if (nonce < context.minedCount || seen !== undefined) {
      const receipts = await Promise.all(
        group.map((transaction) => this.#provider.getTransactionReceipt(transaction.hash)),
      );
      const index = receipts.findIndex((receipt) => receipt !== null);
      if (index >= 0) {
        this.#usedWithoutReceipt.delete(nonce);
        const receipt = receipts[index]!;
        const transaction = group[index];
        if (context.latestBlock - receipt.blockNumber + 1 >= this.#confirmations) {
          return this.#confirm(transaction, receipt, group);
        }
        for (const other of group) this.#seen.delete(other.hash);
        this.#seen.set(transaction.hash, receipt.blockNumber);
        return events;
      }
      if (seen !== undefined) {
        const blockNumber = this.#seen.get(seen.hash)!;
        this.#seen.delete(seen.hash);
        reorged = true;
        events.push({
          kind: "reorged",
          hash: seen.hash,
          nonce,
          intentIds: seen.intentIds,
          blockNumber,
        });
        this.#logger.warn("receipt gone (reorg)", { hash: seen.hash, nonce, blockNumber });
      } else {
        const polls = (this.#usedWithoutReceipt.get(nonce) ?? 0) + 1;
        this.#usedWithoutReceipt.set(nonce, polls);
        if (polls >= NONCE_USED_POLLS) {
          this.#usedWithoutReceipt.delete(nonce);
          return this.#drop(
            group,
            "nonce_used",
            `nonce ${nonce} was used by a transaction not sent by this relayer`,
          );
        }
        return events;
      }
    }

    if (reorged || nonce >= context.poolCount) {
      const known = await Promise.all(
        group.map((transaction) => this.#provider.getTransaction(transaction.hash)),
      );
      if (known.every((transaction) => transaction === null)) {
        const rebroadcast = await this.#rebroadcast(group);
        if (rebroadcast.outcome === "settle") return events;
        // A filler is never dropped: it keeps its nonce and is retried and replaced (uncapped).
        const filler = group.every((transaction) => transaction.intentIds.length === 0);
        if (rebroadcast.outcome === "refused" && !filler) {
          events.push(...(await this.#drop(group, "rejected", errorMessage(rebroadcast.error))));
          await this.#releaseOrFill(nonce);
          return events;
        }
      }
    }

    const newest = group[group.length - 1];
    if (this.#now() - newest.sentAt >= this.#replaceAfterMs) {
      events.push(...(await this.#replace(newest, context)));
    }
    return events;
  }

  /**
   * Rebroadcasts a nonce's transactions, newest first, until the node takes one: `sent`; or
   * `settle` when the nonce is used or the pool holds a better-paying transaction of it (not
   * ours): the receipts settle it at a later poll; or `refused` with the error when the node
   * refused every one of them for good.
   */
  async #rebroadcast(
    group: TransactionRecord[],
  ): Promise<{ outcome: "sent" | "settle" } | { outcome: "refused"; error: unknown }> {
    let error: unknown;
    for (const transaction of [...group].reverse()) {
      const result = await this.#broadcast(transaction.raw);
      if (result.sent) {
        this.#logger.info("transaction rebroadcast", {
          hash: transaction.hash,
          nonce: transaction.nonce,
        });
        return { outcome: "sent" };
      }
      this.#logger.warn("transaction not rebroadcast", {
        hash: transaction.hash,
        nonce: transaction.nonce,
        kind: result.kind,
        error: errorMessage(result.error),
      });
      if (result.kind !== "rejected") return { outcome: "settle" };
      error = result.error;
    }
    return { outcome: "refused", error };
  }

  /** Sends a replacement of `newest` (same nonce and call, bumped fees within its cap), or reports it stuck. */
  async #replace(newest: TransactionRecord, context: PollContext): Promise<TransactionEvent[]> {
    const { nonce, intentIds } = newest;
    const parsed = Transaction.from(newest.raw);
    const legacy = parsed.type === 0 || parsed.type === 1;
    const cap = await this.#capOf(newest);
    const fees = bumpFees({
      previous: newest,
      network: await context.feeData(),
      cap,
      bumpPercent: this.#feeBumpPercent,
      legacy,
    });
    if (fees === undefined) return this.#stuckAtCap(newest, cap, context);

    const replacement = await this.#signAndRecord({
      to: parsed.to ?? this.address,
      data: parsed.data,
      value: parsed.value,
      gasLimit: parsed.gasLimit,
      nonce,
      ...fees,
      legacy,
      intentIds,
      cap,
    });
    const result = await this.#broadcast(replacement.raw);
    if (!result.sent) {
      await this.#store.updateTransaction(replacement.hash, { state: "dropped" });
      this.#caps.delete(replacement.hash);
      this.#logger.warn("replacement refused by the node", {
        hash: replacement.hash,
        replacedHash: newest.hash,
        nonce,
        kind: result.kind,
        error: errorMessage(result.error),
      });
      return [];
    }
    this.#stuck.delete(nonce);
    this.#logger.info("transaction replaced", {
      hash: replacement.hash,
      replacedHash: newest.hash,
      nonce,
      maxFeePerGas: fees.maxFeePerGas.toString(),
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
    });
    return [
      {
        kind: "replaced",
        hash: replacement.hash,
        replacedHash: newest.hash,
        nonce,
        intentIds,
        ...fees,
      },
    ];
  }

  /**
   * `newest` is due for a replacement its cap leaves no room for. While the network's price is
   * above the cap it can't be mined; if a later nonce waits behind it, it blocks that one too:
   * it is cancelled, a self transfer taking its nonce (`canceling`), and its intents may be sent
   * again once the price allows. Otherwise it keeps waiting (`stuck`, reported once).
   */
  async #stuckAtCap(
    newest: TransactionRecord,
    cap: bigint | undefined,
    context: PollContext,
  ): Promise<TransactionEvent[]> {
    const { nonce, intentIds, hash } = newest;
    const network = await context.feeData();
    const price = network.gasPrice ?? network.maxFeePerGas ?? 0n;
    if (cap !== undefined && price > cap && context.lastPendingNonce > nonce) {
      const cancel = await this.#fill(nonce, newest);
      this.#stuck.delete(nonce);
      this.#logger.warn("transaction stuck at its fee cap canceled: it blocked later nonces", {
        hash,
        nonce,
        cancelHash: cancel.hash,
        cap: cap.toString(),
        networkPrice: price.toString(),
      });
      const { maxFeePerGas, maxPriorityFeePerGas } = cancel;
      const fees = { maxFeePerGas, maxPriorityFeePerGas };
      return [
        { kind: "canceling", hash: cancel.hash, replacedHash: hash, nonce, intentIds, ...fees },
      ];
    }
    if (this.#stuck.has(nonce)) return [];
    this.#stuck.add(nonce);
    this.#logger.warn("transaction stuck at its fee cap", {
      hash,
      nonce,
      maxFeePerGas: newest.maxFeePerGas.toString(),
      cap: cap?.toString(),
    });
    const { maxFeePerGas, maxPriorityFeePerGas } = newest;
    return [{ kind: "stuck", hash, nonce, intentIds, maxFeePerGas, maxPriorityFeePerGas, cap }];
  }

  /** Marks `transaction` mined and the rest of its nonce replaced. */
  async #confirm(
    transaction: TransactionRecord,
    receipt: TransactionReceipt,
    group: TransactionRecord[],
  ): Promise<TransactionEvent[]> {
    const { nonce } = transaction;
    await this.#store.updateTransaction(transaction.hash, {
      state: "mined",
      blockNumber: BigInt(receipt.blockNumber),
    });
    const others = group.filter((other) => other.hash !== transaction.hash);
    for (const other of others)
      await this.#store.updateTransaction(other.hash, { state: "replaced" });
    this.#forget(nonce, group);
    this.#logger.info("transaction mined", {
      hash: transaction.hash,
      nonce,
      blockNumber: receipt.blockNumber,
      status: receipt.status,
      intentIds: transaction.intentIds,
    });

    const events: TransactionEvent[] = [
      {
        kind: "mined",
        hash: transaction.hash,
        nonce,
        intentIds: transaction.intentIds,
        receipt,
        replacedHashes: others.map((other) => other.hash),
      },
    ];
    // Intents whose transactions lost their nonce to another one (a cancel's self transfer).
    const relayed = new Set(transaction.intentIds);
    const orphans = [...new Set(others.flatMap((other) => other.intentIds))].filter(
      (id) => !relayed.has(id),
    );
    if (orphans.length > 0) {
      events.push({
        kind: "dropped",
        hash: others[others.length - 1].hash,
        nonce,
        intentIds: orphans,
        reason: "canceled",
        message: `nonce ${nonce} was taken by ${transaction.hash}`,
      });
    }
    return events;
  }

  /** Marks every transaction of a nonce dropped; one event for their intents. */
  async #drop(
    group: TransactionRecord[],
    reason: "rejected" | "nonce_used",
    message: string,
  ): Promise<TransactionEvent[]> {
    const newest = group[group.length - 1];
    for (const transaction of group)
      await this.#store.updateTransaction(transaction.hash, { state: "dropped" });
    this.#forget(newest.nonce, group);
    this.#logger.warn("transactions dropped", {
      nonce: newest.nonce,
      reason,
      message,
      hashes: group.map((t) => t.hash),
    });
    const intentIds = [...new Set(group.flatMap((transaction) => transaction.intentIds))];
    if (intentIds.length === 0) return [];
    return [
      { kind: "dropped", hash: newest.hash, nonce: newest.nonce, intentIds, reason, message },
    ];
  }

  /** After the node refused for good every transaction of `nonce`: reuse it if it is the last one, else fill it. */
  async #releaseOrFill(nonce: number): Promise<void> {
    await this.#nonceLock.runExclusive(async () => {
      if (this.#nextNonce === nonce + 1) {
        this.#nextNonce = nonce;
        this.#logger.info("nonce released for the next transaction", { nonce });
        return;
      }
      await this.#fill(nonce, undefined);
    });
  }

  /**
   * Takes `nonce` with a 0-value self transfer at the network's fees (above `previous`'s by
   * the bump, when it replaces a transaction), uncapped. It stays pending even if the node
   * refuses it now (e.g. no funds): `poll` keeps rebroadcasting and replacing it.
   */
  async #fill(nonce: number, previous: TransactionRecord | undefined): Promise<SentTransaction> {
    const network = await this.#provider.getFeeData();
    const legacy = network.maxFeePerGas === null;
    const fees =
      (previous &&
        bumpFees({
          previous,
          network,
          cap: undefined,
          bumpPercent: this.#feeBumpPercent,
          legacy,
        })) ??
      initialFees({ network, cap: undefined });
    const gasLimit = await this.#provider
      .estimateGas({ from: this.address, to: this.address, value: 0n })
      .catch(() => TRANSFER_GAS);
    const record = await this.#signAndRecord({
      to: this.address,
      data: "0x",
      value: 0n,
      gasLimit,
      nonce,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      legacy,
      intentIds: [],
      cap: undefined,
    });
    this.#inFlight.add(nonce);
    const result = await this.#broadcast(record.raw);
    this.#logger.warn("nonce filled with a self transfer", {
      hash: record.hash,
      nonce,
      replacedHash: previous?.hash,
      accepted: result.sent,
      error: result.sent ? undefined : errorMessage(result.error),
    });
    return {
      hash: record.hash,
      nonce,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    };
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Signs locally and persists as `pending` (before any broadcast). Signing is deterministic:
   * a transaction identical to one stored already (the same call sent again at the same nonce
   * and fees after the node refused it) has the same hash, which the store refuses; it is
   * signed again with 1 more gas (harmless: the gas limit is an upper bound) until its hash is
   * new.
   */
  async #signAndRecord(parameters: SignParameters): Promise<TransactionRecord> {
    const { to, data, value, nonce, legacy, maxFeePerGas, maxPriorityFeePerGas } = parameters;
    for (let extraGas = 0n; ; extraGas++) {
      const gasLimit = parameters.gasLimit + extraGas;
      const common = { chainId: this.#chainId, nonce, to, data, value, gasLimit };
      const request: TransactionRequest = legacy
        ? { ...common, type: 0, gasPrice: maxFeePerGas }
        : { ...common, type: 2, maxFeePerGas, maxPriorityFeePerGas };
      const raw = await this.#signer.signTransaction(request);
      const hash = Transaction.from(raw).hash!;
      const record: TransactionRecord = {
        hash,
        nonce,
        raw,
        intentIds: [...parameters.intentIds],
        maxFeePerGas,
        maxPriorityFeePerGas,
        sentAt: this.#now(),
        state: "pending",
      };
      try {
        await this.#store.insertTransaction(record);
      } catch (error) {
        if (extraGas < MAX_EXTRA_GAS && isTransactionExists(error)) continue;
        throw error;
      }
      this.#caps.set(hash, parameters.cap);
      return record;
    }
  }

  async #broadcast(raw: string): Promise<BroadcastResult> {
    try {
      await this.#provider.broadcastTransaction(raw);
      return { sent: true, uncertain: false };
    } catch (error) {
      const kind = classifyBroadcastError(error);
      if (kind === "already_known") return { sent: true, uncertain: false };
      if (kind === "unknown") return { sent: true, uncertain: true };
      return { sent: false, kind, error };
    }
  }

  /**
   * A transaction's fee cap: as sent by this process; after a restart the lowest `maxGasPrice`
   * of its intents in the store; a filler has none; failing both, its own `maxFeePerGas`
   * (never raised above what was signed, so never above the intent's limit).
   */
  async #capOf(transaction: TransactionRecord): Promise<bigint | undefined> {
    if (this.#caps.has(transaction.hash)) return this.#caps.get(transaction.hash);
    if (transaction.intentIds.length === 0) return undefined;
    let cap: bigint | undefined;
    try {
      for (const id of transaction.intentIds) {
        const maxGasPrice = (await this.#store.get(id))?.signed.intent.maxGasPrice;
        if (maxGasPrice === undefined) return transaction.maxFeePerGas;
        cap = cap === undefined || maxGasPrice < cap ? maxGasPrice : cap;
      }
    } catch {
      return transaction.maxFeePerGas;
    }
    return cap ?? transaction.maxFeePerGas;
  }

  #forget(nonce: number, group: TransactionRecord[]): void {
    for (const transaction of group) {
      this.#seen.delete(transaction.hash);
      this.#caps.delete(transaction.hash);
    }
    this.#stuck.delete(nonce);
    this.#usedWithoutReceipt.delete(nonce);
    this.#inFlight.delete(nonce);
  }

  #requireNextNonce(): number {
    if (this.#nextNonce === undefined)
      throw new Error("TransactionSender.init() must run before send() and poll()");
    return this.#nextNonce;
  }
}

/** The store's refusal of a hash it holds (`TransactionExistsError` of the stores in `../store/`). */
function isTransactionExists(error: unknown): boolean {
  return error instanceof Error && error.name === "TransactionExistsError";
}

/** Pending transactions by nonce, in ascending nonce order, each group in the store's order (sentAt). */
function groupByNonce(transactions: TransactionRecord[]): Map<number, TransactionRecord[]> {
  const groups = new Map<number, TransactionRecord[]>();
  const sorted = [...transactions].sort((a, b) => a.nonce - b.nonce || a.sentAt - b.sentAt);
  for (const transaction of sorted) {
    const group = groups.get(transaction.nonce);
    if (group === undefined) groups.set(transaction.nonce, [transaction]);
    else group.push(transaction);
  }
  return groups;
}
