import { expect } from "chai";
import { getAddress, id as keccakId } from "ethers";
import pg from "pg";

import { FINAL_RELAYER_INTENT_STATUSES } from "../../src/protocol/relayerApi/statuses.js";
import {
  POSTGRES_SCHEMA_VERSION,
  PostgresIntentStore,
  StoreClosedError,
  maskDatabaseUrl,
} from "../../src/relayer/store/index.js";
import { LEASE_SQL } from "../../src/relayer/store/postgres/leases.js";
import { INTENT_SQL, TRANSACTION_SQL } from "../../src/relayer/store/postgres/statements.js";
import type { TransactionRecord } from "../../src/relayer/types.js";
import { freePort } from "../helpers/hardhatNode.js";
import { unsignedQueuedRecord } from "../helpers/intentStore.js";
import { runSql, usePostgres } from "../helpers/postgres.js";
import { rejectionOf } from "../helpers/rejection.js";

/*
 * Opening a PostgresIntentStore (migrations, connection errors), its indexes, its close, and
 * its life through a database restart. The store's behaviour is in store.test.ts, its leases
 * in storePostgresLeases.test.ts.
 */

const HOLDER = getAddress("0x" + "a1".repeat(20));
const WALLET = getAddress("0x" + "e5".repeat(20));
const T0 = 1_750_000_000_000;
/** The versions of every migration, in order. */
const EVERY_VERSION = Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1);

