import type { Provider, TransactionReceipt } from "ethers";

import { IntentStatus } from "../protocol/chain/enums.js";
import { relayGasFloor } from "../protocol/chain/gasRule.js";
import { decodeFailureReason } from "../protocol/errors/decodeRevert.js";
import { mapConcurrently } from "./concurrency.js";
import { batchSkips, encodeRelayBatch, sameAddress, simulateBatch } from "./batching.js";
import {
  callFailureReason,
  chainHead,
  chainNow,
  classifyRevert,
  dependencyState,
  intentEpoch,
  onChainStatus,
  relayCalldata,
  simulateRelay,
  walletAt,
  walletInterface,
  type WaitingStatus,
} from "./chainReads.js";
import { BlockThrottle } from "./scheduler/blockThrottle.js";
import { InFlightWatch } from "./scheduler/inFlightWatch.js";
import type { SpendingPolicy } from "./policy.js";
import type { IntentStore } from "./store/IntentStore.js";
import type {
  IntentReason,
  IntentRecord,
  IntentRecordPatch,
  RelayerIntentStatus,
} from "./types.js";

/** What the scheduler needs from the transaction sender (`chain/TransactionSender.ts`). */
export interface RelaySender {
  readonly address: string;
  send(request: {
    to: string;
    data: string;
    gasLimit: bigint;
    intentIds: string[];
    maxFeeCapPerGas: bigint;
  }): Promise<{ hash: string; nonce: number }>;
  poll(): Promise<SenderEvent[]>;
  /**
   * Takes `nonce` from its pending transactions with a 0-value self transfer, fees bumped
   * enough to replace them; `poll` reports their intents `dropped` (reason `canceled`) once it
   * mines, or the original `mined` if that wins.
   */
  cancel(nonce: number): Promise<{ hash: string; nonce: number }>;
}

/** What `RelaySender.poll` reports. */
export type SenderEvent =
  | { kind: "mined"; hash: string; nonce: number; intentIds: string[]; receipt: TransactionReceipt }
  | { kind: string; hash?: string; intentIds?: string[]; reason?: string };

/** Logging and metrics hooks of the scheduler. */
export interface SchedulerHooks {
  log?: (
    level: "debug" | "info" | "warn" | "error",
    message: string,
    fields?: Record<string, unknown>,
  ) => void;
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
}

/** How many intents a tick advances at once. */
const CONCURRENCY = 16;

/** Gas a relay is given above the node's estimate, in percent. */
const GAS_LIMIT_MARGIN_PERCENT = 25n;

/**
 * Gas a batch is given above the sum of its entries' limits (each entry's limit already counts
 * its own transaction's 21,000 and calldata, which pay for the batcher's work per entry): the
 * batch's own dispatch and the `GAS_RESERVE` (10,000) the batcher keeps back.
 */
const BATCH_GAS_OVERHEAD = 50_000n;

/** The most gas one batch transaction asks for: below EIP-7825's per-transaction cap (2^24). */
const MAX_BATCH_GAS = 15_000_000n;

/** An intent ready to send, with the gas limit a relay of its own would get. */
interface ReadyEntry {
  record: IntentRecord;
  gasLimit: bigint;
}

/** What a tick reads once for every intent. */
interface TickContext {
  /** The chain's "now", unix seconds (the latest block's time, or the wall clock if later). */
  now: bigint;
  /** The latest block's number. */
  blockNumber: number;
  networkPrice: bigint;
  hasBudget: boolean;
  /** The intent epoch of a wallet, read once per tick (`undefined`: the read failed). */
  epochOf(wallet: string): Promise<bigint | undefined>;
}

/**
 * Moves accepted intents forward, one tick at a time: holds them until their `validAfter`,
 * expires them, waits for their dependencies and the gas price, simulates, submits, and records
 * what the chain says.
 */
export class Scheduler {
  readonly #p: SchedulerParameters;
  #ticking = false;
  #timer: NodeJS.Timeout | undefined;
  /** The batcher, when batching is on. */
  readonly #batcher: string | undefined;
  readonly #maxBatch: number;
  /**
   * Intents a batch did not relay (skipped in a simulated or a mined batch): the next time
   * they are ready they are sent alone, so an intent that can only be relayed alone (say, one
   * whose relay checks its caller) is not left out of batch after batch.
   */
  readonly #solo = new Set<string>();
  /** The relay transactions in flight, cancelled once they can no longer relay their intents. */
  readonly #inFlight: InFlightWatch;
  /** Waiting intents simulated (to evict the ones that can never be relayed) at most once per block. */
  readonly #vetted = new BlockThrottle();

