import type { DatabaseSync } from "node:sqlite";

import type { IntentPage, IntentRecord, IntentRecordPatch, TransactionRecord } from "../types.js";
import { checkLimit, decodeCursor } from "./cursor.js";
import { RecordNotFoundError, StoreClosedError, TransactionExistsError } from "./errors.js";
import { IntentExistsError, type IntentStore, type SpendingEntry } from "./IntentStore.js";
import { lookupKey } from "./rows/columns.js";
import {
  intentPage,
  intentToRow,
  intentUpdateToColumns,
  rowToIntent,
  statusCounts,
  type IntentRow,
} from "./rows/intentRows.js";
import { SignedIntentCache } from "./rows/signedIntentCache.js";
import {
  addToMinute,
  checkSpendingEntry,
  firstMinuteSince,
  sumWei,
  type SpendingMinuteRow,
} from "./rows/spendingRows.js";
import {
  rowToTransaction,
  transactionPatchToColumns,
  transactionToRow,
  type TransactionPatch,
  type TransactionRow,
} from "./rows/transactionRows.js";
import { openDatabase } from "./sqlite/connection.js";
import { GroupCommit } from "./sqlite/groupCommit.js";
import { migrate, schemaVersionOf } from "./sqlite/migrations.js";
import {
  UpdateStatements,
  prepareIntentStatements,
  prepareSpendingStatements,
  prepareTransactionStatements,
} from "./sqlite/statements.js";

export { SQLITE_SCHEMA_VERSION } from "./sqlite/migrations.js";

/**
 * How to open a `SqliteIntentStore`.
 *
 * @example
 * const options: SqliteIntentStoreOptions = { path: ".relayer/relayer.sqlite", busyTimeoutMs: 10_000 };
 */
export interface SqliteIntentStoreOptions {
  /** The database file (created if missing), or `":memory:"` for a private in-memory database. */
  path: string;
  /** How long a statement waits for another connection's lock, in ms; default 5,000. */
  busyTimeoutMs?: number;
  /** How many parsed signed intents to keep (parsing recomputes the ID); default 10,000. */
  signedCacheSize?: number;
  /** How many writes one transaction holds before it commits within the turn; default 256. */
  maxBatchWrites?: number;
}

/**
 * The embedded default `IntentStore`: one SQLite file through Node's built-in `node:sqlite`, in
 * WAL mode with `synchronous = FULL`, so a write is on disk when its promise resolves and
 * survives a SIGKILL or a power cut. Writes called in the same turn of the event loop commit
 * together, in one transaction (`GroupCommit`): one fsync for the lot, each promise settled
 * after it, each write refused (say `IntentExistsError`) on its own. A read sees the
 * committed writes, those whose promise resolved; it never forces the queued ones to commit
 * early (under load every request reads before it writes: that made a transaction per
 * write). The schema is versioned (`schema_version`) and
 * migrated on open.
 *
 * @example
 * const store = await SqliteIntentStore.open({ path: "relayer.sqlite" });
 * await store.insert(record);
 * const page = await store.listByWallet(wallet, { limit: 50 });
 * await store.close();
 */
export class SqliteIntentStore implements IntentStore {
  /** The database file, as given. */
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #commits: GroupCommit;
  readonly #intents: ReturnType<typeof prepareIntentStatements>;
  readonly #transactions: ReturnType<typeof prepareTransactionStatements>;
  readonly #spending: ReturnType<typeof prepareSpendingStatements>;
  readonly #updates: UpdateStatements;
  readonly #signed: SignedIntentCache;
  #closed = false;

  /**
   * Opens (creating if needed) the database at `path` and migrates it to the current schema.
   *
   * @example
   * const store = await SqliteIntentStore.open({ path: ":memory:" });
   */
  static async open(options: SqliteIntentStoreOptions): Promise<SqliteIntentStore> {
    return new SqliteIntentStore(options);
  }

  /** Like `open`, synchronously; throws if the file cannot be opened or migrated. */
  constructor({ path, busyTimeoutMs = 5_000, ...options }: SqliteIntentStoreOptions) {
    this.path = path;
    this.#db = openDatabase(path, busyTimeoutMs);
    try {
      migrate(this.#db);
      this.#intents = prepareIntentStatements(this.#db);
      this.#transactions = prepareTransactionStatements(this.#db);
      this.#spending = prepareSpendingStatements(this.#db);
      this.#commits = new GroupCommit(this.#db, { maxBatch: options.maxBatchWrites });
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.#updates = new UpdateStatements(this.#db);
    this.#signed = new SignedIntentCache(options.signedCacheSize);
  }

  /** The schema version of the open database. */
  async schemaVersion(): Promise<number> {
    return schemaVersionOf(this.#read());
  }

  async insert(record: IntentRecord): Promise<void> {
    this.#open();
    const row = intentToRow(record);
    return this.#commits.write(() => {
      const { changes } = this.#intents.insertIntent.run({ ...row });
      if (changes === 0) throw new IntentExistsError(row.id);
    });
  }

  async get(id: string): Promise<IntentRecord | undefined> {
    this.#read();
    const row = this.#intents.getIntent.get(lookupKey(id)) as IntentRow | undefined;
    return row === undefined ? undefined : rowToIntent(row, this.#signed);
  }

  async update(id: string, patch: IntentRecordPatch, now: number): Promise<void> {
    this.#open();
    const key = lookupKey(id);
    const columns = intentUpdateToColumns(patch, now);
    const statement = this.#updates.of("intents", "id", columns);
    return this.#commits.write(() => {
      const { changes } = statement.run({ ...columns, key });
      if (changes === 0) throw new RecordNotFoundError("intent", key);
    });
  }