describe("PostgresIntentStore", function () {
  this.timeout(20_000);

  describe("opening", function () {
    const postgres = usePostgres();
    let url: string;

    beforeEach(async function () {
      url = await postgres().createDatabase();
    });

    it("creates the current schema once, and migrates nothing on reopen", async function () {
      const store = await PostgresIntentStore.open({ url, holder: HOLDER });
      expect(await store.schemaVersion()).to.equal(POSTGRES_SCHEMA_VERSION);
      await store.close();
      await (await PostgresIntentStore.open({ url, holder: HOLDER })).close();
      const rows = await runSql(url, "SELECT version FROM schema_version ORDER BY version");
      expect(rows.map((row) => row.version)).to.deep.equal(EVERY_VERSION);
    });

    it("migrates a version 1 database to version 2, adding the rate counts and keeping its rows", async function () {
      const store = await PostgresIntentStore.open({ url, holder: HOLDER });
      await store.insert(unsignedQueuedRecord({ wallet: WALLET, salt: 1, createdAt: T0 }));
      await store.close();
      // Version 1 had no rate counts: undo what version 2 added.
      await runSql(url, "DROP TABLE rate_windows; DELETE FROM schema_version WHERE version = 2");

      const migrated = await PostgresIntentStore.open({ url, holder: HOLDER });
      try {
        expect(await migrated.schemaVersion()).to.equal(2);
        expect((await migrated.rates.take("client:10.0.0.1", 1, T0)).ok).to.equal(true);
        expect(await migrated.countByStatus()).to.deep.include({ queued: 1 });
      } finally {
        await migrated.close();
      }
    });

    it("lets four stores open a new database at once, each migration applied once", async function () {
      // Catches migrations without the advisory lock: the openers would race to create the
      // same tables, and all but one fail (or record a version twice).
      const stores = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          PostgresIntentStore.open({ url, holder: getAddress("0x" + `${i}`.repeat(40)) }),
        ),
      );
      await Promise.all(stores.map((store) => store.close()));
      const rows = await runSql(url, "SELECT version FROM schema_version ORDER BY version");
      expect(rows.map((row) => row.version)).to.deep.equal(EVERY_VERSION);
    });

    it("refuses a database whose schema is newer than its own, naming both versions", async function () {
      await (await PostgresIntentStore.open({ url, holder: HOLDER })).close();
      const future = POSTGRES_SCHEMA_VERSION + 1;
      await runSql(url, "INSERT INTO schema_version VALUES ($1, 'from the future', 0)", [future]);
      const error = await rejectionOf(PostgresIntentStore.open({ url, holder: HOLDER }));
      expect((error as Error).message).to.include(
        `schema is version ${future}, newer than this relayer's ${POSTGRES_SCHEMA_VERSION}`,
      );
      // The refused store closed its connections.
      const [{ connections }] = await runSql(
        url,
        "SELECT COUNT(*)::int - 1 AS connections FROM pg_stat_activity WHERE datname = current_database()",
      );
      expect(connections).to.equal(0);
    });

    it("names RELAYER_DATABASE_URL with the password masked, and the cause, when it cannot connect", async function () {
      const port = await freePort();
      const refused = await rejectionOf(
        PostgresIntentStore.open({
          url: `postgres://relayer:s3cret@127.0.0.1:${port}/relayer`,
          holder: HOLDER,
        }),
      );
      expect((refused as Error).message).to.equal(
        `cannot connect to the database at RELAYER_DATABASE_URL (postgres://relayer:***@127.0.0.1:${port}/relayer): connect ECONNREFUSED 127.0.0.1:${port}`,
      );
      expect((refused as Error).cause).to.be.instanceOf(Error);
      const wrongPassword = await rejectionOf(
        PostgresIntentStore.open({ url: url.replace(":pw@", ":s3cret@"), holder: HOLDER }),
      );
      expect((wrongPassword as Error).message)
        .to.include("RELAYER_DATABASE_URL (postgres://postgres:***@127.0.0.1:")
        .and.include('password authentication failed for user "postgres"')
        .and.not.include("s3cret");
      expect(maskDatabaseUrl("s3cret@not a url")).to.equal("(not a URL)");
    });

    it("refuses a holder that is not an address and a lease that is not a positive integer", async function () {
      expect(await rejectionOf(PostgresIntentStore.open({ url, holder: "0x1234" }))).to.be.an(
        "error",
      );
      const leaseMs = await rejectionOf(
        PostgresIntentStore.open({ url, holder: HOLDER, leaseMs: 0 }),
      );
      expect(leaseMs).to.be.instanceOf(RangeError);
    });

    it("finishes the calls in flight when closed, then refuses every call", async function () {
      const store = await PostgresIntentStore.open({ url, holder: HOLDER });
      const records = Array.from({ length: 20 }, (_, salt) =>
        unsignedQueuedRecord({ wallet: WALLET, salt, createdAt: T0 }),
      );
      const inserted = Promise.all(records.map((record) => store.insert(record)));
      await store.close();
      await inserted;
      expect(await rejectionOf(store.leases.claim(1))).to.be.instanceOf(StoreClosedError);
      const [{ count }] = await runSql(url, "SELECT COUNT(*)::int AS count FROM intents");
      expect(count).to.equal(20);
    });

    it("keeps the active-intent indexes on exactly the protocol's non-final statuses", async function () {
      await (await PostgresIntentStore.open({ url, holder: HOLDER })).close();
      const rows = await runSql(
        url,
        "SELECT indexname, indexdef FROM pg_indexes WHERE indexdef LIKE '%WHERE (status%' ORDER BY indexname",
      );
      // The migration is frozen: if the final statuses change, a new migration must rebuild
      // these indexes, or the queries of active intents stop using them.
      expect(rows.map((row) => row.indexname)).to.deep.equal([
        "intents_active",
        "intents_by_lease_holder",
        "intents_pending_by_wallet",
      ]);
      for (const { indexdef } of rows) {
        const statuses = /ARRAY\[([^\]]*)\]/.exec(indexdef as string)?.[1].match(/'[a-z_]+'/g);
        expect(statuses?.map((quoted) => quoted.slice(1, -1))).to.deep.equal([
          ...FINAL_RELAYER_INTENT_STATUSES,
        ]);
      }
    });

    it("answers each query from its index", async function () {
      await (await PostgresIntentStore.open({ url, holder: HOLDER })).close();
      const plans = await plansOn(url, [
        [INTENT_SQL.listActive, []],
        [INTENT_SQL.countPendingByWallet, [hexOf(7, 40)]],
        [INTENT_SQL.listByWallet, [hexOf(7, 40), 51]],
        [LEASE_SQL.listHeld, [hexOf(1, 40)]],
        [LEASE_SQL.claim, [hexOf(1, 40), 100, 1_000]],
        [TRANSACTION_SQL.listPending, [hexOf(1, 40)]],
        [TRANSACTION_SQL.maxNonce, [hexOf(1, 40)]],
        [LEASE_SQL.pendingCarrying, [hexOf(1, 40), [hexOf(256, 64)]]],
      ]);
      expect(plans.map((plan) => /(intents|transactions)_[a-z_]+/.exec(plan)?.[0])).to.deep.equal([
        "intents_active",
        "intents_pending_by_wallet",
        "intents_by_wallet",
        "intents_by_lease_holder",
        "intents_active",
        "transactions_pending_by_sender",
        "transactions_by_sender_nonce",
        "transactions_by_intent",
      ]);
    });
  });

  describe("through broken connections", function () {
    const postgres = usePostgres();

    it("fails a call whose connection is killed inside its transaction, and carries on", async function () {
      // Catches a checked-out connection without an error listener: its "error" event, on a
      // connection killed mid-transaction, would end the whole process.
      const url = await postgres().createDatabase();
      const store = await PostgresIntentStore.open({ url, holder: HOLDER });
      const record = unsignedQueuedRecord({ wallet: WALLET, salt: 1, createdAt: T0 });
      const tx: TransactionRecord = {
        hash: keccakId("tx"),
        nonce: 0,
        raw: "0x02",
        intentIds: [record.id],
        maxFeePerGas: 1n,
        maxPriorityFeePerGas: 1n,
        sentAt: T0,
        state: "pending",
      };
      const blocker = new pg.Client({ connectionString: url });
      await blocker.connect();
      try {
        await store.insert(record);
        // Another connection's uncommitted row of the same hash holds the store's insert.
        await blocker.query("BEGIN");
        await blocker.query(
          `INSERT INTO transactions (hash, sender, nonce, raw, intent_ids, max_fee, max_priority_fee, sent_at, state)
           VALUES ($1, 'someone', 0, '0x', '{}', 0, 0, 0, 'pending')`,
          [tx.hash],
        );
        const refusal = rejectionOf(store.insertTransaction(tx));
        let killed = 0;
        while (killed === 0) {
          const [row] = await runSql(
            url,
            `SELECT COUNT(pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          killed = row.killed as number;
        }
        expect(await refusal).to.be.an("error");
        await blocker.query("ROLLBACK");
        await store.insertTransaction(tx);
        expect(await store.listPendingTransactions()).to.deep.equal([tx]);
      } finally {
        await blocker.end();
        await store.close();
      }
    });

    it("fails while the database is down and works again once it is back, without reopening", async function () {
      const url = await postgres().createDatabase();
      const store = await PostgresIntentStore.open({
        url,
        holder: HOLDER,
        connectTimeoutMs: 2_000,
      });
      try {
        const [first, second, third] = [1, 2, 3].map((salt) =>
          unsignedQueuedRecord({ wallet: WALLET, salt, createdAt: T0 + salt }),
        );
        await store.insert(first);
        await postgres().stop();
        expect(await rejectionOf(store.get(first.id))).to.be.an("error");
        expect(await rejectionOf(store.insert(second))).to.be.an("error");
        await postgres().start();
        expect(await store.get(first.id)).to.deep.equal(first);
        await store.insert(third);
        expect((await store.leases.listHeld()).map((record) => record.id)).to.deep.equal([
          first.id,
          third.id,
        ]);
      } finally {
        await store.close();
      }
    });
  });
});

/** `n` in hex, `0x` and `digits` digits: an address (40) or an ID (64), as the fill makes them. */
function hexOf(n: number, digits: number): string {
  return "0x" + n.toString(16).padStart(digits, "0");
}

/**
 * The plans of `statements` on 20,000 intents (1 in 50 active; 3 holders, 100 wallets) and
 * 20,000 transactions (half pending; 3 senders), with sequential scans off: each plan names
 * the index it reads first (the fill's rows are not records the codecs would read).
 */
async function plansOn(url: string, statements: [string, unknown[]][]): Promise<string[]> {
  const hex = (n: string, digits: number) => `'0x' || lpad(to_hex(${n}), ${digits}, '0')`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`INSERT INTO intents
      (id, wallet, signed, status, created_at, updated_at, lease_holder, lease_until)
      SELECT ${hex("i", 64)}, ${hex("i % 100", 40)}, '{}',
        CASE WHEN i % 50 = 0 THEN 'queued' ELSE 'relayed' END, i, i, ${hex("i % 3", 40)}, 0
      FROM generate_series(1, 20000) i`);
    await client.query(`INSERT INTO transactions (hash, sender, nonce, raw, intent_ids, max_fee,
        max_priority_fee, sent_at, state)
      SELECT ${hex("i", 64)}, ${hex("i % 3", 40)}, i, '0x', ARRAY[${hex("i", 64)}], 1, 1, i,
        CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'mined' END
      FROM generate_series(1, 20000) i`);
    await client.query("VACUUM ANALYZE");
    await client.query("SET enable_seqscan = off");
    const plans: string[] = [];
    for (const [sql, values] of statements) {
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, values);
      plans.push(rows.map((row) => row["QUERY PLAN"]).join("\n"));
    }
    return plans;
  } finally {
    await client.end();
  }
}
