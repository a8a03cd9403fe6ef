import { chainHead, chainNowAt } from "./chainReads.js";
import { ActiveIntents } from "./scheduler/activeIntents.js";
import { IntentAdvancer } from "./scheduler/advancer.js";
import { BatchSubmitter } from "./scheduler/batchSubmitter.js";
import { ForeignFlights } from "./scheduler/foreignFlights.js";
import { InFlightWatch } from "./scheduler/inFlightWatch.js";
import { LeaseKeeper } from "./scheduler/leaseKeeper.js";
import { IntentRecorder } from "./scheduler/recorder.js";
import { RelaySubmitter } from "./scheduler/relaySubmitter.js";
import { SenderEvents } from "./scheduler/senderEvents.js";
import { Settlement } from "./scheduler/settlement.js";
import { TickTimer } from "./scheduler/tickTimer.js";
import {
  CONCURRENCY,
  type SchedulerLog,
  type SchedulerParameters,
  type TickContext,
} from "./scheduler/types.js";
import { keptWalletView, nodeWalletView } from "./scheduler/walletView.js";
import type { IntentRecord, TransactionRecord } from "./types.js";

export { splitEvenly } from "./scheduler/receipts.js";
export type {
  RelaySender,
  SchedulerHooks,
  SchedulerParameters,
  SenderEvent,
} from "./scheduler/types.js";

/**
 * Moves accepted intents forward, woken by what they wait for: a new block (the chain
 * follower's, with the wallet events it carries: a dependency relayed, an epoch or a module
 * changed, the gas price fallen under a cap, a `validAfter` reached), a new acceptance, or the
 * time an intent waits for. A tick reads the sender's news, watches the relay transactions in
 * flight, then advances only the intents that are due (`ActiveIntents`); a waiting intent costs
 * no JSON-RPC call until what it waits for happens.
 *
 * @example
 * const scheduler = new Scheduler({ provider, store, policy, sender, holdMs: 60_000, chainState });
 * await scheduler.start(250);
 * scheduler.admit(record); // a newly accepted intent: advanced at the next tick
 */
export class Scheduler {
  readonly #p: SchedulerParameters;
  readonly #active = new ActiveIntents();
  readonly #recorder: IntentRecorder;
  readonly #events: SenderEvents;
  readonly #inFlight: InFlightWatch;
  readonly #advancer: IntentAdvancer;
  /** With a batcher (batching on): the intents ready in one tick are sent together. */
  readonly #batches: BatchSubmitter | undefined;
  readonly #timer: TickTimer;
  /** In a fleet (a store with leases): the leases kept, and the intents taken over held. */
  readonly #fleet: { keeper: LeaseKeeper; foreign: ForeignFlights } | undefined;
  #loaded = false;