  constructor(parameters: SchedulerParameters) {
    this.#p = parameters;
    this.#maxBatch = parameters.maxBatch ?? 16;
    this.#batcher = this.#maxBatch >= 2 ? parameters.batcher : undefined;
    this.#inFlight = new InFlightWatch({
      provider: parameters.provider,
      store: parameters.store,
      sender: parameters.sender,
      log: (level, message, fields) => this.#log(level, message, fields),
    });
  }

  /** Ticks every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    const loop = async () => {
      await this.tick().catch((error) =>
        this.#log("error", "tick failed", { error: String(error) }),
      );
      if (this.#timer !== undefined) this.#timer = setTimeout(loop, intervalMs);
    };
    this.#timer = setTimeout(loop, 0);
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One pass over the sender's news and every active intent. Ticks never overlap. */
  async tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      for (const event of await this.#p.sender.poll()) await this.#onSenderEvent(event);
      const pending = await this.#p.store.listPendingTransactions();
      const inFlight = new Set(pending.flatMap((tx) => tx.intentIds.map((id) => id.toLowerCase())));
      const context = await this.#context();
      await this.#inFlight.check(pending, context);
      let submissions = 0;
      const waiting: IntentRecord[] = [];
      for (const record of await this.#p.store.listActive()) {
        if (inFlight.has(record.id)) {
          await this.#set(record, { status: "submitted" }); // sent before a crash, not yet recorded
          continue;
        }
        // "submitted" without a pending transaction: the sender settled it but a crash came
        // before the news reached the intent. It is advanced like the others: the chain says
        // whether it was relayed, and if not it is sent again.
        waiting.push(record);
      }
      // Intents are independent JSON-RPC work: advance up to CONCURRENCY at once, oldest first.
      // Nonces stay ordered: the sender assigns them under its own lock. With a batcher, the
      // intents found ready are collected, then sent together once every intent is advanced.
      const ready: { record: IntentRecord; order: number }[] = [];
      let next = 0;
      const worker = async () => {
        while (next < waiting.length) {
          const order = next++;
          const record = waiting[order];
          const maySubmit = submissions < (this.#p.maxSubmissionsPerTick ?? 200);
          const onReady =
            this.#batcher === undefined || this.#solo.has(record.id)
              ? undefined
              : () => ready.push({ record, order });
          if (await this.#advance(record, context, maySubmit, onReady)) submissions++;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      if (ready.length > 0) {
        await this.#submitReady(ready.sort((a, b) => a.order - b.order).map((r) => r.record));
      }
    } finally {
      this.#ticking = false;
    }
  }

  async #context(): Promise<TickContext> {
    const [head, feeData] = await Promise.all([
      chainHead(this.#p.provider),
      this.#p.provider.getFeeData(),
    ]);
    const networkPrice = feeData.gasPrice ?? feeData.maxFeePerGas ?? 0n;
    const hasBudget = await this.#p.policy.hasBudget(this.#p.store, Date.now());
    const epochs = new Map<string, Promise<bigint | undefined>>();
    const epochOf = (wallet: string) => {
      const key = wallet.toLowerCase();
      if (!epochs.has(key)) epochs.set(key, intentEpoch(this.#p.provider, wallet));
      return epochs.get(key)!;
    };
    return { ...head, networkPrice, hasBudget, epochOf };
  }

  /**
   * Returns whether it submitted `record`, or found it ready and handed it to `onReady` (with a
   * batcher: it is sent at the end of the tick, with the others found ready).
   */
  async #advance(
    record: IntentRecord,
    context: TickContext,
    maySubmit: boolean,
    onReady?: () => void,
  ): Promise<boolean> {
    const { intent } = record.signed;
    // Before its validAfter no one can relay it (the wallet refuses): held without asking the
    // node anything, the tick's time says it all. Its expiration is later still.
    if (intent.validAfter > context.now) {
      await this.#set(record, { status: "scheduled" });
      return false;
    }
    // What the chain says first: an intent relayed (by anyone) before it expired is relayed.
    if (await this.#settledOnChain(record)) return false;
    if (intent.expiration <= context.now) {
      const waitingFor = waitingForOf(record, context.hasBudget);
      const what = waitingFor === "valid_after" ? "its validAfter" : waitingFor.replace("_", " ");
      await this.#final(record, "expired", {
        code: "expired",
        message: `expired at ${intent.expiration} while waiting for ${what}`,
        details: { waitingFor },
      });
      return false;
    }
    if (await this.#rejectedForEpoch(record, context)) return false;
    for (const dependency of intent.dependencies) {
      const state = await dependencyState(this.#p.provider, this.#p.store, dependency);
      if (state.kind === "relayed") continue;
      // Dead on-chain, or final here without a relay: it can never succeed (section 4).
      if (state.kind === "dead") {
        const dead = state.here
          ? `was ${state.status} here`
          : state.status === "canceled"
            ? "was canceled"
            : "failed";
        await this.#final(record, "rejected", {
          code: "dependency_failed",
          message: `dependency ${dependency.id} on wallet ${dependency.wallet} ${dead}: this intent can never run`,
          details: { dependency: { wallet: dependency.wallet, id: dependency.id } },
        });
        return false;
      }
      await this.#wait(record, "waiting_dependencies", context);
      return false;
    }
    if (context.networkPrice > intent.maxGasPrice) {
      await this.#wait(record, "waiting_gas_price", context);
      return false;
    }
    if (!context.hasBudget || !maySubmit) {
      await this.#set(record, { status: "queued" });
      return false;
    }
    const simulation = await simulateRelay(this.#p.provider, record.signed, this.#p.sender.address);
    if (simulation.kind === "ok" && simulation.callsSucceed) {
      if (onReady === undefined) return this.#submit(record);
      onReady();
      return true;
    }
    if (simulation.kind === "ok")
      return this.#hold(record, await callFailureReason(this.#p.provider, record.signed));
    const verdict = classifyRevert(simulation.error);
    if (verdict.kind === "refuse")
      await this.#final(record, "rejected", { ...simulation.reason, code: verdict.code });
    else if (verdict.kind === "wait") await this.#set(record, { status: verdict.status });
    else await this.#hold(record, simulation.reason);
    return false;
  }

  /**
   * Rejects `record` (`canceled`) when its wallet's intent epoch moved past the one it was
   * signed for: the owner's `invalidateAllIntents` killed every intent of that epoch.
   */
  async #rejectedForEpoch(record: IntentRecord, context: TickContext): Promise<boolean> {
    const epoch = await context.epochOf(record.signed.wallet);
    const signedFor = record.signed.epoch ?? 0n;
    if (epoch === undefined || epoch <= signedFor) return false;
    await this.#final(record, "rejected", {
      code: "canceled",
      message: `the wallet's owner invalidated all intents of epoch ${signedFor} (the wallet is at epoch ${epoch})`,
      details: { reason: "epoch", epoch: epoch.toString() },
    });
    return true;
  }

  /**
   * Puts `record` in the waiting `status`, unless its relay, simulated (once per block) as it
   * will be sent once it is ready, is refused for good: a signature that no longer holds (a
   * session revoked, a module uninstalled) rejects it now rather than when the wait is over.
   * A relay or a cancel found this way is left to the next tick's look at the wallet's receipt.
   */
  async #wait(record: IntentRecord, status: WaitingStatus, context: TickContext): Promise<void> {
    const due = this.#vetted.due(record.id, context.blockNumber);
    if (due && (await this.#rejectedBySimulation(record))) return;
    await this.#set(record, { status });
  }

  /** Rejects `record` if its relay, simulated now, is refused for good; whether it did. */
  async #rejectedBySimulation(record: IntentRecord): Promise<boolean> {
    const { provider, sender } = this.#p;
    const simulation = await simulateRelay(provider, record.signed, sender.address).catch(
      () => undefined, // the node did not answer: nothing learned, it is simulated again
    );
    if (simulation?.kind !== "revert") return false;
    const verdict = classifyRevert(simulation.error);
    if (verdict.kind !== "refuse" || SETTLED_BY_RECEIPT.has(verdict.code)) return false;
    await this.#final(record, "rejected", { ...simulation.reason, code: verdict.code });
    return true;
  }

  /** Re-simulates later; rejects with `reason` once the hold time is over. */
  async #hold(record: IntentRecord, reason: IntentReason): Promise<boolean> {
    const now = Date.now();
    const holdUntil = record.holdUntil ?? now + this.#p.holdMs;
    if (now >= holdUntil) await this.#final(record, "rejected", reason);
    else await this.#set(record, { status: "queued", reason, holdUntil });
    return false;
  }

  /** Someone relayed or canceled the ID already: record what the wallet says. */
  async #settledOnChain(record: IntentRecord): Promise<boolean> {
    const status = await onChainStatus(this.#p.provider, record.signed.wallet, record.id);
    if (status === IntentStatus.None) return false;
    if (status === IntentStatus.Canceled) {
      await this.#final(record, "rejected", {
        code: "canceled",
        message: "the wallet's owner canceled it",
      });
      return true;
    }
    const receipt = await walletAt(record.signed.wallet, this.#p.provider).intentReceipt(record.id);
    // Through a batcher the wallet records the batcher as relayer: the transaction says who sent it.
    const batched = sameAddress(receipt.relayer, this.#batcher)
      ? await this.#relayTransaction(record, receipt.blockNumber)
      : undefined;
    const ours = batched !== undefined && sameAddress(batched.from, this.#p.sender.address);
    await this.#final(record, status === IntentStatus.Succeeded ? "relayed" : "failed", undefined, {
      relayedBy: batched?.from ?? receipt.relayer,
      blockNumber: receipt.blockNumber,
      ...(ours ? { txHash: batched.hash } : {}),
    });
    return true;
  }

  /** The transaction that relayed `record` in block `blockNumber` (its `IntentRelayed` log), if found. */
  async #relayTransaction(
    record: IntentRecord,
    blockNumber: bigint,
  ): Promise<{ hash: string; from: string } | undefined> {
    try {
      const [log] = await this.#p.provider.getLogs({
        address: record.signed.wallet,
        topics: [walletInterface.getEvent("IntentRelayed").topicHash, record.id],
        fromBlock: Number(blockNumber),
        toBlock: Number(blockNumber),
      });
      if (log === undefined) return undefined;
      const transaction = await this.#p.provider.getTransaction(log.transactionHash);
      return transaction === null
        ? undefined
        : { hash: log.transactionHash, from: transaction.from };
    } catch (error) {
      this.#log("warn", "could not find the transaction that relayed an intent", {
        id: record.id,
        error: String(error),
      });
      return undefined;
    }
  }

  /** Sends `record` alone: `relayPacked` on its wallet. */
  async #submit(record: IntentRecord, knownGasLimit?: bigint): Promise<boolean> {
    const { signed } = record;
    const data = relayCalldata(signed);
    try {
      const gasLimit = knownGasLimit ?? (await this.#gasLimitOf(record, data));
      const { hash } = await this.#p.sender.send({
        to: signed.wallet,
        data,
        gasLimit,
        intentIds: [record.id],
        maxFeeCapPerGas: signed.intent.maxGasPrice,
      });
      this.#p.hooks?.onSent?.("relay");
      this.#solo.delete(record.id);
      await this.#set(record, {
        status: "submitted",
        txHash: hash,
        reason: undefined,
        holdUntil: undefined,
      });
      this.#log("info", "relay submitted", { id: record.id, hash, gasLimit: gasLimit.toString() });
      return true;
    } catch (error) {
      this.#log("warn", "submission failed; will retry", { id: record.id, error: String(error) });
      return false;
    }
  }

  /**
   * The gas limit of a relay of `record` on its own (`data`, its `relayCalldata`): the node's
   * estimate plus a margin, and at least what its `minGasLimit` requires (with the 1/64 a CALL
   * keeps back, and room around it). Short of that, the wallet reverts the relay whole with
   * `IntentInsufficientGas` rather than record its calls as failed.
   */
  async #gasLimitOf(record: IntentRecord, data = relayCalldata(record.signed)): Promise<bigint> {
    const estimate = await this.#p.provider.estimateGas({
      from: this.#p.sender.address,
      to: record.signed.wallet,
      data,
    });
    return max(
      estimate + (estimate * GAS_LIMIT_MARGIN_PERCENT) / 100n,
      relayGasFloor(record.signed.intent),
    );
  }

  /**
   * Sends the intents found ready in this tick (oldest first), in batches of up to `maxBatch`
   * whose gas fits `MAX_BATCH_GAS`; a batch of one is a plain relay.
   */
  async #submitReady(records: IntentRecord[]): Promise<void> {
    const limits = await mapConcurrently(records, CONCURRENCY, (record) =>
      this.#gasLimitOf(record).catch((error: unknown) => {
        this.#log("warn", "submission failed; will retry", {
          id: record.id,
          error: String(error),
        });
        return undefined;
      }),
    );
    const entries: ReadyEntry[] = [];
    records.forEach((record, i) => {
      if (limits[i] !== undefined) entries.push({ record, gasLimit: limits[i] });
    });
    const batches: ReadyEntry[][] = [];
    let batch: ReadyEntry[] = [];
    let gas = BATCH_GAS_OVERHEAD;
    for (const entry of entries) {
      if (
        batch.length === this.#maxBatch ||
        (batch.length > 0 && gas + entry.gasLimit > MAX_BATCH_GAS)
      ) {
        batches.push(batch);
        batch = [];
        gas = BATCH_GAS_OVERHEAD;
      }
      batch.push(entry);
      gas += entry.gasLimit;
    }
    if (batch.length > 0) batches.push(batch);
    await mapConcurrently(batches, CONCURRENCY, (entries) => this.#submitBatch(entries));
  }

  /**
   * Sends `entries` in one `relayBatch`, after simulating it from the relayer's account at the
   * gas limit it is sent with: while the simulation relays fewer than all of them, the first
   * entry it skips is left out (it stays queued and is sent alone next time) and the rest is
   * simulated again. One entry left is sent alone.
   */
  async #submitBatch(entries: ReadyEntry[]): Promise<void> {
    const batcher = this.#batcher!;
    let batch = entries;
    while (batch.length >= 2) {
      const gasLimit = batchGasLimit(batch);
      const data = encodeRelayBatch(batch.map((entry) => entry.record.signed));
      let skipped: number;
      try {
        const relayed = await this.#simulateBatch(data, gasLimit);
        if (relayed === batch.length) {
          await this.#sendBatch(batch, data, gasLimit);
          return;
        }
        skipped = await this.#firstSkipped(batch, relayed);
      } catch (error) {
        // Not an entry's doing (the batch never reverts because of one): they are sent alone
        // next time, so a batch that can't be simulated doesn't hold them back tick after tick.
        for (const entry of batch) this.#solo.add(entry.record.id);
        this.#log("warn", "batch simulation failed; its intents will be sent alone", {
          ids: batch.map((entry) => entry.record.id),
          error: String(error),
        });
        return;
      }
      const { record } = batch[skipped];
      this.#solo.add(record.id);
      this.#p.hooks?.onBatchSkipped?.("simulation");
      await this.#set(record, { status: "queued" });
      this.#log("info", "intent left out of a batch: the batch would skip it", {
        id: record.id,
        index: skipped,
        batcher,
      });
      batch = batch.filter((_, index) => index !== skipped);
    }
    if (batch.length === 1) await this.#submit(batch[0].record, batch[0].gasLimit);
  }

  /** How many entries the batch `data` relays, simulated at `gasLimit`, the limit it would be sent with. */
  async #simulateBatch(data: string, gasLimit: bigint): Promise<number> {
    return simulateBatch({
      provider: this.#p.provider,
      batcher: this.#batcher!,
      from: this.#p.sender.address,
      data,
      gasLimit,
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
      if ((await this.#simulateBatch(data, batchGasLimit(prefix))) === middle) low = middle + 1;
      else high = middle;
    }
    return high - 1;
  }

  async #sendBatch(batch: ReadyEntry[], data: string, gasLimit: bigint): Promise<void> {
    const ids = batch.map((entry) => entry.record.id);
    // The batch may never pay more than any of its intents allows.
    const cap = batch
      .map((entry) => entry.record.signed.intent.maxGasPrice)
      .reduce((a, b) => (a < b ? a : b));
    try {
      const { hash } = await this.#p.sender.send({
        to: this.#batcher!,
        data,
        gasLimit,
        intentIds: ids,
        maxFeeCapPerGas: cap,
      });
      this.#p.hooks?.onSent?.("batch");
      this.#p.hooks?.onBatchSent?.(batch.length);
      for (const { record } of batch) {
        await this.#set(record, {
          status: "submitted",
          txHash: hash,
          reason: undefined,
          holdUntil: undefined,
        });
      }
      this.#log("info", "batch submitted", { ids, hash, gasLimit: gasLimit.toString() });
    } catch (error) {
      this.#log("warn", "batch submission failed; will retry", { ids, error: String(error) });
    }
  }

  async #onSenderEvent(event: SenderEvent): Promise<void> {
    this.#log(event.kind === "mined" ? "debug" : "info", `transaction ${event.kind}`, {
      hash: event.hash,
    });
    if (event.kind === "replaced") {
      this.#p.hooks?.onSent?.("replacement");
      await this.#forEachRecord(event.intentIds, (record) =>
        this.#set(record, { txHash: event.hash }),
      );
      return;
    }
    if (event.kind === "dropped") {
      // This nonce will not relay them: they go back to the queue and are simulated again.
      const canceled = event.reason === "canceled";
      await this.#forEachRecord(event.intentIds, (record) =>
        record.status !== "submitted"
          ? Promise.resolve()
          : canceled
            ? this.#afterCancel(record)
            : this.#set(record, { status: "queued" }),
      );
      return;
    }
    if (event.kind !== "mined" || !("receipt" in event)) return;
    const { receipt, intentIds } = event;
    const weiSpent = receipt.gasUsed * receipt.gasPrice;
    // A batch's gas is split evenly among its intents (docs/relayer-api.md, "Batches").
    const gasShares = splitEvenly(receipt.gasUsed, intentIds.length);
    const weiShares = splitEvenly(weiSpent, intentIds.length);
    if (sameAddress(receipt.to, this.#batcher) && receipt.status === 1) {
      for (const skip of batchSkips(receipt, this.#batcher!, intentIds.length)) {
        this.#log("warn", "batched intent skipped on-chain; queued again", {
          hash: receipt.hash,
          id: intentIds[skip.index],
          index: skip.index,
          reason: skip.reason,
        });
      }
    }
    for (const [index, id] of intentIds.entries()) {
      const record = await this.#p.store.get(id);
      if (record === undefined) continue;
      await this.#p.store.addSpending({
        at: Date.now(),
        wallet: record.wallet,
        weiSpent: weiShares[index],
        gasUsed: gasShares[index],
      });
      if (receipt.status !== 1) {
        // The relay reverted on-chain (someone was first, a dependency changed): see what the wallet says.
        if (!(await this.#settledOnChain(record))) await this.#set(record, { status: "queued" });
        continue;
      }
      const outcome = relayOutcome(receipt, record);
      if (outcome === undefined) {
        // Not relayed by this transaction: a batch skipped it (BatchedIntentSkipped, or
        // BatchStopped before it). Never relayed by us: queued again, simulated again, sent alone.
        this.#solo.add(record.id);
        this.#p.hooks?.onBatchSkipped?.("chain");
        await this.#set(record, { status: "queued" });
        continue;
      }
      await this.#final(record, outcome.success ? "relayed" : "failed", outcome.reason, {
        relayedBy: this.#p.sender.address,
        blockNumber: BigInt(receipt.blockNumber),
        txHash: receipt.hash,
      });
    }
    this.#p.hooks?.onGasSpent?.(receipt.gasUsed, weiSpent);
  }

  /**
   * A self transfer took the nonce of `record`'s relay (the relay could no longer relay it, or
   * was stuck at its fee cap in front of later nonces): what the wallet says first, then its
   * expiration, else back to the queue (where it may wait for the gas price).
   */
  async #afterCancel(record: IntentRecord): Promise<void> {
    if (await this.#settledOnChain(record)) return;
    const { expiration } = record.signed.intent;
    if (expiration <= (await chainNow(this.#p.provider))) {
      await this.#final(record, "expired", {
        code: "expired",
        message: `expired at ${expiration} while its relay transaction waited for inclusion`,
        details: { waitingFor: "inclusion" },
      });
      return;
    }
    await this.#set(record, { status: "queued" });
  }

  async #forEachRecord(
    ids: string[] | undefined,
    action: (record: IntentRecord) => Promise<void>,
  ): Promise<void> {
    for (const id of ids ?? []) {
      const record = await this.#p.store.get(id);
      if (record !== undefined) await action(record);
    }
  }

  async #set(record: IntentRecord, patch: IntentRecordPatch): Promise<void> {
    const changed = Object.entries(patch).some(
      ([key, value]) => (record as unknown as Record<string, unknown>)[key] !== value,
    );
    if (!changed) return;
    await this.#p.store.update(record.id, patch, Date.now());
    Object.assign(record, patch);
  }

  async #final(
    record: IntentRecord,
    status: RelayerIntentStatus,
    reason?: IntentReason,
    extra: IntentRecordPatch = {},
  ): Promise<void> {
    await this.#set(record, { ...extra, status, reason, holdUntil: undefined });
    this.#solo.delete(record.id);
    this.#vetted.forget(record.id);
    this.#p.hooks?.onFinal?.(record, status, (Date.now() - record.createdAt) / 1000);
    this.#log("info", `intent ${status}`, { id: record.id, reason: reason?.code });
  }

  #log(
    level: "debug" | "info" | "warn" | "error",
    message: string,
    fields?: Record<string, unknown>,
  ): void {
    this.#p.hooks?.log?.(level, message, fields);
  }
}

