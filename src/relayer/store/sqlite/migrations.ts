import type { DatabaseSync } from "node:sqlite";

import { minuteStartOf } from "../rows/spendingRows.js";
import { inTransaction } from "./connection.js";

/**
 * A schema change: applied once, in order, inside one transaction with its version row. `sql`
 * runs first; `then` (if any) does what SQL cannot, such as sums of decimal-text bigints.
 */
interface Migration {
  version: number;
  description: string;
  sql: string;
  then?: (db: DatabaseSync) => void;
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
  {
    version: 3,
    description: "spending as running sums per minute, so a budget reads minutes, not relays",
    sql: `
      CREATE TABLE spending_minutes (
        minute_start INTEGER NOT NULL PRIMARY KEY,
        wei          TEXT    NOT NULL,
        gas          TEXT    NOT NULL,
        spends       INTEGER NOT NULL
      ) STRICT;
    `,
    then: foldSpendingIntoMinutes,
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
 * Applies the migrations the database lacks, up to `toVersion` (the current schema unless an
 * older one is asked for, as a test of a migration does), all in one write transaction taken
 * at once (so two openers cannot both migrate), each with its version row. Throws, changing
 * nothing, for a database newer than this code, or if a migration fails.
 *
 * @example
 * migrate(new DatabaseSync("relayer.sqlite"));
 */
export function migrate(db: DatabaseSync, toVersion = SQLITE_SCHEMA_VERSION): void {
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
      if (migration.version > current && migration.version <= toVersion) apply(db, migration);
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
  migration.then?.(db);
  db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)").run(
    migration.version,
    migration.description,
    Date.now(),
  );
}

/**
 * Version 3: adds every entry of the `spending` table to its minute of `spending_minutes`, then
 * drops `spending` (the budget counts the same wei; the wallet of each entry was never read).
 * Streams the entries, so memory grows with the minutes, not the entries.
 */
function foldSpendingIntoMinutes(db: DatabaseSync): void {
  const minutes = new Map<number, { wei: bigint; gas: bigint; spends: number }>();
  const entries = db.prepare("SELECT at, wei, gas FROM spending").iterate() as Iterable<{
    at: number;
    wei: string;
    gas: string;
  }>;
  for (const { at, wei, gas } of entries) {
    const start = minuteStartOf(at);
    const sums = minutes.get(start) ?? { wei: 0n, gas: 0n, spends: 0 };
    minutes.set(start, {
      wei: sums.wei + BigInt(wei),
      gas: sums.gas + BigInt(gas),
      spends: sums.spends + 1,
    });
  }
  const insert = db.prepare(
    "INSERT INTO spending_minutes (minute_start, wei, gas, spends) VALUES (?, ?, ?, ?)",
  );
  for (const [start, { wei, gas, spends }] of minutes) {
    insert.run(start, wei.toString(), gas.toString(), spends);
  }
  db.exec("DROP TABLE spending");
}
