import { getAddress, Transaction, type TransactionRequest } from "ethers";

import type { IntentStore } from "../store/IntentStore.js";
import type { TransactionRecord } from "../types.js";
import { classifyBroadcastError, errorMessage } from "./broadcastErrors.js";
import { bumpFees, initialFees } from "./fees.js";
import { Mutex } from "./mutex.js";
import {
  silentLogger,
  type BroadcastResult,
  type SenderProvider,
  type SignParameters,
  type SentTransaction,
  type TransactionSenderLogger,
  type TransactionSenderParameters,
  type TransactionSigner,
} from "./senderTypes.js";

/** Gas of a 0-value self transfer (the filler of a nonce gap), if the node can't estimate it. */
const TRANSFER_GAS = 21_000n;

/** How many times a transaction is signed again with 1 more gas when its hash is stored already. */
const MAX_EXTRA_GAS = 64n;

/**
 * The state of the relayer's account that every part of the sender shares (nonces, locks,
 * what this process remembers of its transactions), and the steps they all take: sign and
 * record, broadcast, rebroadcast, fill a nonce with a self transfer, forget a settled nonce.
 *
 * @example
 * const core = new SenderCore(parameters, { feeBumpPercent: 15 });
 * const record = await core.signAndRecord({ ...request, nonce: core.requireNextNonce() });
 */
export class SenderCore {
  readonly address: string;
  readonly provider: SenderProvider;
  readonly signer: TransactionSigner;
  readonly store: IntentStore;
  readonly chainId: bigint;
  readonly confirmations: number;
  readonly replaceAfterMs: number;
  readonly feeBumpPercent: number;
  readonly logger: TransactionSenderLogger;
  readonly now: () => number;

  /** Held from choosing a nonce to the node's answer, so nonces are distinct and gap-free. */
  readonly nonceLock = new Mutex();
  /** One poll (or cancel) at a time. */
  readonly pollLock = new Mutex();
  nextNonce: number | undefined;
  /** Nonces with a transaction in flight (for `pendingCount`). */
  readonly inFlight = new Set<number>();
  /** Hashes being broadcast by `send`: `poll` leaves them alone until the node has answered. */
  readonly broadcasting = new Set<string>();
  /** The fee cap of each transaction sent by this process (`undefined`: a filler, no cap). */
  readonly caps = new Map<string, bigint | undefined>();
  /** Transactions whose receipt was seen, not yet confirmed: hash to block number. */
  readonly seen = new Map<string, number>();
  /** Nonces reported `stuck`, until they move. */
  readonly stuck = new Set<number>();
  /** Nonces found used without a receipt of ours, by how many polls in a row. */
  readonly usedWithoutReceipt = new Map<number, number>();

  constructor(parameters: TransactionSenderParameters, checked: { feeBumpPercent: number }) {
    this.address = getAddress(parameters.signer.address);
    this.provider = parameters.provider;
    this.signer = parameters.signer;
    this.store = parameters.store;
    this.chainId = parameters.chainId;
    this.confirmations = parameters.confirmations;
    this.replaceAfterMs = parameters.replaceAfterMs;
    this.feeBumpPercent = checked.feeBumpPercent;
    this.logger = parameters.logger ?? silentLogger;
    this.now = parameters.now ?? Date.now;
  }

  requireNextNonce(): number {
    if (this.nextNonce === undefined)
      throw new Error("TransactionSender.init() must run before send() and poll()");
    return this.nextNonce;
  }

  /**
   * Signs locally and persists as `pending` (before any broadcast). Signing is deterministic:
   * a transaction identical to one stored already (the same call sent again at the same nonce
   * and fees after the node refused it) has the same hash, which the store refuses; it is
   * signed again with 1 more gas (harmless: the gas limit is an upper bound) until its hash is
   * new.
   */
  async signAndRecord(parameters: SignParameters): Promise<TransactionRecord> {
    for (let extraGas = 0n; ; extraGas++) {
      const record = await this.#sign(parameters, parameters.gasLimit + extraGas);
      try {
        await this.store.insertTransaction(record);
      } catch (error) {
        if (extraGas < MAX_EXTRA_GAS && isTransactionExists(error)) continue;
        throw error;
      }
      this.caps.set(record.hash, parameters.cap);
      return record;
    }
  }

