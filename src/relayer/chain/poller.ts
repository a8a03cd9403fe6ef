import type { TransactionReceipt } from "ethers";

import { mapConcurrently } from "../concurrency.js";
import type { TransactionRecord } from "../types.js";
import { errorMessage } from "./broadcastErrors.js";
import type { NetworkFees } from "./fees.js";
import { Replacer } from "./replacer.js";
import { groupByNonce, type SenderCore } from "./senderCore.js";
import type { PollContext, TransactionEvent } from "./senderTypes.js";

/** How many nonces `poll` follows at once (JSON-RPC calls in flight). */
const POLL_CONCURRENCY = 16;

/** How many consecutive polls must find a nonce used without a receipt of ours before it counts as taken. */
const NONCE_USED_POLLS = 2;

/** What the receipts of a nonce's transactions say: settled (events), or go on with `reorged`. */
type ReceiptsVerdict = { settled: TransactionEvent[] } | { reorged: TransactionEvent | undefined };

/**
 * One pass over the pending transactions, nonce by nonce: confirmations reached (`mined`),
 * receipts gone (`reorged`), a nonce used by someone else (`dropped`), transactions the node
 * dropped rebroadcast or refused for good (`dropped`, the nonce released or filled), and
 * replacements of those unmined for too long (`Replacer`).
 *
 * @example
 * const events = await new Poller(core).pollOnce();
 */
export class Poller {
  readonly #replacer: Replacer;

  constructor(readonly core: SenderCore) {
    this.#replacer = new Replacer(core);
  }

