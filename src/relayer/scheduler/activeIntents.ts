import { isFinalRelayerIntentStatus } from "../../protocol/relayerApi/statuses.js";
import type { IntentRecord } from "../types.js";

/**
 * What a non-final intent waits for, read from its record alone. Every intent is also woken by
 * its expiration, by a change of its wallet (epoch, owner, modules) and by its own ID being
 * consumed on chain.
 *
 * @example
 * const wait = waitOf(record); // { on: "gasPrice", cap: 30_000_000_000n }
 */
export type Wait =
  | { on: "tick" }
  | { on: "chainTime"; at: bigint }
  | { on: "wallClock"; atMs: number }
  | { on: "dependencies"; ids: string[] }
  | { on: "gasPrice"; cap: bigint }
  | { on: "inFlight" };

/**
 * The wait of a non-final `record`: queued (every tick, or when its hold ends), scheduled (its
 * `validAfter` by the chain's time), waiting for its dependencies or the gas price, or in flight
 * (the sender's news settles it).
 *
 * @example
 * waitOf({ ...record, status: "scheduled" }); // { on: "chainTime", at: record.signed.intent.validAfter }
 */
export function waitOf(record: IntentRecord): Wait {
  const { intent } = record.signed;
  switch (record.status) {
    case "scheduled":
      return { on: "chainTime", at: intent.validAfter };
    case "waiting_dependencies":
      return { on: "dependencies", ids: intent.dependencies.map((d) => d.id.toLowerCase()) };
    case "waiting_gas_price":
      return { on: "gasPrice", cap: intent.maxGasPrice };
    case "submitted":
      return { on: "inFlight" };
    default:
      return record.holdUntil === undefined
        ? { on: "tick" }
        : { on: "wallClock", atMs: record.holdUntil };
  }
}

/** What a tick knows when it asks which intents are due. */
export interface DueContext {
  /** The chain's time (unix seconds). */
  now: bigint;
  /** The gas price the network asks now. */
  networkPrice: bigint;
}

interface Entry {
  record: IntentRecord;
  wait: Wait;
}

/**
 * The scheduler's intents that are not final, in memory, indexed by what wakes them: their
 * wallet, their dependencies, their own ID. A tick takes only the due ones: those woken by an
 * event since the last tick, those whose time (validAfter, hold, expiration) came by the chain's
 * time or the clock, and those whose gas price cap the network's price is now within. No intent
 * costs a JSON-RPC call or a store read to be found not due.
 *
 * @example
 * const active = new ActiveIntents();
 * active.put(record);
 * active.wakeId(dependencyId); // its dependents are due at the next tick
 * for (const due of active.takeDue({ now, networkPrice })) await advance(due);
 */
export class ActiveIntents {
  readonly #entries = new Map<string, Entry>();
  readonly #byWallet = new Map<string, Set<string>>();
  readonly #byDependency = new Map<string, Set<string>>();
  readonly #woken = new Set<string>();

  get size(): number {
    return this.#entries.size;
  }

  /** The record of a non-final intent `id`, if it is one. */
  get(id: string): IntentRecord | undefined {
    return this.#entries.get(id.toLowerCase())?.record;
  }

  /** The records of intents in flight (sent, not settled). */
  inFlight(): IntentRecord[] {
    return [...this.#entries.values()].filter((e) => e.wait.on === "inFlight").map((e) => e.record);
  }

  /**
   * Indexes `record` by its current status. A record that waits for nothing but the next tick
   * is due at once. A final one is removed, and the intents depending on it are due (a
   * dependency that can never succeed here rejects them).
   */
  put(record: IntentRecord): void {
    this.remove(record.id);
    if (isFinalRelayerIntentStatus(record.status)) {
      this.wakeId(record.id);
      return;
    }
    const id = record.id.toLowerCase();
    const wait = waitOf(record);
    this.#entries.set(id, { record, wait });
    addTo(this.#byWallet, record.wallet.toLowerCase(), id);
    for (const dependency of record.signed.intent.dependencies) {
      addTo(this.#byDependency, dependency.id.toLowerCase(), id);
    }
    if (wait.on === "tick") this.#woken.add(id);
  }

  remove(id: string): void {
    const key = id.toLowerCase();
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#woken.delete(key);
    removeFrom(this.#byWallet, entry.record.wallet.toLowerCase(), key);
    for (const dependency of entry.record.signed.intent.dependencies) {
      removeFrom(this.#byDependency, dependency.id.toLowerCase(), key);
    }
  }

  /** Intent `id` was consumed or went final somewhere: it and the intents depending on it are due. */
  wakeId(id: string): void {
    const key = id.toLowerCase();
    if (this.#entries.has(key)) this.#woken.add(key);
    for (const dependent of this.#byDependency.get(key) ?? []) this.#woken.add(dependent);
  }

  /** `wallet` changed (epoch, owner, modules): its intents are due. */
  wakeWallet(wallet: string): void {
    for (const id of this.#byWallet.get(wallet.toLowerCase()) ?? []) this.#woken.add(id);
  }

  /**
   * A `submitted` intent whose transaction is no longer pending: due at the next tick as if
   * queued (its record keeps its status until it is advanced).
   */
  wakeAsQueued(record: IntentRecord): void {
    const id = record.id.toLowerCase();
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    entry.wait = { on: "tick" };
    this.#woken.add(id);
  }

  /**
   * Makes due every intent waiting for a dependency this index does not hold: in a fleet,
   * another process may have settled it in the shared store (rejected, expired), which no
   * chain event tells.
   */
  wakeForeignDependents(): void {
    for (const [dependency, dependents] of this.#byDependency) {
      if (this.#entries.has(dependency)) continue;
      for (const id of dependents) {
        if (this.#entries.get(id)?.wait.on === "dependencies") this.#woken.add(id);
      }
    }
  }

  /** Makes every intent due at the next tick (after a restart, or a gap in the followed chain). */
  wakeAll(): void {
    for (const id of this.#entries.keys()) this.#woken.add(id);
  }

  /** The due intents that are not in flight, oldest first; their wake-ups are spent. */
  takeDue(context: DueContext): IntentRecord[] {
    const due: IntentRecord[] = [];
    for (const [id, entry] of this.#entries) {
      if (entry.wait.on === "inFlight") continue;
      if (this.#woken.has(id) || isDue(entry, context)) due.push(entry.record);
    }
    this.#woken.clear();
    return due.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** When, by the wall clock (ms), the next intent's time comes, if any waits for one. */
  nextTimeMs(): number | undefined {
    let next: number | undefined;
    for (const { record, wait } of this.#entries.values()) {
      const times = [Number(record.signed.intent.expiration) * 1000];
      if (wait.on === "chainTime") times.push(Number(wait.at) * 1000);
      if (wait.on === "wallClock") times.push(wait.atMs);
      for (const time of times) if (next === undefined || time < next) next = time;
    }
    return next;
  }
}

/**
 * Whether `entry` is due: a queued one at every tick (one a tick could not submit, say), else
 * when the time or the price it waits for has come, or its expiration.
 */
function isDue({ record, wait }: Entry, { now, networkPrice }: DueContext): boolean {
  if (wait.on === "tick" || record.signed.intent.expiration <= now) return true;
  if (wait.on === "chainTime") return wait.at <= now;
  if (wait.on === "wallClock") return wait.atMs <= Date.now();
  if (wait.on === "gasPrice") return networkPrice <= wait.cap;
  return false;
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let ids = index.get(key);
  if (ids === undefined) index.set(key, (ids = new Set()));
  ids.add(id);
}

function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key);
  ids?.delete(id);
  if (ids?.size === 0) index.delete(key);
}
