import type { DatabaseSync } from "node:sqlite";

import { inTransaction } from "./connection.js";

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

/**
 * The schema version this code reads and writes.
 *
 * @example
 * if ((await store.schemaVersion()) !== SQLITE_SCHEMA_VERSION) throw new Error("not migrated");
 */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Applies the migrations the database lacks, all in one write transaction taken at once (so two
 * openers cannot both migrate), each with its version row. Throws, changing nothing, for a
 * database newer than this code, or if a migration fails.
 *
 * @example
 * migrate(new DatabaseSync("relayer.sqlite"));
 */
export function migrate(db: DatabaseSync): void {
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
    for (const migration of MIGRATIONS) {
      if (migration.version > current) apply(db, migration);
    }
  });
}

/**
 * The schema version of `db`: the highest applied migration, 0 for a new database.
 *
 * @example
 * const version = schemaVersionOf(db); // 3
 */
export function schemaVersionOf(db: DatabaseSync): number {
  const { version } = db.prepare("SELECT MAX(version) AS version FROM schema_version").get() as {
    version: number | null;
  };
  return version ?? 0;
}

function apply(db: DatabaseSync, migration: Migration): void {
  db.exec(migration.sql);
  db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)").run(
    migration.version,
    migration.description,
    Date.now(),
  );
}
