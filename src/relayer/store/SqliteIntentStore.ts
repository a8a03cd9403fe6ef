import { DatabaseSync, type StatementSync } from "node:sqlite";

import { FINAL_RELAYER_INTENT_STATUSES } from "../../protocol/relayerApi/statuses.js";
import type { IntentPage, IntentRecord, IntentRecordPatch, TransactionRecord } from "../types.js";
import { checkLimit, decodeCursor, toPage } from "./cursor.js";
import { RecordNotFoundError, StoreClosedError, TransactionExistsError } from "./errors.js";
import { IntentExistsError, type IntentStore } from "./IntentStore.js";
import {
  SignedIntentCache,
  expectTime,
  intentUpdateToColumns,
  intentToRow,
  lookupKey,
  rowToIntent,
  rowToTransaction,
  spendingToRow,
  statusCounts,
  sumWei,
  transactionPatchToColumns,
  transactionToRow,
  type IntentRow,
  type SpendingRow,
  type TransactionRow,
} from "./rows.js";

export interface SqliteIntentStoreOptions {
  /** The database file (created if missing), or `":memory:"` for a private in-memory database. */
  path: string;
  /** How long a statement waits for another connection's lock, in ms; default 5,000. */
  busyTimeoutMs?: number;
  /** How many parsed signed intents to keep (parsing recomputes the ID); default 10,000. */
  signedCacheSize?: number;
}

/** A schema change: applied once, in order, inside one transaction with its version row. */
interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * The schema, one migration per version. Never edit an applied migration: add the next one.
 * Bigints are decimal TEXT; IDs, hashes and wallets lowercase; times unix milliseconds.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "intents, relay transactions and spending",
    sql: `
      CREATE TABLE intents (
        id           TEXT    NOT NULL PRIMARY KEY,
        wallet       TEXT    NOT NULL,
        signed       TEXT    NOT NULL,
        status       TEXT    NOT NULL,
        reason       TEXT,
        tx_hash      TEXT,
        block_number TEXT,
        relayed_by   TEXT,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        hold_until   INTEGER
      ) STRICT;
      CREATE INDEX intents_by_wallet ON intents (wallet, created_at DESC, id DESC);
      CREATE INDEX intents_by_status ON intents (status);
      CREATE INDEX intents_active ON intents (created_at, id)
        WHERE status NOT IN ('relayed', 'failed', 'rejected', 'expired');

      CREATE TABLE transactions (
        hash             TEXT    NOT NULL PRIMARY KEY,
        nonce            INTEGER NOT NULL,
        raw              TEXT    NOT NULL,
        intent_ids       TEXT    NOT NULL,
        max_fee          TEXT    NOT NULL,
        max_priority_fee TEXT    NOT NULL,
        sent_at          INTEGER NOT NULL,
        state            TEXT    NOT NULL,
        block_number     TEXT
      ) STRICT;
      CREATE INDEX transactions_by_nonce ON transactions (nonce);
      CREATE INDEX transactions_pending ON transactions (nonce, sent_at, hash) WHERE state = 'pending';

      CREATE TABLE spending (
        at     INTEGER NOT NULL,
        wallet TEXT    NOT NULL,
        wei    TEXT    NOT NULL,
        gas    TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX spending_at ON spending (at);
    `,
  },
  {
    version: 2,
    description: "the non-final intents of each wallet, counted for its pending cap",
    sql: `
      CREATE INDEX intents_pending_by_wallet ON intents (wallet, status)
        WHERE status NOT IN ('relayed', 'failed', 'rejected', 'expired');
    `,
  },
];

/** The schema version this code reads and writes. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** `status NOT IN (...)` of the final statuses, as the `intents_active` index is written. */
const ACTIVE_CONDITION = `status NOT IN (${FINAL_RELAYER_INTENT_STATUSES.map((status) => `'${status}'`).join(", ")})`;

/** SQLITE_CONSTRAINT_PRIMARYKEY, the extended result code of a duplicate primary key. */
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;

