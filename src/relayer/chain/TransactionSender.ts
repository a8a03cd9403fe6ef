import { getAddress } from "ethers";

import type { TransactionRecord } from "../types.js";
import { errorMessage } from "./broadcastErrors.js";
import { initialFees, MIN_REPLACEMENT_BUMP_PERCENT, type TransactionFees } from "./fees.js";
import { Poller } from "./poller.js";
import { groupByNonce, SenderCore } from "./senderCore.js";
import {
  NoPendingTransactionError,
  TransactionRejectedError,
  type SendTransactionParameters,
  type SentTransaction,
  type TransactionEvent,
  type TransactionSenderParameters,
} from "./senderTypes.js";

export {
  NoPendingTransactionError,
  TransactionRejectedError,
  type SenderProvider,
  type SendTransactionParameters,
  type SentTransaction,
  type TransactionEvent,
  type TransactionSenderLogger,
  type TransactionSenderParameters,
  type TransactionSigner,
} from "./senderTypes.js";

/**
 * Sends the relayer's transactions from one account: its own nonces (several transactions in
 * flight), local EIP-1559 signing, every transaction persisted before it is broadcast, fee
 * bumps for stuck transactions within the intents' `maxGasPrice`, confirmations, reorgs,
 * cancels, and recovery after a restart.
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
  readonly #core: SenderCore;
  readonly #poller: Poller;

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
    this.#core = new SenderCore(parameters, { feeBumpPercent });
    this.#poller = new Poller(this.#core);
    this.address = this.#core.address;
  }

  /** How many nonces have a transaction in flight (sent, not yet mined with its confirmations nor dropped). */
  pendingCount(): number {
    return this.#core.inFlight.size;
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
    const core = this.#core;
    const { chainId } = await core.provider.getNetwork();
    if (chainId !== core.chainId) {
      throw new Error(
        `the provider is on chain ${chainId}, the sender was configured for chain ${core.chainId}`,
      );
    }
    await core.nonceLock.runExclusive(async () => {
      const [pending, maxNonce] = await Promise.all([
        core.store.listPendingTransactions(),
        core.store.maxNonce(),
      ]);
      const rebroadcast = await this.#resume(pending);
      const poolCount = await core.provider.getTransactionCount(this.address, "pending");
      const maxPendingNonce = Math.max(-1, ...core.inFlight);
      const gaps = await this.#fillGaps(poolCount, maxPendingNonce);
      core.nextNonce = Math.max(poolCount, maxPendingNonce + 1);
      core.logger.info("transaction sender started", {
        address: this.address,
        nextNonce: core.nextNonce,
        storeMaxNonce: maxNonce,
        pending: pending.length,
        rebroadcast,
        filledNonces: gaps,
      });
    });
  }

  /** Takes the stored pending transactions in flight again; rebroadcasts those the node lost. */
  async #resume(pending: TransactionRecord[]): Promise<number> {
    const core = this.#core;
    core.inFlight.clear();
    let rebroadcast = 0;
    for (const [nonce, group] of groupByNonce(pending)) {
      core.inFlight.add(nonce);
      const known = await Promise.all(
        group.flatMap((transaction) => [
          core.provider.getTransaction(transaction.hash),
          core.provider.getTransactionReceipt(transaction.hash),
        ]),
      );
      if (known.some((answer) => answer !== null)) continue;
      // Not taken: `poll` settles it (a used nonce by receipts, a refusal by dropping it).
      await core.rebroadcast(group);
      rebroadcast += 1;
    }
    return rebroadcast;
  }

  /** Fills with self transfers the nonces from `poolCount` below `maxPendingNonce` that nothing holds. */
  async #fillGaps(poolCount: number, maxPendingNonce: number): Promise<number[]> {
    const gaps: number[] = [];
    for (let nonce = poolCount; nonce < maxPendingNonce; nonce++) {
      if (!this.#core.inFlight.has(nonce)) gaps.push(nonce);
    }
    for (const nonce of gaps) await this.#core.fill(nonce, undefined);
    return gaps;
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
    const { gasLimit, maxFeeCapPerGas } = parameters;
    if (gasLimit <= 0n) throw new RangeError(`gasLimit must be positive, got ${gasLimit}`);
    if (maxFeeCapPerGas <= 0n)
      throw new RangeError(`maxFeeCapPerGas must be positive, got ${maxFeeCapPerGas}`);
    const network = await this.#core.provider.getFeeData();
    const fees = initialFees({ network, cap: maxFeeCapPerGas });
    return this.#core.nonceLock.runExclusive(async () => {
      for (let retried = false; ; retried = true) {
        const sent = await this.#sendAtNextNonce(parameters, fees, retried);
        if (sent !== undefined) return sent;
      }
    });
  }

  /**
   * One attempt of `send` at the next nonce: the transaction sent, or `undefined` to try again
   * once at a fresh nonce (someone else used this one); throws when the node refused it.
   */
  async #sendAtNextNonce(
    parameters: SendTransactionParameters,
    fees: TransactionFees & { legacy: boolean },
    retried: boolean,
  ): Promise<SentTransaction | undefined> {
    const core = this.#core;
    const { to, data, gasLimit, intentIds, maxFeeCapPerGas, value = 0n } = parameters;
    const { authorizationList } = parameters;
    const nonce = core.requireNextNonce();
    const request = {
      to: getAddress(to),
      data,
      value,
      gasLimit,
      nonce,
      ...fees,
      authorizationList,
    };
    const record = await core.signAndRecord({ ...request, intentIds, cap: maxFeeCapPerGas });
    core.broadcasting.add(record.hash);
    const result = await core
      .broadcast(record.raw)
      .finally(() => core.broadcasting.delete(record.hash));
    if (result.sent) {
      core.nextNonce = nonce + 1;
      core.inFlight.add(nonce);
      const fields = {
        hash: record.hash,
        nonce,
        intentIds,
        maxFeePerGas: fees.maxFeePerGas.toString(),
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
      };
      if (result.uncertain) core.logger.warn("transaction sent, no answer from the node", fields);
      else core.logger.info("transaction sent", fields);
      return { hash: record.hash, nonce, ...fees };
    }
    await core.store.updateTransaction(record.hash, { state: "dropped" });
    core.caps.delete(record.hash);
    const failure = { kind: result.kind, error: errorMessage(result.error) };
    core.logger.warn("transaction refused by the node", { hash: record.hash, nonce, ...failure });
    if (!retried && (await this.#nonceTakenByOthers(nonce, result.kind))) return undefined;
    throw new TransactionRejectedError(nonce, record.hash, result.kind, { cause: result.error });
  }

  /** After a refusal at `nonce`: moves past it (once) if someone else used it. */
  async #nonceTakenByOthers(nonce: number, kind: string): Promise<boolean> {
    if (kind !== "nonce_too_low" && kind !== "underpriced") return false;
    const poolCount = await this.#core.provider.getTransactionCount(this.address, "pending");
    if (poolCount <= nonce) return false;
    this.#core.nextNonce = poolCount;
    return true;
  }

  /**
   * Follows every pending transaction once (the scheduler calls it every tick) and returns
   * what happened, by nonce: confirmations reached (`mined`), receipts gone (`reorged`),
   * replacements sent for transactions unmined after `replaceAfterMs` (`replaced`, or `stuck`
   * at the cap, or `canceling` when stuck in front of later nonces), transactions the node
   * dropped rebroadcast, or refused for good (`dropped`).
   */
  async poll(): Promise<TransactionEvent[]> {
    return this.#core.pollLock.runExclusive(() => this.#poller.pollOnce());
  }

  /**
   * Gives up on the intents of the transactions of `nonce`: replaces them with a 0-value self
   * transfer, fees bumped without cap (it costs 21,000 gas). When the transfer is mined, `poll`
   * reports the intents `dropped` (reason `canceled`); if the original is mined first, it is
   * reported `mined` as usual. Throws `NoPendingTransactionError` when `nonce` has none.
   */
  async cancel(nonce: number): Promise<SentTransaction> {
    const core = this.#core;
    // Under the poll lock, so no replacement of the same nonce races it.
    return core.pollLock.runExclusive(async () => {
      const group = (await core.store.listPendingTransactions()).filter(
        (transaction) => transaction.nonce === nonce,
      );
      const newest = group.at(-1);
      if (newest === undefined) throw new NoPendingTransactionError(nonce);
      return core.fill(nonce, newest);
    });
  }
}
