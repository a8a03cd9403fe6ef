import { getAddress } from "ethers";

import type { IntentPage, IntentRecord, IntentRecordPatch, TransactionRecord } from "../types.js";
import { checkLimit, decodeCursor } from "./cursor.js";
import { RecordNotFoundError } from "./errors.js";
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
import { checkSpendingEntry, firstMinuteSince } from "./rows/spendingRows.js";
import {
  rowToTransaction,
  transactionPatchToColumns,
  transactionToRow,
  type TransactionPatch,
  type TransactionRow,
} from "./rows/transactionRows.js";
import { PostgresDatabase, databaseConnectionError } from "./postgres/connection.js";
import { insertLeasedTransaction } from "./postgres/fencing.js";
import { IntentBatches } from "./postgres/intentBatches.js";
import { PostgresIntentLeases } from "./postgres/leases.js";
import { SpendingBatches } from "./postgres/spendingBatches.js";
import { IntentUpdates } from "./postgres/updateBatches.js";
import { migrate, schemaVersionOf } from "./postgres/migrations.js";
import { PostgresRateCounter } from "./postgres/rates.js";
import {
  INTENT_SQL,
  TRANSACTION_SQL,
  intentValues,
  updateStatement,
} from "./postgres/statements.js";

export {
  DATABASE_URL_VARIABLE,
  databaseConnectionError,
  maskDatabaseUrl,
} from "./postgres/connection.js";
export { POSTGRES_SCHEMA_VERSION } from "./postgres/migrations.js";

/**
 * How to open a `PostgresIntentStore`.
 *
 * @example
 * const options: PostgresIntentStoreOptions = { url: process.env.RELAYER_DATABASE_URL!, holder: relayer.address };
 */
export interface PostgresIntentStoreOptions {
  /** The database's URL, `postgres://user:password@host:port/database`. */
  url: string;
  /** This process's name in the leases: its relayer account's address (any case). */
  holder: string;
  /** How long a lease lasts after it is taken or renewed, in ms; default 15,000. */
  leaseMs?: number;
  /** How many connections the store opens at most; default 10. */
  poolSize?: number;
  /** How long opening a connection may take before it fails, in ms; default 10,000. */
  connectTimeoutMs?: number;
  /** How many parsed signed intents to keep (parsing recomputes the ID); default 10,000. */
  signedCacheSize?: number;
}

/**
 * The `IntentStore` a fleet of relayer processes shares: one Postgres database, with the same
 * rows as `SqliteIntentStore` (through the same row codecs), and `leases` that give each
 * active intent to one process at a time and fence what the others write (`IntentLeases`),
 * and `rates` that count the fleet's submissions together (`PostgresRateCounter`).
 * Each call is its own statement, or its own transaction, on a pool of connections: a write is
 * committed (and durable, with Postgres's default `synchronous_commit`) when its promise
 * resolves, and a read sees every committed write. The schema is versioned (`schema_version`)
 * and migrated on open, by one opener at a time. A pool's broken connection is replaced at the
 * next call: the store outlives a database restart (calls fail while it is down).
 *
 * @example
 * const store = await PostgresIntentStore.open({ url, holder: relayer.address });
 * await store.insert(record); // leased to this relayer
 * const taken = await store.leases.claim(100); // intents whose holder stopped renewing
 * await store.close();
 */
export class PostgresIntentStore implements IntentStore {
  readonly leases: PostgresIntentLeases;
  readonly rates: PostgresRateCounter;
  readonly #db: PostgresDatabase;
  /** The holder, checksummed (as errors name it), and lowercase (as columns keep it). */
  readonly #holder: { address: string; key: string };
  readonly #signed: SignedIntentCache;
  /** The reads and inserts of one turn of the event loop, one statement each kind. */
  readonly #batches: IntentBatches;
  readonly #spending: SpendingBatches;
  readonly #updates: IntentUpdates;

