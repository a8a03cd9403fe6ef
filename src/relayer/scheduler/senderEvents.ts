import type { TransactionReceipt } from "ethers";

import { batchSkips, sameAddress } from "../batching.js";
import { chainNow } from "../chainReads.js";
import type { IntentRecord } from "../types.js";
import { relayOutcome, splitEvenly } from "./receipts.js";
import type { Settlement, SettlementParameters } from "./settlement.js";
import type { SenderEvent } from "./types.js";
import { nodeWalletView } from "./walletView.js";

/**
 * What `SenderEvents` needs to record the sender's news.
 *
 * @example
 * const parameters: SenderEventsParameters = { provider, relayer: sender.address, batcher, recorder, settlement };
 */
export type SenderEventsParameters = SettlementParameters & { settlement: Settlement };

/**
 * Records what the sender reports of the relayer's transactions on their intents: a
 * replacement's hash, a nonce that will not relay them (`dropped`), a mined transaction's
 * outcome for each of its intents, and the gas it spent.
 *
 * @example
 * const events = new SenderEvents({ provider, relayer, batcher, recorder, settlement });
 * for (const event of await sender.poll()) await events.handle(event);
 */
export class SenderEvents {
  readonly #p: SenderEventsParameters;

  constructor(parameters: SenderEventsParameters) {
    this.#p = parameters;
  }

  async handle(event: SenderEvent): Promise<void> {
    const { recorder } = this.#p;
    const level = event.kind === "mined" ? "debug" : "info";
    recorder.log(level, `transaction ${event.kind}`, { hash: event.hash });
    if (event.kind === "replaced") {
      recorder.hooks.onSent?.("replacement");
      const txHash = event.hash;
      await recorder.forEachRecord(event.intentIds, (record) => recorder.set(record, { txHash }));
    } else if (event.kind === "dropped") {
      // This nonce will not relay them: they go back to the queue and are simulated again.
      const canceled = event.reason === "canceled";
      await recorder.forEachRecord(event.intentIds, (record) =>
        record.status !== "submitted"
          ? Promise.resolve()
          : canceled
            ? this.#afterCancel(record)
            : recorder.set(record, { status: "queued" }),
      );
    } else if (event.kind === "mined" && "receipt" in event) {
      await this.#mined(event.receipt, event.intentIds);
    }
  }

  /** Spending, then each intent's outcome, then the gas metric (once per transaction). */
  async #mined(receipt: TransactionReceipt, intentIds: string[]): Promise<void> {
    const { store, hooks } = this.#p.recorder;
    const weiSpent = receipt.gasUsed * receipt.gasPrice;
    // A batch's gas is split evenly among its intents (docs/relayer-api.md, "Batches").
    const gasShares = splitEvenly(receipt.gasUsed, intentIds.length);
    const weiShares = splitEvenly(weiSpent, intentIds.length);
    this.#logBatchSkips(receipt, intentIds);
    // The intents are independent: read, counted and settled together (a shared store
    // answers each step of them in one statement).
    const records = await Promise.all(intentIds.map((id) => store.get(id)));
    await Promise.all(
      records.map(async (record, index) => {
        if (record === undefined) return;
        const at = Date.now();
        const [weiSpent, gasUsed] = [weiShares[index], gasShares[index]];
        await store.addSpending({ at, wallet: record.wallet, weiSpent, gasUsed });
        await this.#outcome(receipt, record);
      }),
    );
    hooks.onGasSpent?.(receipt.gasUsed, weiSpent);
  }

  #logBatchSkips(receipt: TransactionReceipt, intentIds: string[]): void {
    const { batcher } = this.#p;
    if (batcher === undefined || !sameAddress(receipt.to, batcher) || receipt.status !== 1) return;
    for (const skip of batchSkips(receipt, batcher, intentIds.length)) {
      this.#p.recorder.log("warn", "batched intent skipped on-chain; queued again", {
        hash: receipt.hash,
        id: intentIds[skip.index],
        index: skip.index,
        reason: skip.reason,
      });
    }
  }

  /** What the mined `receipt` did to `record`. */
  async #outcome(receipt: TransactionReceipt, record: IntentRecord): Promise<void> {
    const { recorder, settlement } = this.#p;
    if (receipt.status !== 1) {
      // The relay reverted on-chain (someone was first, a dependency changed): see what the wallet says.
      if (!(await settlement.settled(record, nodeWalletView(this.#p.provider))))
        await recorder.set(record, { status: "queued" });
      return;
    }
    const outcome = relayOutcome(receipt, record);
    if (outcome === undefined) {
      // Not relayed by this transaction: a batch skipped it (BatchedIntentSkipped, or
      // BatchStopped before it). Never relayed by us: queued again, simulated again, sent alone.
      recorder.solo.add(record.id);
      recorder.hooks.onBatchSkipped?.("chain");
      await recorder.set(record, { status: "queued" });
      return;
    }
    await recorder.final(record, outcome.success ? "relayed" : "failed", outcome.reason, {
      relayedBy: this.#p.relayer,
      blockNumber: BigInt(receipt.blockNumber),
      txHash: receipt.hash,
    });
  }

  /**
   * A self transfer took the nonce of `record`'s relay (the relay could no longer relay it, or
   * was stuck at its fee cap in front of later nonces): what the wallet says first, then its
   * expiration, else back to the queue (where it may wait for the gas price).
   */
  async #afterCancel(record: IntentRecord): Promise<void> {
    const { recorder, settlement, provider } = this.#p;
    if (await settlement.settled(record, nodeWalletView(this.#p.provider))) return;
    const { expiration } = record.signed.intent;
    if (expiration <= (await chainNow(provider))) {
      await recorder.final(record, "expired", {
        code: "expired",
        message: `expired at ${expiration} while its relay transaction waited for inclusion`,
        details: { waitingFor: "inclusion" },
      });
      return;
    }
    await recorder.set(record, { status: "queued" });
  }
}
