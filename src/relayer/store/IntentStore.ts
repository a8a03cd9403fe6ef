import type { RateCounter } from "../rates/RateCounter.js";
import type { IntentPage, IntentRecord, IntentRecordPatch, TransactionRecord } from "../types.js";
import type { IntentLeases } from "./leases.js";

/**
 * Where the relayer keeps accepted intents and its own transactions, so that a crash or a
 * restart loses nothing and relays nothing twice. Every method is async so a shared database
 * can replace the embedded default (`SqliteIntentStore`). Writes are durable when the returned
 * promise resolves; a read sees every write whose promise resolved before it was called (a
 * write still in flight may or may not be seen).
 *
 * @example
 * const store: IntentStore = await SqliteIntentStore.open({ path: "relayer.sqlite" });
 * await store.insert(record);
 * await store.get(record.id); // the record
 * await inserted; // now on disk
 */
export interface IntentStore {
  /** Adds a newly accepted intent; throws `IntentExistsError` if its ID is known already. */
  insert(record: IntentRecord): Promise<void>;
  /** The record of intent `id` (any hex case), if accepted. */
  get(id: string): Promise<IntentRecord | undefined>;
  /** Changes the mutable fields of intent `id`, and `updatedAt` to `now`. */
  update(id: string, patch: IntentRecordPatch, now: number): Promise<void>;
  /** The intents of `wallet`, newest first (createdAt, then id), `limit` per page. */
  listByWallet(wallet: string, options: { limit: number; cursor?: string }): Promise<IntentPage>;
  /** Every intent whose status is not final, oldest first. */
  listActive(): Promise<IntentRecord[]>;
  /** How many intents of `wallet` (any address case) have a status that is not final. */
  countPendingByWallet(wallet: string): Promise<number>;
  /** How many intents have each status. */
  countByStatus(): Promise<Record<string, number>>;

  /** Records a relay transaction BEFORE it is broadcast (or a replacement of one). */
  insertTransaction(transaction: TransactionRecord): Promise<void>;
  /** Changes a transaction's state (and block). */
  updateTransaction(
    hash: string,
    patch: Partial<Pick<TransactionRecord, "state" | "blockNumber">>,
  ): Promise<void>;
  /** Transactions still `pending`, by nonce then sentAt. */
  listPendingTransactions(): Promise<TransactionRecord[]>;
  /** The highest nonce ever recorded, or undefined. */
  maxNonce(): Promise<number | undefined>;

  /**
   * Records the gas a mined relay cost, at `at` (unix ms), for the spending policy. Stores keep
   * running sums per minute (`SPENDING_MINUTE_MS`), not each entry.
   */
  addSpending(entry: SpendingEntry): Promise<void>;
  /**
   * The wei spent by relays recorded at or after `since` (unix ms), counted in whole minutes:
   * the minute that holds `since` counts whole, so the answer may exceed the exact sum by what
   * was spent in that minute before `since` (at most one minute's spending), which only makes
   * the budget stricter. Reads at most (now - since) / 1 minute sums, however many relays.
   */
  spendingSince(since: number): Promise<bigint>;

  /**
   * The fleet's leases, when the store is shared by several relayer processes (Postgres);
   * `undefined` for a store that one process owns whole (SQLite, memory).
   */
  readonly leases?: IntentLeases;

  /**
   * The rate counter of the fleet, when the store is shared (Postgres): every process counts a
   * client's or a wallet's submissions in it, so a limit holds for the fleet as a whole;
   * `undefined` for a store that one process owns whole (it counts in memory).
   */
  readonly rates?: RateCounter;

  /** Finishes the writes called so far, then releases the store: any later call throws. */
  close(): Promise<void>;
}

/**
 * The gas one mined relay cost, as `addSpending` records it.
 *
 * @example
 * const entry: SpendingEntry = { at: Date.now(), wallet, weiSpent: gasUsed * gasPrice, gasUsed };
 */
export interface SpendingEntry {
  /** When it was mined (recorded), unix ms. */
  at: number;
  /** The wallet whose intent the gas relayed (checked; stores do not keep it). */
  wallet: string;
  weiSpent: bigint;
  gasUsed: bigint;
}

/**
 * `insert` of an ID the store already holds.
 *
 * @example
 * if (error instanceof IntentExistsError) return await store.get(error.id);
 */
export class IntentExistsError extends Error {
  constructor(readonly id: string) {
    super(`intent ${id} is already stored`);
    this.name = "IntentExistsError";
  }
}
