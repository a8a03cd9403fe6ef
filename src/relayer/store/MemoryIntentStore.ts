import { isFinalRelayerIntentStatus } from "../../protocol/relayerApi/statuses.js";
import type { IntentPage, IntentRecord, IntentRecordPatch, TransactionRecord } from "../types.js";
import {
  checkLimit,
  compareNewestFirst,
  compareOldestFirst,
  decodeCursor,
  isAfterCursor,
  toPage,
  type CursorPosition,
} from "./cursor.js";
import { RecordNotFoundError, StoreClosedError, TransactionExistsError } from "./errors.js";
import { IntentExistsError, type IntentStore, type SpendingEntry } from "./IntentStore.js";
import { MemorySpendingMinutes } from "./memorySpendingMinutes.js";
import { lookupKey } from "./rows/columns.js";
import {
  intentToRow,
  intentUpdateToColumns,
  rowToIntent,
  statusCounts,
  type IntentRow,
} from "./rows/intentRows.js";
import { SignedIntentCache } from "./rows/signedIntentCache.js";
import { checkSpendingEntry, firstMinuteSince } from "./rows/spendingRows.js";
import {
  rowToTransaction,
  transactionPatchToColumns,
  transactionToRow,
  type TransactionPatch,
  type TransactionRow,
} from "./rows/transactionRows.js";

/**
 * How to make a `MemoryIntentStore`.
 *
 * @example
 * const store = new MemoryIntentStore({ signedCacheSize: 100, spendingMinutesKept: 60 });
 */
export interface MemoryIntentStoreOptions {
  /** How many parsed signed intents to keep (parsing recomputes the ID); default 10,000. */
  signedCacheSize?: number;
  /**
   * How many minutes of spending to keep, the newest; default a week (10,080). A
   * `spendingSince` further back misses the minutes dropped.
   */
  spendingMinutesKept?: number;
}

/**
 * An `IntentStore` in memory, for tests and benchmarks: nothing survives the process. It keeps
 * the same rows as `SqliteIntentStore` (through the same conversions), so it validates,
 * normalizes, orders and pages exactly as the embedded default does.
 *
 * @example
 * const store = new MemoryIntentStore();
 * await store.insert(record);
 * const { intents, nextCursor } = await store.listByWallet(wallet, { limit: 50 });
 */
export class MemoryIntentStore implements IntentStore {
  readonly #intents = new Map<string, IntentRow>();
  /** Intent IDs by lowercase wallet. */
  readonly #byWallet = new Map<string, Set<string>>();
  readonly #transactions = new Map<string, TransactionRow>();
  readonly #spending: MemorySpendingMinutes;
  readonly #signed: SignedIntentCache;
  #closed = false;

  constructor({ signedCacheSize, spendingMinutesKept }: MemoryIntentStoreOptions = {}) {
    this.#signed = new SignedIntentCache(signedCacheSize);
    this.#spending = new MemorySpendingMinutes(spendingMinutesKept);
  }

  async insert(record: IntentRecord): Promise<void> {
    this.#open();
    const row = intentToRow(record);
    if (this.#intents.has(row.id)) throw new IntentExistsError(row.id);
    this.#intents.set(row.id, row);
    let ids = this.#byWallet.get(row.wallet);
    if (ids === undefined) this.#byWallet.set(row.wallet, (ids = new Set()));
    ids.add(row.id);
  }

  async get(id: string): Promise<IntentRecord | undefined> {
    this.#open();
    const row = this.#intents.get(lookupKey(id));
    return row === undefined ? undefined : rowToIntent(row, this.#signed);
  }

  async update(id: string, patch: IntentRecordPatch, now: number): Promise<void> {
    this.#open();
    const key = lookupKey(id);
    const columns = intentUpdateToColumns(patch, now);
    const row = this.#intents.get(key);
    if (row === undefined) throw new RecordNotFoundError("intent", key);
    this.#intents.set(key, { ...row, ...columns });
  }

  async listByWallet(
    wallet: string,
    { limit, cursor }: { limit: number; cursor?: string },
  ): Promise<IntentPage> {
    this.#open();
    checkLimit(limit);
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows: IntentRow[] = [];
    for (const id of this.#byWallet.get(lookupKey(wallet)) ?? []) {
      const row = this.#intents.get(id) as IntentRow;
      if (after === undefined || isAfterCursor(positionOf(row), after)) rows.push(row);
    }
    rows.sort((a, b) => compareNewestFirst(positionOf(a), positionOf(b)));
    const { items, nextCursor } = toPage(rows.slice(0, limit + 1), limit, positionOf);
    return {
      intents: items.map((row) => rowToIntent(row, this.#signed)),
      ...(nextCursor === undefined ? {} : { nextCursor }),
    };
  }

  async listActive(): Promise<IntentRecord[]> {
    this.#open();
    return [...this.#intents.values()]
      .filter((row) => !isFinalRelayerIntentStatus(row.status))
      .sort((a, b) => compareOldestFirst(positionOf(a), positionOf(b)))
      .map((row) => rowToIntent(row, this.#signed));
  }

  async countPendingByWallet(wallet: string): Promise<number> {
    this.#open();
    let count = 0;
    for (const id of this.#byWallet.get(lookupKey(wallet)) ?? []) {
      if (!isFinalRelayerIntentStatus((this.#intents.get(id) as IntentRow).status)) count += 1;
    }
    return count;
  }

  async countByStatus(): Promise<Record<string, number>> {
    this.#open();
    const counts = new Map<string, number>();
    for (const { status } of this.#intents.values()) {
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
    return statusCounts([...counts].map(([status, count]) => ({ status, count })));
  }

  async insertTransaction(transaction: TransactionRecord): Promise<void> {
    this.#open();
    const row = transactionToRow(transaction);
    if (this.#transactions.has(row.hash)) throw new TransactionExistsError(row.hash);
    this.#transactions.set(row.hash, row);
  }

  async updateTransaction(hash: string, patch: TransactionPatch): Promise<void> {
    this.#open();
    const key = lookupKey(hash);
    const columns = transactionPatchToColumns(patch);
    const row = this.#transactions.get(key);
    if (row === undefined) throw new RecordNotFoundError("transaction", key);
    this.#transactions.set(key, { ...row, ...columns });
  }

  async listPendingTransactions(): Promise<TransactionRecord[]> {
    this.#open();
    return [...this.#transactions.values()]
      .filter((row) => row.state === "pending")
      .sort(
        (a, b) =>
          a.nonce - b.nonce ||
          a.sent_at - b.sent_at ||
          (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0),
      )
      .map(rowToTransaction);
  }

  async maxNonce(): Promise<number | undefined> {
    this.#open();
    let max: number | undefined;
    for (const { nonce } of this.#transactions.values()) {
      if (max === undefined || nonce > max) max = nonce;
    }
    return max;
  }

  async addSpending(entry: SpendingEntry): Promise<void> {
    this.#open();
    this.#spending.add(checkSpendingEntry(entry));
  }

  async spendingSince(since: number): Promise<bigint> {
    this.#open();
    return this.#spending.sumSince(firstMinuteSince(since));
  }

  /** Every later call throws a `StoreClosedError`; a second `close` does nothing. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}

function positionOf(row: IntentRow): CursorPosition {
  return { createdAt: row.created_at, id: row.id };
}