/**
 * What `receipt` says of `record`: its wallet's `IntentRelayed` (whether its calls succeeded,
 * and the decoded reason when they did not), or `undefined` when the transaction did not relay
 * it (a batch skipped it).
 */
function relayOutcome(
  receipt: TransactionReceipt,
  record: IntentRecord,
): { success: boolean; reason?: IntentReason } | undefined {
  let success: boolean | undefined;
  let reason: IntentReason | undefined;
  for (const log of receipt.logs) {
    if (!sameAddress(log.address, record.signed.wallet)) continue;
    const parsed = safeParse(log);
    // Only these two name an intent: the wallet's other events (ModuleInstalled,
    // IntentsInvalidated, OwnerChanged, ...) may come from the very calls being relayed.
    if (parsed?.name !== "IntentRelayed" && parsed?.name !== "IntentFailed") continue;
    if ((parsed.args.id as string).toLowerCase() !== record.id) continue;
    if (parsed.name === "IntentRelayed") success = parsed.args.success as boolean;
    if (parsed.name === "IntentFailed") {
      reason = {
        code: "call_reverted",
        message: decodeFailureReason(parsed.args.reason as string).shortMessage,
        details: { revertData: parsed.args.reason as string },
      };
    }
  }
  return success === undefined ? undefined : { success, reason };
}

