import type { Authorization } from "ethers";

import { encodeRelayBatch, simulateBatch } from "../batching.js";
import { mapConcurrently } from "../concurrency.js";
import { relayRouteOf, routeGasFloor } from "../creation/relayRoute.js";
import { LeaseLostError } from "../store/leases.js";
import type { IntentRecord } from "../types.js";
import type { RelaySubmitter } from "./relaySubmitter.js";
import { CONCURRENCY } from "./types.js";

/**
 * Gas a batch is given above the sum of its entries' limits (each entry's limit already counts
 * its own transaction's 21,000 and calldata, which pay for the batcher's work per entry): the
 * batch's own dispatch and the `GAS_RESERVE` (10,000) the batcher keeps back.
 */
const BATCH_GAS_OVERHEAD = 50_000n;

/** The most gas one batch transaction asks for: below EIP-7825's per-transaction cap (2^24). */
const MAX_BATCH_GAS = 15_000_000n;

/**
 * An intent ready to send, with the gas limit a relay of its own would get, and its EOA's
 * authorization when its relay delegates the EOA first.
 */
interface ReadyEntry {
  record: IntentRecord;
  gasLimit: bigint;
  authorization?: Authorization;
}

/**
 * Sends the intents found ready in one tick together, through the `IntentBatcher`
 * (docs/relayer-api.md section 7): in batches of up to `maxBatch` within `MAX_BATCH_GAS`, each
 * simulated at the gas limit it is sent with, the entries it would skip left out (and sent
 * alone next time); a batch of one is a plain relay.
 *
 * @example
 * const batches = new BatchSubmitter(batcher, 16, relays, (record) => advancer.submitAlone(record));
 * await batches.submitReady(readyRecords);
 */
export class BatchSubmitter {
  constructor(
    readonly batcher: string,
    readonly maxBatch: number,
    readonly relays: RelaySubmitter,
    readonly submitAlone: (record: IntentRecord) => Promise<boolean>,
  ) {}

  /**
   * Sends `records` (oldest first) in batches, each entry given the gas its `minGasLimit`
   * requires (`routeGasFloor`: `relayGasFloor`, plus EIP-7702's intrinsic gas for an EOA it
   * delegates first, whose authorization the batch carries): no estimate per intent, the batch's one simulation at the limit
   * it is sent with says whether every entry relays with its calls succeeding.
   */
  async submitReady(records: IntentRecord[]): Promise<void> {
    const entries = await mapConcurrently(records, CONCURRENCY, (record) => this.#entryOf(record));
    const batches = groupInBatches(entries, this.maxBatch);
    await mapConcurrently(batches, CONCURRENCY, (batch) => this.#submitBatch(batch));
  }

  /** `record` as a batch entry: its relay's route (a JSON-RPC read only with an authorization). */
  async #entryOf(record: IntentRecord): Promise<ReadyEntry> {
    const route = await relayRouteOf(this.relays.provider, record.signed);
    const gasLimit = routeGasFloor(route, record.signed.intent);
    const { authorization } = route;
    return authorization === undefined ? { record, gasLimit } : { record, gasLimit, authorization };
  }

  /**
   * Sends `entries` in one `relayBatch`, after simulating it from the relayer's account at the
   * gas limit it is sent with: while the simulation relays fewer than all of them, the first
   * entry it skips is left out (it stays queued and is sent alone next time) and the rest is
   * simulated again. One entry left is sent alone.
   */
  async #submitBatch(entries: ReadyEntry[]): Promise<void> {
    let batch = entries;
    while (batch.length >= 2) {
      const gasLimit = batchGasLimit(batch);
      const data = encodeRelayBatch(batch.map((entry) => entry.record.signed));
      let skipped: number;
      try {
        const relayed = await this.#simulate(batch, data, gasLimit);
        if (relayed === batch.length) return await this.#send(batch, data, gasLimit);
        skipped = await this.#firstSkipped(batch, relayed);
      } catch (error) {
        return this.#unsimulated(batch, error);
      }
      await this.#leaveOut(batch[skipped].record, skipped);
      batch = batch.filter((_, index) => index !== skipped);
    }
    // Alone, it is simulated alone and sent at the node's estimate.
    if (batch.length === 1) await this.submitAlone(batch[0].record);
  }

