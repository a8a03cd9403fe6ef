import type { Provider } from "ethers";

import { INTENT_RECEIPT_STATUSES, IntentStatus } from "../../protocol/chain/enums.js";
import { isFinalRelayerIntentStatus } from "../../protocol/relayerApi/statuses.js";
import { classifyRevert } from "../chainReads.js";
import { mapConcurrently } from "../concurrency.js";
import { simulateRelayRoute } from "../creation/simulateRoute.js";
import type { IntentRecord, TransactionRecord } from "../types.js";
import { BlockThrottle } from "./blockThrottle.js";
import { CONCURRENCY, type SchedulerLog } from "./types.js";
import type { WalletView } from "./walletView.js";

/**
 * What the watch needs of the transaction sender: its account, and `cancel`.
 *
 * @example
 * const sender: CancelingSender = transactionSender;
 */
export interface CancelingSender {
  readonly address: string;
  /** Takes `nonce` from its pending transactions with a 0-value self transfer (fees bumped). */
  cancel(nonce: number): Promise<{ hash: string; nonce: number }>;
}

/**
 * What the watch reads and acts with.
 *
 * @example
 * const parameters: InFlightWatchParameters = { provider, recordOf: (id) => store.get(id), sender, log: () => undefined };
 */
export interface InFlightWatchParameters {
  provider: Provider;
  /** The record of an intent: the scheduler's active one, else the store's. */
  recordOf: (id: string) => Promise<IntentRecord | undefined>;
  sender: CancelingSender;
  log: SchedulerLog;
}

/**
 * What a tick read once: the latest block and the chain's "now" (unix seconds).
 *
 * @example
 * const context: WatchContext = await chainHead(provider);
 */
export interface WatchContext {
  blockNumber: number;
  now: bigint;
  /** What the wallets say (kept state, or the node). */
  view: WalletView;
}

/**
 * Watches the relay transactions in flight (sent, not yet mined): one that can no longer relay
 * any of its intents, because each expired, was relayed by someone else, canceled, invalidated
 * by its owner's `invalidateAllIntents`, or lost its signature (a session revoked, a module
 * uninstalled), is cancelled with a self transfer at its nonce, so it never mines and reverts
 * at the relayer's cost, and the later nonces move. Its intents stay `submitted` until the
 * sender reports the nonce taken (`dropped`, reason `canceled`); the scheduler then records
 * what became of them. Each intent is simulated at most once per block.
 *
 * @example
 * const watch = new InFlightWatch({ provider, recordOf: (id) => store.get(id), sender, log });
 * await watch.check(await store.listPendingTransactions(), await chainHead(provider));
 */
export class InFlightWatch {
  readonly #p: InFlightWatchParameters;
  readonly #simulated = new BlockThrottle();

  constructor(parameters: InFlightWatchParameters) {
    this.#p = parameters;
  }

  /** Checks every relay transaction of `pending` whose nonce is still open; cancels the dead ones. */
  async check(pending: TransactionRecord[], context: WatchContext): Promise<void> {
    const relays = relaysInFlight(pending);
    this.#simulated.retainOnly(relays.flatMap((relay) => relay.intentIds));
    if (relays.length === 0) return;
    // Nonces below this one are used (mined at the block simulated): the sender settles them.
    const minedCount = await this.#p.provider.getTransactionCount(
      this.#p.sender.address,
      context.blockNumber,
    );
    const open = relays.filter((relay) => relay.nonce >= minedCount);
    await mapConcurrently(open, CONCURRENCY, (relay) =>
      this.#checkRelay(relay, context).catch((error: unknown) =>
        this.#p.log("warn", "could not check a relay transaction in flight; retried next tick", {
          hash: relay.hash,
          nonce: relay.nonce,
          error: String(error),
        }),
      ),
    );
  }

  /** Cancels `relay` when none of its intents can still be relayed by it. */
  async #checkRelay(relay: TransactionRecord, context: WatchContext): Promise<void> {
    const reasons: Record<string, string> = {};
    for (const id of relay.intentIds) {
      const reason = await this.#deadReason(id, context);
      if (reason === undefined) return; // one of its intents may still be relayed by it
      reasons[id] = reason;
    }
    const cancel = await this.#p.sender.cancel(relay.nonce);
    this.#p.log("warn", "relay transaction canceled: it can no longer relay its intents", {
      hash: relay.hash,
      nonce: relay.nonce,
      cancelHash: cancel.hash,
      reasons,
    });
  }

  /** Why intent `id` can no longer be relayed, or `undefined` if it may still be. */
  async #deadReason(id: string, context: WatchContext): Promise<string | undefined> {
    const record = await this.#p.recordOf(id);
    if (record === undefined) return "not stored";
    if (isFinalRelayerIntentStatus(record.status)) return `already ${record.status}`;
    const { intent, wallet } = record.signed;
    if (intent.expiration <= context.now) return `expired at ${intent.expiration}`;
    const known = await this.#knownDead(record, context);
    if (known !== undefined) return known;
    // Its batch or relay was simulated when sent (a tick ago at most): simulated again only
    // after a block that changed its wallet's owner or modules (every block if the view can't tell).
    this.#simulated.assumeChecked(id, context.blockNumber - 1);
    const changedAt = await context.view.changedAt(wallet);
    if (!this.#simulated.dueSince(id, context.blockNumber, changedAt)) return undefined;
    return this.#refusedBySimulation(record, context);
  }

  /** Consumed on its wallet (relayed elsewhere, canceled), or invalidated: what the view knows. */
  async #knownDead(
    record: IntentRecord,
    { view, blockNumber }: WatchContext,
  ): Promise<string | undefined> {
    const { wallet } = record.signed;
    // At the block the open nonces were counted at: a relay mined later may be this one.
    const { status } = await view.status(wallet, record.id, blockNumber);
    if (status !== IntentStatus.None)
      return `its wallet's receipt says ${INTENT_RECEIPT_STATUSES[Number(status)]}`;
    const epoch = await view.epoch(wallet);
    const signedFor = record.signed.epoch ?? 0n;
    if (epoch !== undefined && epoch > signedFor)
      return `invalidated: the wallet is at epoch ${epoch}`;
    return undefined;
  }

  /**
   * The revert of its relay simulated at the block, when final for good (a signature that no
   * longer holds, and what the view could not know); anything else may still change.
   */
  async #refusedBySimulation(
    record: IntentRecord,
    context: WatchContext,
  ): Promise<string | undefined> {
    const { provider, sender } = this.#p;
    const simulation = await simulateRelayRoute(
      provider,
      record.signed,
      sender.address,
      context.blockNumber,
    );
    if (simulation.kind === "ok") return undefined;
    if (classifyRevert(simulation.error).kind !== "refuse") return undefined;
    // Dead for good: found again next tick, should the cancel fail and have to be retried.
    this.#simulated.forget(record.id);
    return simulation.reason.message;
  }
}

/**
 * The newest transaction of each nonce of `pending`, when it relays intents: a nonce whose
 * newest transaction relays none (a filler, or a cancel under way) is left alone.
 *
 * @example
 * const relays = relaysInFlight(await store.listPendingTransactions());
 */
export function relaysInFlight(pending: TransactionRecord[]): TransactionRecord[] {
  const newest = new Map<number, TransactionRecord>();
  for (const transaction of pending) {
    const known = newest.get(transaction.nonce);
    if (known === undefined || transaction.sentAt >= known.sentAt) {
      newest.set(transaction.nonce, transaction);
    }
  }
  return [...newest.values()].filter((transaction) => transaction.intentIds.length > 0);
}
