import type pg from "pg";

/** A schema change: applied once, in order, in the opener's transaction with its version row. */
interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * The key of the advisory lock a migration holds until its transaction ends, so that of several
 * processes opening one database at once, one migrates and the others then find it migrated.
 */
const MIGRATION_LOCK_KEY = 0x72656c6179; // "relay"

/**
 * The schema, one migration per version. Never edit an applied migration: add the next one.
 * As in SQLite: IDs, hashes and addresses lowercase TEXT (compared bytewise: `COLLATE "C"`),
 * times unix milliseconds (BIGINT); uint256 values NUMERIC(78, 0), and spending sums NUMERIC
 * (a sum of uint256 values may pass 2^256). A lease is its holder (a relayer address) and its
 * end, read on the database's clock; a transaction keeps its sender, and its intents as an
 * array a GIN index finds by any element. A rate count is its key (`client:<ip>`,
 * `wallet:<address>`) and the start of its minute.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "intents with leases, relay transactions by sender, spending by minute",
    sql: `
      CREATE TABLE intents (
        id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
        wallet       TEXT COLLATE "C" NOT NULL,
        signed       TEXT             NOT NULL,
        status       TEXT COLLATE "C" NOT NULL,
        reason       TEXT,
        tx_hash      TEXT COLLATE "C",
        block_number NUMERIC(78, 0),
        relayed_by   TEXT COLLATE "C",
        created_at   BIGINT           NOT NULL,
        updated_at   BIGINT           NOT NULL,
        hold_until   BIGINT,
        lease_holder TEXT COLLATE "C",
        lease_until  BIGINT
      );
      CREATE INDEX intents_by_wallet ON intents (wallet, created_at DESC, id DESC);
      CREATE INDEX intents_by_status ON intents (status);
      CREATE INDEX intents_active ON intents (created_at, id)
        WHERE status NOT IN ('relayed', 'failed', 'rejected', 'expired');
      CREATE INDEX intents_pending_by_wallet ON intents (wallet)
        WHERE status NOT IN ('relayed', 'failed', 'rejected', 'expired');
      CREATE INDEX intents_by_lease_holder ON intents (lease_holder, created_at, id)
        WHERE status NOT IN ('relayed', 'failed', 'rejected', 'expired');

      CREATE TABLE transactions (
        hash             TEXT COLLATE "C"   NOT NULL PRIMARY KEY,
        sender           TEXT COLLATE "C"   NOT NULL,
        nonce            BIGINT             NOT NULL,
        raw              TEXT               NOT NULL,
        intent_ids       TEXT[] COLLATE "C" NOT NULL,
        max_fee          NUMERIC(78, 0)     NOT NULL,
        max_priority_fee NUMERIC(78, 0)     NOT NULL,
        sent_at          BIGINT             NOT NULL,
        state            TEXT COLLATE "C"   NOT NULL,
        block_number     NUMERIC(78, 0)
      );
      CREATE INDEX transactions_by_sender_nonce ON transactions (sender, nonce);
      CREATE INDEX transactions_pending_by_sender ON transactions (sender, nonce, sent_at, hash)
        WHERE state = 'pending';
      CREATE INDEX transactions_by_intent ON transactions USING GIN (intent_ids);

      CREATE TABLE spending_minutes (
        minute_start BIGINT  NOT NULL PRIMARY KEY,
        wei          NUMERIC NOT NULL,
        gas          NUMERIC NOT NULL,
        spends       BIGINT  NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: "rate counts by key per minute, shared by the fleet",
    sql: `
      CREATE TABLE rate_windows (
        key          TEXT COLLATE "C" NOT NULL,
        window_start BIGINT           NOT NULL,
        count        BIGINT           NOT NULL,
        PRIMARY KEY (key, window_start)
      );
      CREATE INDEX rate_windows_by_start ON rate_windows (window_start);
    `,
  },
];

/**
 * The schema version this code reads and writes.
 *
 * @example
 * if ((await store.schemaVersion()) !== POSTGRES_SCHEMA_VERSION) throw new Error("not migrated");
 */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Applies the migrations the database lacks, each with its version row, on `client` in its open
 * transaction, after taking the migration lock (held until that transaction ends: a second
 * opener waits, then finds the work done). Throws, so the transaction changes nothing, for a
 * database newer than this code, or if a migration fails.
 *
 * @example
 * await db.transaction((client) => migrate(client));
 */
export async function migrate(client: pg.ClientBase): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
  await client.query(`
    CREATE TABLE IF NOT EXISTS schema_version (
      version     INTEGER NOT NULL PRIMARY KEY,
      description TEXT    NOT NULL,
      applied_at  BIGINT  NOT NULL
    )
  `);
  const current = await schemaVersionOf(client);
  if (current > POSTGRES_SCHEMA_VERSION) {
    throw new Error(
      `the database's schema is version ${current}, newer than this relayer's ${POSTGRES_SCHEMA_VERSION}: upgrade the relayer`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    await client.query(migration.sql);
    await client.query(
      "INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)",
      [migration.version, migration.description, Date.now()],
    );
  }
}

/**
 * Whatever runs a statement: a connection, a pool, a `PostgresDatabase`.
 *
 * @example
 * const db: Queryable = client;
 */
export interface Queryable {
  query<Row extends pg.QueryResultRow>(text: string): Promise<pg.QueryResult<Row>>;
}

/**
 * The schema version of the database: the highest applied migration, 0 for a new database.
 *
 * @example
 * const version = await schemaVersionOf(client); // 2
 */
export async function schemaVersionOf(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ version: number | null }>(
    "SELECT MAX(version) AS version FROM schema_version",
  );
  return rows[0].version ?? 0;
}