  async pollOnce(): Promise<TransactionEvent[]> {
    const { core } = this;
    core.requireNextNonce();
    const pending = (await core.store.listPendingTransactions()).filter(
      (transaction) => !core.broadcasting.has(transaction.hash),
    );
    if (pending.length === 0) return [];
    const groups = [...groupByNonce(pending)];
    const context = await this.#context(groups[groups.length - 1][0]);
    // A failing nonce must not lose the events of the others (their store updates are done).
    const results = await mapConcurrently(groups, POLL_CONCURRENCY, ([nonce, group]) =>
      this.#pollNonce(nonce, group, context).catch((error: unknown) => {
        const fields = { nonce, error: errorMessage(error) };
        core.logger.error("poll of a nonce failed; retried next poll", fields);
        return [];
      }),
    );
    return results.flat();
  }

  async #context(lastStoredNonce: number): Promise<PollContext> {
    const { provider, address, inFlight } = this.core;
    const [latestBlock, minedCount, poolCount] = await Promise.all([
      provider.getBlockNumber(),
      provider.getTransactionCount(address, "latest"),
      provider.getTransactionCount(address, "pending"),
    ]);
    let feeData: Promise<NetworkFees> | undefined;
    return {
      latestBlock,
      minedCount,
      poolCount,
      lastPendingNonce: Math.max(lastStoredNonce, ...inFlight),
      feeData: () => (feeData ??= provider.getFeeData()),
    };
  }

  /** One nonce's transactions (oldest first): confirm, detect a reorg, rebroadcast, replace. */
  async #pollNonce(
    nonce: number,
    group: TransactionRecord[],
    context: PollContext,
  ): Promise<TransactionEvent[]> {
    const events: TransactionEvent[] = [];
    let reorged = false;
    const seen = group.find((transaction) => this.core.seen.has(transaction.hash));
    if (nonce < context.minedCount || seen !== undefined) {
      const verdict = await this.#readReceipts(nonce, group, seen, context);
      if ("settled" in verdict) return verdict.settled;
      if (verdict.reorged !== undefined) events.push(verdict.reorged);
      reorged = true;
    }
    if (reorged || nonce >= context.poolCount) {
      const refused = await this.#rebroadcastIfUnknown(nonce, group);
      if (refused !== undefined) return [...events, ...refused];
    }
    const newest = group[group.length - 1];
    if (this.core.now() - newest.sentAt >= this.core.replaceAfterMs) {
      events.push(...(await this.#replacer.replace(newest, context)));
    }
    return events;
  }

  /**
   * A used nonce, or one whose receipt was seen: confirmed when a receipt has its
   * confirmations (waits for them otherwise); a seen receipt gone is a reorg (go on with the
   * pool checks); no receipt of ours for `NONCE_USED_POLLS` polls: used by someone else.
   */
  async #readReceipts(
    nonce: number,
    group: TransactionRecord[],
    seen: TransactionRecord | undefined,
    context: PollContext,
  ): Promise<ReceiptsVerdict> {
    const { core } = this;
    const receipts = await Promise.all(
      group.map((transaction) => core.provider.getTransactionReceipt(transaction.hash)),
    );
    const index = receipts.findIndex((receipt) => receipt !== null);
    if (index >= 0) {
      core.usedWithoutReceipt.delete(nonce);
      const receipt = receipts[index]!;
      const transaction = group[index];
      if (context.latestBlock - receipt.blockNumber + 1 >= core.confirmations) {
        return { settled: await this.#confirm(transaction, receipt, group) };
      }
      for (const other of group) core.seen.delete(other.hash);
      core.seen.set(transaction.hash, receipt.blockNumber);
      return { settled: [] };
    }
    if (seen !== undefined) return { reorged: this.#reorged(nonce, seen) };
    return { settled: await this.#usedWithoutReceipt(nonce, group) };
  }

  /** The receipt of `seen` is gone: a reorg. */
  #reorged(nonce: number, seen: TransactionRecord): TransactionEvent {
    const { core } = this;
    const blockNumber = core.seen.get(seen.hash)!;
    core.seen.delete(seen.hash);
    core.logger.warn("receipt gone (reorg)", { hash: seen.hash, nonce, blockNumber });
    const { hash, intentIds } = seen;
    return { kind: "reorged", hash, nonce, intentIds, blockNumber };
  }

  /** `nonce` is used, no receipt of ours: dropped once that held for `NONCE_USED_POLLS` polls. */
  async #usedWithoutReceipt(nonce: number, group: TransactionRecord[]) {
    const { usedWithoutReceipt } = this.core;
    const polls = (usedWithoutReceipt.get(nonce) ?? 0) + 1;
    usedWithoutReceipt.set(nonce, polls);
    if (polls < NONCE_USED_POLLS) return [];
    usedWithoutReceipt.delete(nonce);
    const message = `nonce ${nonce} was used by a transaction not sent by this relayer`;
    return this.#drop(group, "nonce_used", message);
  }

  /**
   * When the node knows none of the nonce's transactions: rebroadcasts them; if it refuses
   * them all for good, they are dropped and the nonce released or filled (returns the events).
   * A filler is never dropped: it keeps its nonce and is retried and replaced (uncapped).
   */
  async #rebroadcastIfUnknown(
    nonce: number,
    group: TransactionRecord[],
  ): Promise<TransactionEvent[] | undefined> {
    const { core } = this;
    const known = await Promise.all(
      group.map((transaction) => core.provider.getTransaction(transaction.hash)),
    );
    if (!known.every((transaction) => transaction === null)) return undefined;
    const rebroadcast = await core.rebroadcast(group);
    if (rebroadcast.outcome === "settle") return [];
    const filler = group.every((transaction) => transaction.intentIds.length === 0);
    if (rebroadcast.outcome !== "refused" || filler) return undefined;
    const events = await this.#drop(group, "rejected", errorMessage(rebroadcast.error));
    await core.releaseOrFill(nonce);
    return events;
  }

  /** Marks `transaction` mined and the rest of its nonce replaced. */
  async #confirm(
    transaction: TransactionRecord,
    receipt: TransactionReceipt,
    group: TransactionRecord[],
  ): Promise<TransactionEvent[]> {
    const { core } = this;
    const { nonce, hash, intentIds } = transaction;
    const blockNumber = BigInt(receipt.blockNumber);
    await core.store.updateTransaction(hash, { state: "mined", blockNumber });
    const others = group.filter((other) => other.hash !== hash);
    for (const other of others)
      await core.store.updateTransaction(other.hash, { state: "replaced" });
    core.forget(nonce, group);
    core.logger.info("transaction mined", {
      hash,
      nonce,
      blockNumber: receipt.blockNumber,
      status: receipt.status,
      intentIds,
    });
    const replacedHashes = others.map((other) => other.hash);
    const mined: TransactionEvent = {
      kind: "mined",
      hash,
      nonce,
      intentIds,
      receipt,
      replacedHashes,
    };
    return [mined, ...orphansDropped(transaction, others)];
  }

  /** Marks every transaction of a nonce dropped; one event for their intents. */
  async #drop(
    group: TransactionRecord[],
    reason: "rejected" | "nonce_used",
    message: string,
  ): Promise<TransactionEvent[]> {
    const { core } = this;
    const { nonce, hash } = group[group.length - 1];
    for (const transaction of group)
      await core.store.updateTransaction(transaction.hash, { state: "dropped" });
    core.forget(nonce, group);
    const hashes = group.map((transaction) => transaction.hash);
    core.logger.warn("transactions dropped", { nonce, reason, message, hashes });
    const intentIds = [...new Set(group.flatMap((transaction) => transaction.intentIds))];
    if (intentIds.length === 0) return [];
    return [{ kind: "dropped", hash, nonce, intentIds, reason, message }];
  }
}

/**
 * The intents whose transactions lost their nonce to `mined` (a cancel's self transfer), as
 * one `dropped` event (reason `canceled`), if there are any.
 */
function orphansDropped(mined: TransactionRecord, others: TransactionRecord[]): TransactionEvent[] {
  const relayed = new Set(mined.intentIds);
  const orphans = [...new Set(others.flatMap((other) => other.intentIds))].filter(
    (id) => !relayed.has(id),
  );
  if (orphans.length === 0) return [];
  const { nonce } = mined;
  const hash = others[others.length - 1].hash;
  const message = `nonce ${nonce} was taken by ${mined.hash}`;
  return [{ kind: "dropped", hash, nonce, intentIds: orphans, reason: "canceled", message }];
}