  async #sign(parameters: SignParameters, gasLimit: bigint): Promise<TransactionRecord> {
    const { to, data, value, nonce, legacy, maxFeePerGas, maxPriorityFeePerGas } = parameters;
    const common = { chainId: this.chainId, nonce, to, data, value, gasLimit };
    const { authorizationList = [] } = parameters;
    const request: TransactionRequest =
      authorizationList.length > 0
        ? { ...common, type: 4, maxFeePerGas, maxPriorityFeePerGas, authorizationList }
        : legacy
          ? { ...common, type: 0, gasPrice: maxFeePerGas }
          : { ...common, type: 2, maxFeePerGas, maxPriorityFeePerGas };
    const raw = await this.signer.signTransaction(request);
    return {
      hash: Transaction.from(raw).hash!,
      nonce,
      raw,
      intentIds: [...parameters.intentIds],
      maxFeePerGas,
      maxPriorityFeePerGas,
      sentAt: this.now(),
      state: "pending",
    };
  }

  async broadcast(raw: string): Promise<BroadcastResult> {
    try {
      await this.provider.broadcastTransaction(raw);
      return { sent: true, uncertain: false };
    } catch (error) {
      const kind = classifyBroadcastError(error);
      if (kind === "already_known") return { sent: true, uncertain: false };
      if (kind === "unknown") return { sent: true, uncertain: true };
      return { sent: false, kind, error };
    }
  }

  /**
   * Rebroadcasts a nonce's transactions, newest first, until the node takes one: `sent`; or
   * `settle` when the nonce is used or the pool holds a better-paying transaction of it (not
   * ours): the receipts settle it at a later poll; or `refused` with the error when the node
   * refused every one of them for good.
   */
  async rebroadcast(
    group: TransactionRecord[],
  ): Promise<{ outcome: "sent" | "settle" } | { outcome: "refused"; error: unknown }> {
    let error: unknown;
    for (const transaction of [...group].reverse()) {
      const { hash, nonce } = transaction;
      const result = await this.broadcast(transaction.raw);
      if (result.sent) {
        this.logger.info("transaction rebroadcast", { hash, nonce });
        return { outcome: "sent" };
      }
      const failure = { kind: result.kind, error: errorMessage(result.error) };
      this.logger.warn("transaction not rebroadcast", { hash, nonce, ...failure });
      if (result.kind !== "rejected") return { outcome: "settle" };
      error = result.error;
    }
    return { outcome: "refused", error };
  }

  /** After the node refused for good every transaction of `nonce`: reuse it if it is the last one, else fill it. */
  async releaseOrFill(nonce: number): Promise<void> {
    await this.nonceLock.runExclusive(async () => {
      if (this.nextNonce === nonce + 1) {
        this.nextNonce = nonce;
        this.logger.info("nonce released for the next transaction", { nonce });
        return;
      }
      await this.fill(nonce, undefined);
    });
  }

  /**
   * Takes `nonce` with a 0-value self transfer at the network's fees (above `previous`'s by
   * the bump, when it replaces a transaction), uncapped. It stays pending even if the node
   * refuses it now (e.g. no funds): `poll` keeps rebroadcasting and replacing it.
   */
  async fill(nonce: number, previous: TransactionRecord | undefined): Promise<SentTransaction> {
    const { legacy, ...fees } = await this.#fillFees(previous);
    const gasLimit = await this.provider
      .estimateGas({ from: this.address, to: this.address, value: 0n })
      .catch(() => TRANSFER_GAS);
    const request = { to: this.address, data: "0x", value: 0n, gasLimit, nonce, ...fees };
    const record = await this.signAndRecord({ ...request, legacy, intentIds: [], cap: undefined });
    this.inFlight.add(nonce);
    const result = await this.broadcast(record.raw);
    this.logger.warn("nonce filled with a self transfer", {
      hash: record.hash,
      nonce,
      replacedHash: previous?.hash,
      accepted: result.sent,
      error: result.sent ? undefined : errorMessage(result.error),
    });
    return { hash: record.hash, nonce, ...fees };
  }

  /** The fees of a filler: the network's, bumped above `previous` when it replaces one, uncapped. */
  async #fillFees(previous: TransactionRecord | undefined) {
    const network = await this.provider.getFeeData();
    const legacy = network.maxFeePerGas === null;
    const bumpPercent = this.feeBumpPercent;
    const bumped = previous && bumpFees({ previous, network, cap: undefined, bumpPercent, legacy });
    const { maxFeePerGas, maxPriorityFeePerGas } =
      bumped ?? initialFees({ network, cap: undefined });
    return { maxFeePerGas, maxPriorityFeePerGas, legacy };
  }

  /**
   * A transaction's fee cap: as sent by this process; after a restart the lowest `maxGasPrice`
   * of its intents in the store; a filler has none; failing both, its own `maxFeePerGas`
   * (never raised above what was signed, so never above the intent's limit).
   */
  async capOf(transaction: TransactionRecord): Promise<bigint | undefined> {
    if (this.caps.has(transaction.hash)) return this.caps.get(transaction.hash);
    if (transaction.intentIds.length === 0) return undefined;
    let cap: bigint | undefined;
    try {
      for (const id of transaction.intentIds) {
        const maxGasPrice = (await this.store.get(id))?.signed.intent.maxGasPrice;
        if (maxGasPrice === undefined) return transaction.maxFeePerGas;
        cap = cap === undefined || maxGasPrice < cap ? maxGasPrice : cap;
      }
    } catch {
      return transaction.maxFeePerGas;
    }
    return cap ?? transaction.maxFeePerGas;
  }

  /** Forgets what this process remembers of a settled nonce and its transactions. */
  forget(nonce: number, group: TransactionRecord[]): void {
    for (const transaction of group) {
      this.seen.delete(transaction.hash);
      this.caps.delete(transaction.hash);
    }
    this.stuck.delete(nonce);
    this.usedWithoutReceipt.delete(nonce);
    this.inFlight.delete(nonce);
  }
}

/** The store's refusal of a hash it holds (`TransactionExistsError` of the stores in `../store/`). */
function isTransactionExists(error: unknown): boolean {
  return error instanceof Error && error.name === "TransactionExistsError";
}

/**
 * Pending transactions by nonce, in ascending nonce order, each group in the store's order (sentAt).
 *
 * @example
 * for (const [nonce, group] of groupByNonce(await store.listPendingTransactions())) console.log(nonce, group.length);
 */
export function groupByNonce(transactions: TransactionRecord[]): Map<number, TransactionRecord[]> {
  const groups = new Map<number, TransactionRecord[]>();
  const sorted = [...transactions].sort((a, b) => a.nonce - b.nonce || a.sentAt - b.sentAt);
  for (const transaction of sorted) {
    const group = groups.get(transaction.nonce);
    if (group === undefined) groups.set(transaction.nonce, [transaction]);
    else group.push(transaction);
  }
  return groups;
}
