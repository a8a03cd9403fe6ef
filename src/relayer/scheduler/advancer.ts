import {
  callFailureReason,
  classifyRevert,
  dependencyStateFrom,
  type WaitingStatus,
} from "../chainReads.js";
import { simulateRelayRoute } from "../creation/simulateRoute.js";
import { delegationProblemAtSend } from "../delegation/sendCheck.js";
import type { IntentReason, IntentRecord } from "../types.js";
import type { IntentRecorder } from "./recorder.js";
import type { RelaySubmitter } from "./relaySubmitter.js";
import type { Settlement } from "./settlement.js";
import type { TickContext } from "./types.js";

/**
 * What `IntentAdvancer` needs to move intents forward.
 *
 * @example
 * const parameters: AdvancerParameters = { recorder, settlement, relays, holdMs: 60_000 };
 */
export interface AdvancerParameters {
  recorder: IntentRecorder;
  settlement: Settlement;
  relays: RelaySubmitter;
  /** How long an intent whose relay would revert, or whose calls would fail, is re-simulated before it is rejected. */
  holdMs: number;
}

/**
 * The refusals of a simulated relay that the wallet's receipt tells better (relayed by whom,
 * canceled): an intent they show up for is left to the next tick's look at it.
 */
const SETTLED_BY_RECEIPT = new Set(["already_relayed", "canceled"]);

/**
 * Moves one intent that has no transaction in flight forward by one step, as docs/relayer-api.md
 * section 4 describes: held until its `validAfter`, settled by the wallet's receipt, expired,
 * rejected when invalidated, waiting for its dependencies or the gas price, queued for the
 * budget, then simulated and submitted (or handed over for a batch).
 *
 * @example
 * const advancer = new IntentAdvancer({ recorder, settlement, relays, holdMs: 60_000 });
 * const submitted = await advancer.advance(record, context, true);
 */
export class IntentAdvancer {
  readonly #p: AdvancerParameters;

  constructor(parameters: AdvancerParameters) {
    this.#p = parameters;
  }