  constructor(parameters: SchedulerParameters) {
    this.#p = parameters;
    const { provider, store, sender, holdMs } = parameters;
    const maxBatch = parameters.maxBatch ?? 16;
    const batcher = maxBatch >= 2 ? parameters.batcher : undefined;
    const recorder = new IntentRecorder(
      store,
      parameters.hooks,
      (r) => this.#active.put(r),
      (r) => this.#active.remove(r.id),
    );
    const relayer = sender.address;
    const settlement = new Settlement({ provider, relayer, batcher, recorder });
    const relays = new RelaySubmitter(provider, sender, recorder);
    const log = recorder.log.bind(recorder);
    this.#recorder = recorder;
    this.#events = new SenderEvents({ provider, relayer, batcher, recorder, settlement });
    const recordOf = async (id: string) => this.#active.get(id) ?? (await store.get(id));
    this.#inFlight = new InFlightWatch({ provider, recordOf, sender, log });
    this.#advancer = new IntentAdvancer({ recorder, settlement, relays, holdMs });
    const alone = (record: IntentRecord) => this.#advancer.submitAlone(record);
    this.#batches =
      batcher === undefined ? undefined : new BatchSubmitter(batcher, maxBatch, relays, alone);
    this.#timer = new TickTimer(
      () => this.tick(),
      (error) => log("error", "tick failed", error),
    );
    this.#fleet = this.#fleetOf(parameters, log);
    parameters.chainState?.follower.onHead((_head, events) => {
      for (const event of events) {
        if (event.kind === "relayed" || event.kind === "canceled") this.#active.wakeId(event.id);
        else this.#active.wakeWallet(event.wallet);
      }
      this.#timer.soon();
    });
  }

  /**
   * Ticks at every new head of the chain follower, at every admission, when an intent's time
   * comes, and at least every `intervalMs` (the sender's replacements and the chain's time).
   */
  start(intervalMs: number): void {
    this.#timer.start(intervalMs);
    this.#fleet?.keeper.start();
  }

  stop(): void {
    this.#timer.stop();
    this.#fleet?.keeper.stop();
  }

  /** The lease keeper and the taken-over intents' holder, when the store has leases. */
  #fleetOf(parameters: SchedulerParameters, log: SchedulerLog) {
    const leases = parameters.store.leases;
    if (leases === undefined) return undefined;
    const foreign = new ForeignFlights(parameters.provider, leases, log);
    const wake = () => this.#timer.soon();
    const keeper = new LeaseKeeper({ leases, active: this.#active, foreign, log, wake });
    return { keeper, foreign };
  }

  /** A newly accepted intent: indexed, and advanced at the next tick. */
  admit(record: IntentRecord): void {
    this.#active.put(record);
    this.#timer.soon();
  }

  /** One pass: the sender's news, the transactions in flight, then the due intents. Ticks never overlap. */
  async tick(): Promise<void> {
    await this.#loadOnce();
    for (const event of await this.#p.sender.poll()) await this.#events.handle(event);
    const pending = await this.#p.store.listPendingTransactions();
    const context = await this.#context();
    await this.#inFlight.check(pending, context);
    await this.#squareInFlight(pending);
    await this.#releaseTakenOver(context.blockNumber);
    await this.#advanceAll(this.#due(context), context);
    const next = this.#active.nextTimeMs();
    if (next !== undefined) this.#timer.at(next);
  }

  /**
   * The store's active intents, once, into the index (a restart picks up where it stopped);
   * in a fleet, those this process leases.
   */
  async #loadOnce(): Promise<void> {
    if (this.#loaded) return;
    if (this.#fleet !== undefined) await this.#fleet.keeper.load();
    else for (const record of await this.#p.store.listActive()) this.#active.put(record);
    this.#active.wakeAll();
    this.#loaded = true;
  }

  /** Taken-over intents whose old holder's transactions can no longer be mined: due now. */
  async #releaseTakenOver(blockNumber: number): Promise<void> {
    for (const id of (await this.#fleet?.foreign.settle(blockNumber)) ?? []) {
      this.#active.wakeId(id);
    }
  }

  /** The due intents, but those another relayer's transaction may still relay. */
  #due(context: TickContext): IntentRecord[] {
    const due = this.#active.takeDue(context);
    const foreign = this.#fleet?.foreign;
    return foreign === undefined || foreign.size === 0
      ? due
      : due.filter((record) => !foreign.blocks(record.id));
  }

  async #context(): Promise<TickContext> {
    const { provider, policy, store, chainState } = this.#p;
    const head = chainState?.follower.head;
    const [tip, feeData] = await Promise.all([
      head === undefined
        ? chainHead(provider)
        : Promise.resolve({ blockNumber: head.number, now: chainNowAt(head) }),
      provider.getFeeData(),
    ]);
    const networkPrice = feeData.gasPrice ?? feeData.maxFeePerGas ?? 0n;
    const hasBudget = await policy.hasBudget(store, Date.now());
    const view =
      chainState === undefined
        ? nodeWalletView(provider)
        : keptWalletView(chainState.states, provider);
    return { ...tip, networkPrice, hasBudget, view };
  }

  /**
   * Squares the index with the transactions in flight. An intent with a pending transaction is
   * `submitted` (sent before a crash, not yet recorded so). A "submitted" intent without one:
   * the sender settled it but a crash came before the news reached the intent; it is advanced
   * like the others (the chain says whether it was relayed, and if not it is sent again).
   */
  async #squareInFlight(pending: TransactionRecord[]): Promise<void> {
    const inFlight = new Set(pending.flatMap((tx) => tx.intentIds.map((id) => id.toLowerCase())));
    for (const record of this.#active.inFlight()) {
      if (!inFlight.has(record.id.toLowerCase())) this.#active.wakeAsQueued(record);
    }
    for (const id of inFlight) {
      const record = this.#active.get(id);
      if (record !== undefined && record.status !== "submitted") {
        await this.#recorder.set(record, { status: "submitted" });
      }
    }
  }

  /**
   * Intents are independent work: advance up to CONCURRENCY at once, oldest first. Nonces stay
   * ordered: the sender assigns them under its own lock. With a batcher, the intents found
   * ready are collected, then sent together once every due intent is advanced.
   */
  async #advanceAll(due: IntentRecord[], context: TickContext): Promise<void> {
    const ready: { record: IntentRecord; order: number }[] = [];
    const maxSubmissions = this.#p.maxSubmissionsPerTick ?? 200;
    let submissions = 0;
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const order = next++;
        const record = due[order];
        const alone = this.#batches === undefined || this.#recorder.solo.has(record.id);
        const onReady = alone ? undefined : () => ready.push({ record, order });
        // The slot is taken before the advance awaits anything: the workers run at once.
        const maySubmit = submissions < maxSubmissions;
        if (maySubmit) submissions++;
        const submitted = await this.#advanceOne(record, context, maySubmit, onReady);
        if (maySubmit && !submitted) submissions--;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (ready.length > 0) {
      await this.#batches!.submitReady(
        ready.sort((a, b) => a.order - b.order).map((r) => r.record),
      );
    }
  }

  /** Advances one intent; a failure (a node that did not answer) leaves it due at the next tick. */
  async #advanceOne(
    record: IntentRecord,
    context: TickContext,
    maySubmit: boolean,
    onReady?: () => void,
  ): Promise<boolean> {
    try {
      return await this.#advancer.advance(record, context, maySubmit, onReady);
    } catch (error) {
      this.#active.wakeId(record.id);
      this.#recorder.log("warn", "could not advance an intent; retried next tick", {
        id: record.id,
        error: String(error),
      });
      return false;
    }
  }
}
