import type { IntentPage, IntentRecord, IntentRecordPatch, TransactionRecord } from "../types.js";

/**
 * Where the relayer keeps accepted intents and its own transactions, so that a crash or a
 * restart loses nothing and relays nothing twice. Every method is async so a shared database
 * can replace the embedded default (`SqliteIntentStore`). Writes are durable when the returned
 * promise resolves; a read sees every write called before it, awaited or not.
 *
 * @example
 * const store: IntentStore = await SqliteIntentStore.open({ path: "relayer.sqlite" });
 * const inserted = store.insert(record);
 * await store.get(record.id); // the record, even before `inserted` resolves
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

  /** Gas spent (wei) by transactions mined at or after `since` (unix ms), for the spending policy. */
  addSpending(entry: {
    at: number;
    wallet: string;
    weiSpent: bigint;
    gasUsed: bigint;
  }): Promise<void>;
  spendingSince(since: number): Promise<bigint>;

  /** Finishes the writes called so far, then releases the store: any later call throws. */
  close(): Promise<void>;
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
