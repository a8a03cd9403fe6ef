import { chainHead, intentEpoch } from "./chainReads.js";
import { IntentAdvancer } from "./scheduler/advancer.js";
import { BatchSubmitter } from "./scheduler/batchSubmitter.js";
import { InFlightWatch } from "./scheduler/inFlightWatch.js";
import { IntentRecorder } from "./scheduler/recorder.js";
import { RelaySubmitter } from "./scheduler/relaySubmitter.js";
import { SenderEvents } from "./scheduler/senderEvents.js";
import { Settlement } from "./scheduler/settlement.js";
import { CONCURRENCY, type SchedulerParameters, type TickContext } from "./scheduler/types.js";
import type { IntentRecord, TransactionRecord } from "./types.js";

export { splitEvenly } from "./scheduler/receipts.js";
export type {
  RelaySender,
  SchedulerHooks,
  SchedulerParameters,
  SenderEvent,
} from "./scheduler/types.js";

/**
 * Moves accepted intents forward, one tick at a time: holds them until their `validAfter`,
 * expires them, waits for their dependencies and the gas price, simulates, submits, records
 * what the chain says, and watches the relay transactions in flight.
 *
 * @example
 * const scheduler = new Scheduler({ provider, store, policy, sender, holdMs: 60_000 });
 * scheduler.start(250);
 */
export class Scheduler {
  readonly #p: SchedulerParameters;
  #ticking = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #recorder: IntentRecorder;
  readonly #events: SenderEvents;
  readonly #inFlight: InFlightWatch;
  readonly #advancer: IntentAdvancer;
  /** With a batcher (batching on): the intents ready in one tick are sent together. */
  readonly #batches: BatchSubmitter | undefined;

  constructor(parameters: SchedulerParameters) {
    this.#p = parameters;
    const { provider, store, sender, holdMs } = parameters;
    const maxBatch = parameters.maxBatch ?? 16;
    const batcher = maxBatch >= 2 ? parameters.batcher : undefined;
    const recorder = new IntentRecorder(store, parameters.hooks);
    const relayer = sender.address;
    const settlement = new Settlement({ provider, relayer, batcher, recorder });
    const relays = new RelaySubmitter(provider, sender, recorder);
    const log = recorder.log.bind(recorder);
    this.#recorder = recorder;
    this.#events = new SenderEvents({ provider, relayer, batcher, recorder, settlement });
    this.#inFlight = new InFlightWatch({ provider, store, sender, log });
    this.#advancer = new IntentAdvancer({ recorder, settlement, relays, holdMs });
    this.#batches =
      batcher === undefined ? undefined : new BatchSubmitter(batcher, maxBatch, relays);
  }

  /** Ticks every `intervalMs` until `stop()`. */
  start(intervalMs: number): void {
    const loop = async () => {
      await this.tick().catch((error) =>
        this.#recorder.log("error", "tick failed", { error: String(error) }),
      );
      if (this.#timer !== undefined) this.#timer = setTimeout(loop, intervalMs);
    };
    this.#timer = setTimeout(loop, 0);
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One pass over the sender's news, the transactions in flight and every active intent. Ticks never overlap. */
  async tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      for (const event of await this.#p.sender.poll()) await this.#events.handle(event);
      const pending = await this.#p.store.listPendingTransactions();
      const context = await this.#context();
      await this.#inFlight.check(pending, context);
      await this.#advanceAll(await this.#notInFlight(pending), context);
    } finally {
      this.#ticking = false;
    }
  }

  async #context(): Promise<TickContext> {
    const { provider, policy, store } = this.#p;
    const [head, feeData] = await Promise.all([chainHead(provider), provider.getFeeData()]);
    const networkPrice = feeData.gasPrice ?? feeData.maxFeePerGas ?? 0n;
    const hasBudget = await policy.hasBudget(store, Date.now());
    const epochs = new Map<string, Promise<bigint | undefined>>();
    const epochOf = (wallet: string) => {
      const key = wallet.toLowerCase();
      if (!epochs.has(key)) epochs.set(key, intentEpoch(provider, wallet));
      return epochs.get(key)!;
    };
    return { ...head, networkPrice, hasBudget, epochOf };
  }

  /**
   * The active intents without a transaction in flight, oldest first. One with a pending
   * transaction is `submitted` (sent before a crash, not yet recorded so): the watch of the
   * transactions in flight looks after it.
   */
  async #notInFlight(pending: TransactionRecord[]): Promise<IntentRecord[]> {
    const inFlight = new Set(pending.flatMap((tx) => tx.intentIds.map((id) => id.toLowerCase())));
    const waiting: IntentRecord[] = [];
    for (const record of await this.#p.store.listActive()) {
      if (inFlight.has(record.id)) await this.#recorder.set(record, { status: "submitted" });
      // "submitted" without a pending transaction: the sender settled it but a crash came
      // before the news reached the intent. It is advanced like the others: the chain says
      // whether it was relayed, and if not it is sent again.
      else waiting.push(record);
    }
    return waiting;
  }

  /**
   * Intents are independent JSON-RPC work: advance up to CONCURRENCY at once, oldest first.
   * Nonces stay ordered: the sender assigns them under its own lock. With a batcher, the
   * intents found ready are collected, then sent together once every intent is advanced.
   */
  async #advanceAll(waiting: IntentRecord[], context: TickContext): Promise<void> {
    const ready: { record: IntentRecord; order: number }[] = [];
    const maxSubmissions = this.#p.maxSubmissionsPerTick ?? 200;
    let submissions = 0;
    let next = 0;
    const worker = async () => {
      while (next < waiting.length) {
        const order = next++;
        const record = waiting[order];
        const alone = this.#batches === undefined || this.#recorder.solo.has(record.id);
        const onReady = alone ? undefined : () => ready.push({ record, order });
        const maySubmit = submissions < maxSubmissions;
        if (await this.#advancer.advance(record, context, maySubmit, onReady)) submissions++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (ready.length > 0) {
      await this.#batches!.submitReady(
        ready.sort((a, b) => a.order - b.order).map((r) => r.record),
      );
    }
  }
}