  /**
   * Connects to the database at `url` and migrates it to the current schema. Throws an error
   * naming `RELAYER_DATABASE_URL` (password masked) if it cannot connect, and refuses a
   * database whose schema is newer than this code's.
   *
   * @example
   * const store = await PostgresIntentStore.open({ url, holder: "0xAb…", leaseMs: 15_000 });
   */
  static async open(options: PostgresIntentStoreOptions): Promise<PostgresIntentStore> {
    const { url, leaseMs = 15_000, poolSize = 10, connectTimeoutMs = 10_000 } = options;
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 1) {
      throw new RangeError(`leaseMs must be a positive integer, got ${String(leaseMs)}`);
    }
    const holder = getAddress(options.holder);
    const db = new PostgresDatabase({ url, poolSize, connectTimeoutMs });
    try {
      await db.query("SELECT 1").catch((error: unknown) => {
        throw databaseConnectionError(url, error);
      });
      await db.transaction((client) => migrate(client));
    } catch (error) {
      await db.close();
      throw error;
    }
    return new PostgresIntentStore(db, holder, leaseMs, options.signedCacheSize);
  }

  private constructor(
    db: PostgresDatabase,
    holder: string,
    leaseMs: number,
    signedCacheSize: number | undefined,
  ) {
    this.#db = db;
    this.#holder = { address: holder, key: holder.toLowerCase() };
    this.#batches = new IntentBatches(db, { holder: this.#holder.key, leaseMs });
    this.#spending = new SpendingBatches(db);
    this.#updates = new IntentUpdates(db, this.#holder);
    this.#signed = new SignedIntentCache(signedCacheSize);
    this.leases = new PostgresIntentLeases(db, { holder, leaseMs }, this.#signed);
    this.rates = new PostgresRateCounter(db);
  }

  /** The schema version of the database. */
  async schemaVersion(): Promise<number> {
    return schemaVersionOf(this.#db);
  }

  /** Inserts the intent leased to this holder, until the database's now + `leaseMs`. */
  async insert(record: IntentRecord): Promise<void> {
    const row = intentToRow(record);
    await this.#batches.insert.load(row);
  }

  async get(id: string): Promise<IntentRecord | undefined> {
    const row = await this.#batches.get.load(lookupKey(id));
    return row === undefined ? undefined : rowToIntent(row, this.#signed);
  }

  /**
   * Updates the intent only if this holder leases it (ended or not): else `LeaseLostError`.
   * The same change of several intents in one turn is one statement (`IntentUpdates`).
   */
  async update(id: string, patch: IntentRecordPatch, now: number): Promise<void> {
    await this.#updates.update(lookupKey(id), intentUpdateToColumns(patch, now));
  }

  async listByWallet(
    wallet: string,
    { limit, cursor }: { limit: number; cursor?: string },
  ): Promise<IntentPage> {
    checkLimit(limit);
    const key = lookupKey(wallet);
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const { rows } = await (after === undefined
      ? this.#db.query<IntentRow>(INTENT_SQL.listByWallet, [key, limit + 1])
      : this.#db.query<IntentRow>(INTENT_SQL.listByWalletAfter, [
          key,
          after.createdAt,
          after.id,
          limit + 1,
        ]));
    return intentPage(rows, limit, this.#signed);
  }

  async listActive(): Promise<IntentRecord[]> {
    const { rows } = await this.#db.query<IntentRow>(INTENT_SQL.listActive);
    return rows.map((row) => rowToIntent(row, this.#signed));
  }

  async countPendingByWallet(wallet: string): Promise<number> {
    return this.#batches.countPendingByWallet.load(lookupKey(wallet));
  }

  async countByStatus(): Promise<Record<string, number>> {
    const { rows } = await this.#db.query<{ status: string; count: number }>(
      INTENT_SQL.countByStatus,
    );
    return statusCounts(rows);
  }

  /**
   * Records the transaction as this holder's, only while it leases every intent the transaction
   * carries, live: else `LeaseLostError`, and nothing is recorded.
   */
  async insertTransaction(transaction: TransactionRecord): Promise<void> {
    const row = transactionToRow(transaction);
    await this.#db.transaction((client) =>
      insertLeasedTransaction(client, row, this.#holder.address),
    );
  }

  async updateTransaction(hash: string, patch: TransactionPatch): Promise<void> {
    const key = lookupKey(hash);
    const columns = transactionPatchToColumns(patch);
    const { text, values } =
      Object.keys(columns).length === 0
        ? { text: TRANSACTION_SQL.exists, values: [key] }
        : updateStatement("transactions", columns, { hash: key });
    const { rowCount } = await this.#db.query(text, values);
    if (rowCount === 0) throw new RecordNotFoundError("transaction", key);
  }

  /** This holder's transactions still `pending`, by nonce then sentAt. */
  async listPendingTransactions(): Promise<TransactionRecord[]> {
    const { rows } = await this.#db.query<TransactionRow>(TRANSACTION_SQL.listPending, [
      this.#holder.key,
    ]);
    return rows.map(rowToTransaction);
  }

  /** The highest nonce this holder ever recorded, or undefined. */
  async maxNonce(): Promise<number | undefined> {
    const { rows } = await this.#db.query<{ nonce: number | null }>(TRANSACTION_SQL.maxNonce, [
      this.#holder.key,
    ]);
    return rows[0].nonce ?? undefined;
  }

  /**
   * Adds `entry` to its minute's sums; the entries of one turn of the event loop in one atomic
   * upsert: concurrent adds, of this process or another, all count.
   */
  async addSpending(entry: SpendingEntry): Promise<void> {
    await this.#spending.add.load(checkSpendingEntry(entry));
  }

  async spendingSince(since: number): Promise<bigint> {
    return this.#spending.since.load(firstMinuteSince(since));
  }

  /** Lets the calls in flight finish, then closes every connection. A second call does nothing. */
  async close(): Promise<void> {
    await Promise.all([this.#batches.drain(), this.#spending.drain(), this.#updates.drain()]);
    await this.#db.close();
  }
}