  async listByWallet(
    wallet: string,
    { limit, cursor }: { limit: number; cursor?: string },
  ): Promise<IntentPage> {
    this.#read();
    checkLimit(limit);
    const rows = this.#walletRows(lookupKey(wallet), limit + 1, cursor);
    return intentPage(rows, limit, this.#signed);
  }

  async listActive(): Promise<IntentRecord[]> {
    this.#read();
    const rows = this.#intents.listActive.all() as unknown as IntentRow[];
    return rows.map((row) => rowToIntent(row, this.#signed));
  }

  /** One COUNT over the partial index `intents_pending_by_wallet`: no final intent is read. */
  async countPendingByWallet(wallet: string): Promise<number> {
    this.#read();
    const { count } = this.#intents.countPendingByWallet.get(lookupKey(wallet)) as {
      count: number;
    };
    return count;
  }

  async countByStatus(): Promise<Record<string, number>> {
    this.#read();
    const pairs = this.#intents.countByStatus.all() as unknown as {
      status: string;
      count: number;
    }[];
    return statusCounts(pairs);
  }

  async insertTransaction(transaction: TransactionRecord): Promise<void> {
    this.#open();
    const row = transactionToRow(transaction);
    return this.#commits.write(() => {
      const { changes } = this.#transactions.insertTransaction.run({ ...row });
      if (changes === 0) throw new TransactionExistsError(row.hash);
    });
  }

  async updateTransaction(hash: string, patch: TransactionPatch): Promise<void> {
    this.#open();
    const key = lookupKey(hash);
    const columns = transactionPatchToColumns(patch);
    if (Object.keys(columns).length === 0) {
      return this.#commits.write(() => {
        if (this.#transactions.getTransaction.get(key) === undefined) {
          throw new RecordNotFoundError("transaction", key);
        }
      });
    }
    const statement = this.#updates.of("transactions", "hash", columns);
    return this.#commits.write(() => {
      const { changes } = statement.run({ ...columns, key });
      if (changes === 0) throw new RecordNotFoundError("transaction", key);
    });
  }

  async listPendingTransactions(): Promise<TransactionRecord[]> {
    this.#read();
    const rows = this.#transactions.listPendingTransactions.all() as unknown as TransactionRow[];
    return rows.map(rowToTransaction);
  }

  async maxNonce(): Promise<number | undefined> {
    this.#read();
    const { nonce } = this.#transactions.maxNonce.get() as { nonce: number | null };
    return nonce ?? undefined;
  }

  /** Adds `entry` to the running sums of its minute (one row read, one row written). */
  async addSpending(entry: SpendingEntry): Promise<void> {
    this.#open();
    const spending = checkSpendingEntry(entry);
    return this.#commits.write(() => {
      const minute = this.#spending.getSpendingMinute.get(spending.minuteStart) as
        SpendingMinuteRow | undefined;
      this.#spending.putSpendingMinute.run({ ...addToMinute(minute, spending) });
    });
  }

  /** Sums the minutes from the one holding `since` on: at most (now - since) / 1 minute rows. */
  async spendingSince(since: number): Promise<bigint> {
    this.#read();
    const rows = this.#spending.spendingSince.all(firstMinuteSince(since)) as { wei: string }[];
    return sumWei(rows.map((row) => row.wei));
  }

  /**
   * Commits the writes queued so far, then closes the database (its WAL is checkpointed into
   * the file). A second call does nothing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#commits.flush();
    this.#updates.clear();
    this.#signed.clear();
    this.#db.close();
  }

  /** The open database; a `StoreClosedError` after `close`. */
  #open(): DatabaseSync {
    if (this.#closed) throw new StoreClosedError();
    return this.#db;
  }

  /** The open database, with every queued write committed: what a read may rely on. */
  /**
   * The database for a read. A read sees every committed write (each write whose promise
   * resolved); it does not commit the writes still queued, so that a request's reads do not
   * break the group commit into one transaction per write.
   */
  #read(): DatabaseSync {
    return this.#open();
  }

  /** Up to `limit` rows of `walletKey`'s intents, newest first, after `cursor` if given. */
  #walletRows(walletKey: string, limit: number, cursor: string | undefined): IntentRow[] {
    if (cursor === undefined) {
      return this.#intents.listByWallet.all(walletKey, limit) as unknown as IntentRow[];
    }
    const after = decodeCursor(cursor);
    return this.#intents.listByWalletAfter.all(
      walletKey,
      after.createdAt,
      after.id,
      limit,
    ) as unknown as IntentRow[];
  }
}
