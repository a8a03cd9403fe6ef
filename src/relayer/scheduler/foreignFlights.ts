import type { Provider } from "ethers";

import type { ForeignTransaction, IntentLeases } from "../store/leases.js";
import type { SchedulerLog } from "./types.js";

/** How many intent IDs one store query for foreign transactions carries. */
const IDS_PER_QUERY = 500;

/** How often a foreign transaction still waiting for its nonce is broadcast again, in ms. */
const REBROADCAST_EVERY_MS = 5_000;

/**
 * The intents taken over from another relayer while a transaction it recorded for them may
 * still be mined: they are held, not relayed, until the chain has used that transaction's
 * nonce (then the chain says whether it relayed them). Every transaction is recorded before it
 * is broadcast, and a relayer records one only while it holds the leases of its intents, so
 * the relayer that took the leases over sees every transaction the old holder may have sent.
 * While it waits, it broadcasts the old holder's signed bytes again (a crash may have come
 * before they reached the node): the same nonce, so at most one of them is ever mined.
 *
 * @example
 * const foreign = new ForeignFlights(provider, store.leases, log);
 * await foreign.hold(claimed.map((c) => c.record.id));
 * for (const id of await foreign.settle(followedBlock)) active.wakeId(id);
 * const due = candidates.filter((record) => !foreign.blocks(record.id));
 */
export class ForeignFlights {
  /** Intent ID (lowercase) to the foreign transactions that may still relay it. */
  readonly #blocking = new Map<string, ForeignTransaction[]>();
  /** Transaction hash to when it was last broadcast again. */
  readonly #broadcastAt = new Map<string, number>();

  constructor(
    readonly provider: Provider,
    readonly leases: IntentLeases,
    readonly log: SchedulerLog = () => undefined,
  ) {}

  /** How many intents are held. */
  get size(): number {
    return this.#blocking.size;
  }

  /** Whether intent `id` waits for another relayer's transaction. */
  blocks(id: string): boolean {
    return this.#blocking.has(id.toLowerCase());
  }

  /** Holds those of `ids` that another relayer's pending transaction carries. */
  async hold(ids: string[]): Promise<void> {
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
      const chunk = ids.slice(start, start + IDS_PER_QUERY).map((id) => id.toLowerCase());
      const wanted = new Set(chunk);
      for (const transaction of await this.leases.pendingTransactionsCarrying(chunk)) {
        for (const id of transaction.intentIds.map((i) => i.toLowerCase())) {
          if (wanted.has(id)) this.#add(id, transaction);
        }
      }
    }
  }

  /**
   * Asks the chain, at `blockTag` (the followed block, so that the wallet states the
   * scheduler reads include the outcome), which held transactions' nonces are used: one
   * `eth_getTransactionCount` per sender. Releases the intents none of whose transactions can
   * still be mined, and returns their IDs; broadcasts the others again, at most every 5 s.
   */
  async settle(blockTag: number | "latest"): Promise<string[]> {
    if (this.#blocking.size === 0) return [];
    const used = await this.#usedNonces(blockTag);
    const released: string[] = [];
    for (const [id, transactions] of this.#blocking) {
      const open = transactions.filter((tx) => tx.nonce >= used.get(tx.sender.toLowerCase())!);
      if (open.length > 0) {
        this.#blocking.set(id, open);
        continue;
      }
      this.#blocking.delete(id);
      released.push(id);
    }
    await this.#broadcastAgain();
    if (released.length > 0) this.log("info", "taken-over intents released", { ids: released });
    return released;
  }

  #add(id: string, transaction: ForeignTransaction): void {
    const list = this.#blocking.get(id) ?? [];
    if (!list.some((known) => known.hash === transaction.hash)) list.push(transaction);
    this.#blocking.set(id, list);
    this.log("info", "taken-over intent waits for another relayer's transaction", {
      id,
      hash: transaction.hash,
      sender: transaction.sender,
      nonce: transaction.nonce,
    });
  }

  /** Each blocking sender's count of mined transactions at `blockTag`, by lowercase address. */
  async #usedNonces(blockTag: number | "latest"): Promise<Map<string, number>> {
    const senders = new Set<string>();
    for (const list of this.#blocking.values()) {
      for (const tx of list) senders.add(tx.sender.toLowerCase());
    }
    const counts = await Promise.all(
      [...senders].map((sender) => this.provider.getTransactionCount(sender, blockTag)),
    );
    return new Map([...senders].map((sender, index) => [sender, counts[index]]));
  }

  /** Broadcasts every held transaction again, unless it was broadcast in the last 5 s. */
  async #broadcastAgain(): Promise<void> {
    const now = Date.now();
    const transactions = new Map<string, ForeignTransaction>();
    for (const list of this.#blocking.values())
      for (const tx of list) transactions.set(tx.hash, tx);
    for (const hash of this.#broadcastAt.keys()) {
      if (!transactions.has(hash)) this.#broadcastAt.delete(hash);
    }
    for (const [hash, transaction] of transactions) {
      if (now - (this.#broadcastAt.get(hash) ?? 0) < REBROADCAST_EVERY_MS) continue;
      this.#broadcastAt.set(hash, now);
      // Refused (nonce used, a better replacement pooled): the nonce count settles it.
      await this.provider.broadcastTransaction(transaction.raw).catch(() => undefined);
    }
  }
}