function safeParse(log: { topics: readonly string[]; data: string }) {
  try {
    return walletInterface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return null; // another contract's event at the wallet's address: none of ours
  }
}

/**
 * The refusals of a simulated relay that the wallet's receipt tells better (relayed by whom,
 * canceled): a waiting intent they show up for is left to the next tick's look at it.
 */
const SETTLED_BY_RECEIPT = new Set(["already_relayed", "canceled"]);

/** What an expiring intent was waiting for, as `details.waitingFor` names it (docs/relayer-api.md section 4). */
function waitingForOf(
  record: IntentRecord,
  hasBudget: boolean,
): "valid_after" | "dependencies" | "gas_price" | "simulation" | "budget" | "inclusion" {
  if (record.status === "scheduled") return "valid_after";
  // Sent, its transaction settled before a crash without news of it: it waited for inclusion.
  if (record.status === "submitted") return "inclusion";
  if (record.status === "waiting_dependencies") return "dependencies";
  if (record.status === "waiting_gas_price") return "gas_price";
  return hasBudget || record.holdUntil !== undefined ? "simulation" : "budget";
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** The gas limit of a batch: its entries' limits and the batch's own overhead. */
function batchGasLimit(batch: ReadyEntry[]): bigint {
  return batch.reduce((sum, entry) => sum + entry.gasLimit, BATCH_GAS_OVERHEAD);
}

/** `total` in `parts` shares that add up to it: equal, the remainder one unit each to the first ones. */
export function splitEvenly(total: bigint, parts: number): bigint[] {
  if (parts < 1) return [];
  const count = BigInt(parts);
  const share = total / count;
  const remainder = total % count;
  return Array.from({ length: parts }, (_, i) => share + (BigInt(i) < remainder ? 1n : 0n));
}