  /**
   * A batch that can't be simulated is not an entry's doing (the batch never reverts because
   * of one): its intents are sent alone next time, so it doesn't hold them back tick after tick.
   */
  #unsimulated(batch: ReadyEntry[], error: unknown): void {
    for (const entry of batch) this.relays.recorder.solo.add(entry.record.id);
    this.relays.recorder.log("warn", "batch simulation failed; its intents will be sent alone", {
      ids: batch.map((entry) => entry.record.id),
      error: String(error),
    });
  }

  /** `record`, entry `index`, would be skipped by the batch: queued, and sent alone next time. */
  async #leaveOut(record: IntentRecord, index: number): Promise<void> {
    const { recorder } = this.relays;
    recorder.solo.add(record.id);
    recorder.hooks.onBatchSkipped?.("simulation");
    await recorder.set(record, { status: "queued" });
    recorder.log("info", "intent left out of a batch: the batch would skip it", {
      id: record.id,
      index,
      batcher: this.batcher,
    });
  }

  /**
   * How many entries the batch `data` of `batch` relays, simulated at `gasLimit`, the limit it
   * would be sent with, and with its authorizations.
   */
  async #simulate(batch: ReadyEntry[], data: string, gasLimit: bigint): Promise<number> {
    const { provider, sender } = this.relays;
    const from = sender.address;
    const authorizationList = authorizationsOf(batch);
    return simulateBatch({
      provider,
      batcher: this.batcher,
      from,
      data,
      gasLimit,
      authorizationList,
    });
  }

  /**
   * The index of the first entry a simulation of `batch` skips, knowing it relayed `relayed`
   * of them: entries run in order, so the first skipped is at most `relayed`. A binary search on
   * prefixes: the prefix of `k` entries relays all `k` exactly when the first skip is later.
   */
  async #firstSkipped(batch: ReadyEntry[], relayed: number): Promise<number> {
    let low = 1; // a prefix of `low - 1` entries is relayed whole (the empty one trivially)
    let high = Math.min(relayed + 1, batch.length); // the prefix of `high` entries is not
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const prefix = batch.slice(0, middle);
      const data = encodeRelayBatch(prefix.map((entry) => entry.record.signed));
      if ((await this.#simulate(prefix, data, batchGasLimit(prefix))) === middle) low = middle + 1;
      else high = middle;
    }
    return high - 1;
  }

  /**
   * Sends the batch, capped at the lowest `maxGasPrice` of its intents; a type-4 transaction
   * carrying the authorizations of its EOAs still to delegate, when it has any.
   */
  async #send(batch: ReadyEntry[], data: string, gasLimit: bigint): Promise<void> {
    const { sender, recorder } = this.relays;
    const ids = batch.map((entry) => entry.record.id);
    // The batch may never pay more than any of its intents allows.
    const cap = batch
      .map((entry) => entry.record.signed.intent.maxGasPrice)
      .reduce((a, b) => (a < b ? a : b));
    try {
      const authorizationList = authorizationsOf(batch);
      const request = { to: this.batcher, data, gasLimit, intentIds: ids, maxFeeCapPerGas: cap };
      const { hash } = await sender.send(
        authorizationList.length === 0 ? request : { ...request, authorizationList },
      );
      recorder.hooks.onSent?.("batch");
      recorder.hooks.onBatchSent?.(batch.length);
      // Together, so that a shared store records them in one statement.
      await Promise.all(batch.map(({ record }) => this.relays.markSubmitted(record, hash)));
      recorder.log("info", "batch submitted", { ids, hash, gasLimit: gasLimit.toString() });
    } catch (error) {
      const lost = batch.find((entry) => sameId(entry.record.id, leaseLostId(error)));
      if (lost !== undefined) recorder.lost(lost.record, error as LeaseLostError);
      recorder.log("warn", "batch submission failed; will retry", { ids, error: String(error) });
    }
  }
}

/**
 * The authorizations `batch` carries: one per EOA its entries delegate first (the first entry's:
 * the EOA's later entries run on it delegated).
 */
function authorizationsOf(batch: ReadyEntry[]): Authorization[] {
  const byWallet = new Map<string, Authorization>();
  for (const { record, authorization } of batch) {
    const wallet = record.wallet.toLowerCase();
    if (authorization !== undefined && !byWallet.has(wallet)) byWallet.set(wallet, authorization);
  }
  return [...byWallet.values()];
}

/** The intent whose lease a refused send had lost, if that was why. */
function leaseLostId(error: unknown): string | undefined {
  return error instanceof LeaseLostError ? error.id : undefined;
}

function sameId(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** `entries` in order, in batches of at most `maxBatch` whose gas fits `MAX_BATCH_GAS`. */
function groupInBatches(entries: ReadyEntry[], maxBatch: number): ReadyEntry[][] {
  const batches: ReadyEntry[][] = [];
  let batch: ReadyEntry[] = [];
  let gas = BATCH_GAS_OVERHEAD;
  for (const entry of entries) {
    if (batch.length === maxBatch || (batch.length > 0 && gas + entry.gasLimit > MAX_BATCH_GAS)) {
      batches.push(batch);
      batch = [];
      gas = BATCH_GAS_OVERHEAD;
    }
    batch.push(entry);
    gas += entry.gasLimit;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** The gas limit of a batch: its entries' limits and the batch's own overhead. */
function batchGasLimit(batch: ReadyEntry[]): bigint {
  return batch.reduce((sum, entry) => sum + entry.gasLimit, BATCH_GAS_OVERHEAD);
}