/**
 * The embedded default `IntentStore`: one SQLite file through Node's built-in `node:sqlite`, in
 * WAL mode with `synchronous = FULL`, so a write is on disk when its promise resolves and
 * survives a SIGKILL or a power cut. The schema is versioned (`schema_version`) and migrated
 * on open. SQLite is synchronous; every method is async only to fit the interface.
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
  readonly #signed: SignedIntentCache;
  readonly #statements: ReturnType<typeof prepareStatements>;
  /** `UPDATE` statements by the set of columns they write. */
  readonly #updates = new Map<string, StatementSync>();
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
  constructor({ path, busyTimeoutMs = 5_000, signedCacheSize }: SqliteIntentStoreOptions) {
    this.path = path;
    this.#db = new DatabaseSync(path, { timeout: busyTimeoutMs });
    try {
      configure(this.#db);
      migrate(this.#db);
      this.#statements = prepareStatements(this.#db);
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.#signed = new SignedIntentCache(signedCacheSize);
  }

  /** The schema version of the open database. */
  async schemaVersion(): Promise<number> {
    return schemaVersionOf(this.#open());
  }

  async insert(record: IntentRecord): Promise<void> {
    this.#open();
    const row = intentToRow(record);
    try {
      this.#statements.insertIntent.run({ ...row });
    } catch (error) {
      if (isPrimaryKeyViolation(error)) throw new IntentExistsError(row.id);
      throw error;
    }
  }

  async get(id: string): Promise<IntentRecord | undefined> {
    this.#open();
    const row = this.#statements.getIntent.get(lookupKey(id)) as IntentRow | undefined;
    return row === undefined ? undefined : rowToIntent(row, this.#signed);
  }

  async update(id: string, patch: IntentRecordPatch, now: number): Promise<void> {
    const db = this.#open();
    const key = lookupKey(id);
    const columns = intentUpdateToColumns(patch, now);
    const { changes } = this.#update(db, "intents", "id", columns).run({ ...columns, key });
    if (changes === 0) throw new RecordNotFoundError("intent", key);
  }

  async listByWallet(
    wallet: string,
    { limit, cursor }: { limit: number; cursor?: string },
  ): Promise<IntentPage> {
    this.#open();
    checkLimit(limit);
    const walletKey = lookupKey(wallet);
    let rows: IntentRow[];
    if (cursor === undefined) {
      rows = this.#statements.listByWallet.all(walletKey, limit + 1) as unknown as IntentRow[];
    } else {
      const after = decodeCursor(cursor);
      rows = this.#statements.listByWalletAfter.all(
        walletKey,
        after.createdAt,
        after.id,
        limit + 1,
      ) as unknown as IntentRow[];
    }
    const { items, nextCursor } = toPage(rows, limit, (row) => ({
      createdAt: row.created_at,
      id: row.id,
    }));
    return {
      intents: items.map((row) => rowToIntent(row, this.#signed)),
      ...(nextCursor === undefined ? {} : { nextCursor }),
    };
  }

  async listActive(): Promise<IntentRecord[]> {
    this.#open();
    const rows = this.#statements.listActive.all() as unknown as IntentRow[];
    return rows.map((row) => rowToIntent(row, this.#signed));
  }

  /** One COUNT over the partial index `intents_pending_by_wallet`: no final intent is read. */
  async countPendingByWallet(wallet: string): Promise<number> {
    this.#open();
    const { count } = this.#statements.countPendingByWallet.get(lookupKey(wallet)) as {
      count: number;
    };
    return count;
  }

  async countByStatus(): Promise<Record<string, number>> {
    this.#open();
    return statusCounts(
      this.#statements.countByStatus.all() as unknown as { status: string; count: number }[],
    );
  }

  async insertTransaction(transaction: TransactionRecord): Promise<void> {
    this.#open();
    const row = transactionToRow(transaction);
    try {
      this.#statements.insertTransaction.run({ ...row });
    } catch (error) {
      if (isPrimaryKeyViolation(error)) throw new TransactionExistsError(row.hash);
      throw error;
    }
  }

  async updateTransaction(
    hash: string,
    patch: Partial<Pick<TransactionRecord, "state" | "blockNumber">>,
  ): Promise<void> {
    const db = this.#open();
    const key = lookupKey(hash);
    const columns = transactionPatchToColumns(patch);
    if (Object.keys(columns).length === 0) {
      if (this.#statements.getTransaction.get(key) === undefined) {
        throw new RecordNotFoundError("transaction", key);
      }
      return;
    }
    const { changes } = this.#update(db, "transactions", "hash", columns).run({ ...columns, key });
    if (changes === 0) throw new RecordNotFoundError("transaction", key);
  }

  async listPendingTransactions(): Promise<TransactionRecord[]> {
    this.#open();
    const rows = this.#statements.listPendingTransactions.all() as unknown as TransactionRow[];
    return rows.map(rowToTransaction);
  }

  async maxNonce(): Promise<number | undefined> {
    this.#open();
    const { nonce } = this.#statements.maxNonce.get() as { nonce: number | null };
    return nonce ?? undefined;
  }

  async addSpending(entry: {
    at: number;
    wallet: string;
    weiSpent: bigint;
    gasUsed: bigint;
  }): Promise<void> {
    this.#open();
    this.#statements.addSpending.run({ ...spendingToRow(entry) });
  }

  async spendingSince(since: number): Promise<bigint> {
    this.#open();
    expectTime(since, "since");
    const rows = this.#statements.spendingSince.all(since) as unknown as Pick<SpendingRow, "wei">[];
    return sumWei(rows.map((row) => row.wei));
  }

  /** Closes the database (its WAL is checkpointed into the file). A second call does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#updates.clear();
    this.#signed.clear();
    this.#db.close();
  }

  #open(): DatabaseSync {
    if (this.#closed) throw new StoreClosedError();
    return this.#db;
  }

  /** The `UPDATE table SET <columns> WHERE keyColumn = :key` statement, prepared once per column set. */
  #update(db: DatabaseSync, table: string, keyColumn: string, columns: object): StatementSync {
    const names = Object.keys(columns).sort();
    const cacheKey = `${table}:${names.join(",")}`;
    let statement = this.#updates.get(cacheKey);
    if (statement === undefined) {
      const assignments = names.map((name) => `${name} = :${name}`).join(", ");
      statement = db.prepare(`UPDATE ${table} SET ${assignments} WHERE ${keyColumn} = :key`);
      this.#updates.set(cacheKey, statement);
    }
    return statement;
  }
}

/*//////////////////////////////////////////////////////////////
                         INTERNAL HELPERS
//////////////////////////////////////////////////////////////*/

/** WAL (readers never block the writer) and a full sync at every commit: durable on resolve. */
function configure(db: DatabaseSync): void {
  const { journal_mode: mode } = db.prepare("PRAGMA journal_mode = WAL").get() as {
    journal_mode: string;
  };
  if (mode !== "wal" && mode !== "memory") {
    throw new Error(`SQLite refused WAL journal mode (it is in ${mode} mode)`);
  }
  db.exec("PRAGMA synchronous = FULL");
}

/** Applies the migrations the database lacks, each in one transaction with its version row. */
function migrate(db: DatabaseSync): void {
  inTransaction(db, () => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS schema_version (
        version     INTEGER NOT NULL PRIMARY KEY,
        description TEXT    NOT NULL,
        applied_at  INTEGER NOT NULL
      ) STRICT
    `);
    const current = schemaVersionOf(db);
    if (current > SQLITE_SCHEMA_VERSION) {
      throw new Error(
        `the database's schema is version ${current}, newer than this relayer's ${SQLITE_SCHEMA_VERSION}: upgrade the relayer`,
      );
    }
    const record = db.prepare(
      "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
    );
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.description, Date.now());
    }
  });
}

function schemaVersionOf(db: DatabaseSync): number {
  const { version } = db.prepare("SELECT MAX(version) AS version FROM schema_version").get() as {
    version: number | null;
  };
  return version ?? 0;
}

/** Runs `body` in a write transaction (taken at once, so two openers cannot both migrate). */
function inTransaction<T>(db: DatabaseSync, body: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = body();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // SQLite rolled back already.
    }
    throw error;
  }
}

function prepareStatements(db: DatabaseSync) {
  const intentColumns =
    "id, wallet, signed, status, reason, tx_hash, block_number, relayed_by, created_at, updated_at, hold_until";
  const transactionColumns =
    "hash, nonce, raw, intent_ids, max_fee, max_priority_fee, sent_at, state, block_number";
  const named = (columns: string) =>
    columns
      .split(", ")
      .map((column) => `:${column}`)
      .join(", ");
  return {
    insertIntent: db.prepare(
      `INSERT INTO intents (${intentColumns}) VALUES (${named(intentColumns)})`,
    ),
    getIntent: db.prepare(`SELECT ${intentColumns} FROM intents WHERE id = ?`),
    listByWallet: db.prepare(
      `SELECT ${intentColumns} FROM intents WHERE wallet = ?
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    listByWalletAfter: db.prepare(
      `SELECT ${intentColumns} FROM intents WHERE wallet = ?1 AND (created_at, id) < (?2, ?3)
       ORDER BY created_at DESC, id DESC LIMIT ?4`,
    ),
    listActive: db.prepare(
      `SELECT ${intentColumns} FROM intents WHERE ${ACTIVE_CONDITION} ORDER BY created_at, id`,
    ),
    countPendingByWallet: db.prepare(
      `SELECT COUNT(*) AS count FROM intents WHERE wallet = ? AND ${ACTIVE_CONDITION}`,
    ),
    countByStatus: db.prepare("SELECT status, COUNT(*) AS count FROM intents GROUP BY status"),
    insertTransaction: db.prepare(
      `INSERT INTO transactions (${transactionColumns}) VALUES (${named(transactionColumns)})`,
    ),
    getTransaction: db.prepare("SELECT hash FROM transactions WHERE hash = ?"),
    listPendingTransactions: db.prepare(
      `SELECT ${transactionColumns} FROM transactions WHERE state = 'pending'
       ORDER BY nonce, sent_at, hash`,
    ),
    maxNonce: db.prepare("SELECT MAX(nonce) AS nonce FROM transactions"),
    addSpending: db.prepare(
      "INSERT INTO spending (at, wallet, wei, gas) VALUES (:at, :wallet, :wei, :gas)",
    ),
    spendingSince: db.prepare("SELECT wei FROM spending WHERE at >= ?"),
  };
}

function isPrimaryKeyViolation(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { errcode?: unknown }).errcode === SQLITE_CONSTRAINT_PRIMARYKEY
  );
}