  /**
   * Returns whether it submitted `record`, or found it ready and handed it to `onReady` (with a
   * batcher: it is sent at the end of the tick, with the others found ready).
   */
  async advance(
    record: IntentRecord,
    context: TickContext,
    maySubmit: boolean,
    onReady?: () => void,
  ): Promise<boolean> {
    const { intent } = record.signed;
    const { recorder, settlement } = this.#p;
    // Before its validAfter no one can relay it (the wallet refuses): held without asking the
    // node anything, the tick's time says it all. Its expiration is later still.
    if (intent.validAfter > context.now) {
      await recorder.set(record, { status: "scheduled" });
      return false;
    }
    // What the chain says first: an intent relayed (by anyone) before it expired is relayed.
    if (await settlement.settled(record, context.view)) return false;
    if (await this.#expired(record, context)) return false;
    if (await this.#rejectedForEpoch(record, context)) return false;
    if (!(await this.#dependenciesRelayed(record, context))) return false;
    if (context.networkPrice > intent.maxGasPrice) {
      await this.#wait(record, "waiting_gas_price", context);
      return false;
    }
    if (!context.hasBudget || !maySubmit) {
      await recorder.set(record, { status: "queued" });
      return false;
    }
    return this.#simulateAndSubmit(record, context, onReady);
  }

  /** Expires `record` if its expiration passed, saying what it was waiting for; whether it did. */
  async #expired(record: IntentRecord, context: TickContext): Promise<boolean> {
    const { expiration } = record.signed.intent;
    if (expiration > context.now) return false;
    const waitingFor = waitingForOf(record, context.hasBudget);
    const what = waitingFor === "valid_after" ? "its validAfter" : waitingFor.replace("_", " ");
    await this.#p.recorder.final(record, "expired", {
      code: "expired",
      message: `expired at ${expiration} while waiting for ${what}`,
      details: { waitingFor },
    });
    return true;
  }

  /**
   * Rejects `record` (`canceled`) when its wallet's intent epoch moved past the one it was
   * signed for: the owner's `invalidateAllIntents` killed every intent of that epoch.
   */
  async #rejectedForEpoch(record: IntentRecord, context: TickContext): Promise<boolean> {
    const epoch = await context.view.epoch(record.signed.wallet);
    const signedFor = record.signed.epoch ?? 0n;
    if (epoch === undefined || epoch <= signedFor) return false;
    await this.#p.recorder.final(record, "rejected", {
      code: "canceled",
      message: `the wallet's owner invalidated all intents of epoch ${signedFor} (the wallet is at epoch ${epoch})`,
      details: { reason: "epoch", epoch: epoch.toString() },
    });
    return true;
  }

  /**
   * Whether every dependency of `record` is relayed on-chain; if not, `record` waits for them,
   * or is rejected when one of them can never succeed.
   */
  async #dependenciesRelayed(record: IntentRecord, context: TickContext): Promise<boolean> {
    const { store } = this.#p.recorder;
    for (const dependency of record.signed.intent.dependencies) {
      const { status } = await context.view.status(dependency.wallet, dependency.id);
      const state = await dependencyStateFrom(status, store, dependency);
      if (state.kind === "relayed") continue;
      if (state.kind === "dead") await this.#rejectForDependency(record, dependency, state);
      else await this.#wait(record, "waiting_dependencies", context);
      return false;
    }
    return true;
  }

  /** Dead on-chain, or final here without a relay: the dependency can never succeed (section 4). */
  async #rejectForDependency(
    record: IntentRecord,
    dependency: { wallet: string; id: string },
    state: { status: string; here: boolean },
  ): Promise<void> {
    const dead = state.here
      ? `was ${state.status} here`
      : state.status === "canceled"
        ? "was canceled"
        : "failed";
    await this.#p.recorder.final(record, "rejected", {
      code: "dependency_failed",
      message: `dependency ${dependency.id} on wallet ${dependency.wallet} ${dead}: this intent can never run`,
      details: { dependency: { wallet: dependency.wallet, id: dependency.id } },
    });
  }

  /**
   * Puts `record` in the waiting `status`, unless its relay, simulated as it will be sent once it
   * is ready, is refused for good: a signature that no longer holds (a session revoked, a
   * module uninstalled, the owner changed) rejects it now rather than when the wait is over.
   * Simulated when it starts waiting, then again only after its wallet's owner or modules
   * changed (every block when the view cannot tell). A relay or a cancel found this way is
   * left to the wallet's receipt.
   */
  async #wait(record: IntentRecord, status: WaitingStatus, context: TickContext): Promise<void> {
    const { recorder } = this.#p;
    const changedAt = await context.view.changedAt(record.signed.wallet);
    const due = recorder.vetted.dueSince(record.id, context.blockNumber, changedAt);
    if (due && (await this.#rejectedBySimulation(record))) return;
    await recorder.set(record, { status });
  }

  /**
   * Rejects `record` if its EOA's authorization no longer holds (`delegationProblemAtSend`) or
   * its relay, simulated now, is refused for good; whether it did.
   */
  async #rejectedBySimulation(record: IntentRecord): Promise<boolean> {
    const { provider, sender } = this.#p.relays;
    const undelegatable = await this.#rejectedUndelegatable(record).catch(
      () => false, // the node did not answer: checked again before it is sent
    );
    if (undelegatable) return true;
    const simulation = await simulateRelayRoute(provider, record.signed, sender.address).catch(
      () => undefined, // the node did not answer: nothing learned, it is simulated again
    );
    if (simulation?.kind !== "revert") return false;
    const verdict = classifyRevert(simulation.error);
    if (verdict.kind !== "refuse" || SETTLED_BY_RECEIPT.has(verdict.code)) return false;
    const reason = { ...simulation.reason, code: verdict.code };
    await this.#p.recorder.final(record, "rejected", reason);
    return true;
  }

  /**
   * Submits a ready intent: with a batcher, hands it to `onReady` (the batch it joins is
   * simulated once, as a whole); alone (as is an intent whose wallet it must create: the
   * batcher cannot), simulates its relay, then submits it, holds it, lets it wait or rejects it.
   */
  async #simulateAndSubmit(
    record: IntentRecord,
    context: TickContext,
    onReady?: () => void,
  ): Promise<boolean> {
    if (onReady === undefined || (await creates(record, context))) return this.submitAlone(record);
    if (await this.#rejectedUndelegatable(record)) return false;
    onReady();
    return true;
  }

  /**
   * Simulates the relay of `record` alone (through its factory when it creates its wallet; as
   * if delegated when it delegates its EOA, which is rejected first if its authorization no
   * longer holds: `delegationProblemAtSend`), then submits it (at the node's estimate), holds it (its calls would fail), lets it wait, or
   * rejects it; whether it was submitted.
   *
   * @example
   * const submitted = await advancer.submitAlone(record);
   */
  async submitAlone(record: IntentRecord): Promise<boolean> {
    const { relays, recorder } = this.#p;
    const { provider, sender } = relays;
    if (await this.#rejectedUndelegatable(record)) return false;
    const simulation = await simulateRelayRoute(provider, record.signed, sender.address);
    if (simulation.kind === "ok" && simulation.callsSucceed) return relays.submit(record);
    if (simulation.kind === "ok")
      return this.#hold(record, await callFailureReason(relays.provider, record.signed));
    const verdict = classifyRevert(simulation.error);
    // Relayed (through the factory, say) or canceled since `settled` looked: the receipt tells.
    if (verdict.kind === "refuse" && SETTLED_BY_RECEIPT.has(verdict.code)) return false;
    if (verdict.kind === "refuse")
      await recorder.final(record, "rejected", { ...simulation.reason, code: verdict.code });
    else if (verdict.kind === "wait") await recorder.set(record, { status: verdict.status });
    else await this.#hold(record, simulation.reason);
    return false;
  }

  /**
   * Rejects `record` if it carries an EOA's authorization that no longer holds
   * (`delegationProblemAtSend`: the EOA delegated elsewhere, or its nonce moved); whether it did.
   */
  async #rejectedUndelegatable(record: IntentRecord): Promise<boolean> {
    const { provider } = this.#p.relays;
    const problem = await delegationProblemAtSend(provider, record.signed);
    if (problem === undefined) return false;
    await this.#p.recorder.final(record, "rejected", problem);
    return true;
  }

  /** Re-simulates later; rejects with `reason` once the hold time is over. */
  async #hold(record: IntentRecord, reason: IntentReason): Promise<boolean> {
    const now = Date.now();
    const holdUntil = record.holdUntil ?? now + this.#p.holdMs;
    if (now >= holdUntil) await this.#p.recorder.final(record, "rejected", reason);
    else await this.#p.recorder.set(record, { status: "queued", reason, holdUntil });
    return false;
  }
}

/**
 * Whether `record` carries its wallet's creation and the wallet is no wallet of ours yet (no
 * epoch to read): it is sent alone. (An EOA's authorization is carried by a batch too.)
 */
async function creates(record: IntentRecord, context: TickContext): Promise<boolean> {
  if (record.signed.create === undefined) return false;
  return (await context.view.epoch(record.signed.wallet)) === undefined;
}

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
