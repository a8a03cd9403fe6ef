import type { ClaimedIntent, IntentLeases } from "../store/leases.js";
import type { ActiveIntents } from "./activeIntents.js";
import type { ForeignFlights } from "./foreignFlights.js";
import type { SchedulerLog } from "./types.js";

/** Most intents one claim takes: a process takes over a dead one's work a slice at a time. */
const CLAIM_LIMIT = 500;

/**
 * What a `LeaseKeeper` keeps leased, and where it puts what it takes.
 *
 * @example
 * const parameters: LeaseKeeperParameters = { leases, active, foreign, log, wake: () => timer.soon() };
 */
export interface LeaseKeeperParameters {
  leases: IntentLeases;
  /** The scheduler's index: claimed intents go in. */
  active: ActiveIntents;
  /** Holds the taken-over intents another relayer's transaction may still relay. */
  foreign: ForeignFlights;
  log: SchedulerLog;
  /** Called when it put intents in the index (the scheduler ticks soon). */
  wake: () => void;
}

/**
 * Keeps a fleet member's leases: at start the intents it leases already (its own work before a
 * restart), then, every third of a lease, renews its leases and claims intents no live lease
 * covers (those of a process that died, or stopped renewing), putting them in the scheduler's
 * index. Taken-over intents are first checked for the old holder's transactions
 * (`ForeignFlights`). Intents waiting for a dependency another process works are woken every
 * cycle: that process settles the dependency in the shared store, with no event here.
 *
 * @example
 * const keeper = new LeaseKeeper({ leases, active, foreign, log, wake });
 * await keeper.load();
 * keeper.start();
 */
export class LeaseKeeper {
  readonly #p: LeaseKeeperParameters;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(parameters: LeaseKeeperParameters) {
    this.#p = parameters;
  }

  /** Puts the intents the holder leases already in the index, holding those in flight elsewhere. */
  async load(): Promise<void> {
    const held = await this.#p.leases.listHeld();
    await this.#p.foreign.hold(held.map((record) => record.id));
    for (const record of held) this.#p.active.put(record);
    this.#p.active.wakeAll();
  }

  /** Renews and claims every `leaseMs / 3` until `stop`. */
  start(): void {
    this.stop();
    const every = Math.max(50, Math.floor(this.#p.leases.leaseMs / 3));
    this.#timer = setInterval(() => void this.cycle(), every);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One renewal and claim (never two at once); a store that does not answer is retried next cycle. */
  async cycle(): Promise<void> {
    if (this.#running !== undefined) return this.#running;
    this.#running = this.#cycleOnce().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #cycleOnce(): Promise<void> {
    const { leases, active, log } = this.#p;
    try {
      await leases.renew();
      const taken = await leases.claim(CLAIM_LIMIT);
      if (taken.length > 0) await this.#admit(taken);
      active.wakeForeignDependents();
    } catch (error) {
      log("warn", "could not renew or claim leases; retried next cycle", { error: String(error) });
    }
  }

  /** Puts the claimed intents in the index, after holding those another relayer may have sent. */
  async #admit(taken: ClaimedIntent[]): Promise<void> {
    const { active, foreign, log, leases, wake } = this.#p;
    const takenOver = taken.filter(
      (claim) => claim.previousHolder !== undefined && claim.previousHolder !== leases.holder,
    );
    await foreign.hold(takenOver.map((claim) => claim.record.id));
    for (const { record } of taken) if (active.get(record.id) === undefined) active.put(record);
    const from = [...new Set(takenOver.map((claim) => claim.previousHolder))];
    log("info", "intents claimed", { count: taken.length, takenOver: takenOver.length, from });
    wake();
  }
}
