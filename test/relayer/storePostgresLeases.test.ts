import { expect } from "chai";
import { getAddress, id as keccakId } from "ethers";
import pg from "pg";

import {
  IntentExistsError,
  LeaseLostError,
  PostgresIntentStore,
} from "../../src/relayer/store/index.js";
import type { IntentRecord, TransactionRecord } from "../../src/relayer/types.js";
import { unsignedQueuedRecord } from "../helpers/intentStore.js";
import { runSql, usePostgres } from "../helpers/postgres.js";
import { rejectionOf } from "../helpers/rejection.js";

/*
 * The fleet semantics of leases.ts, with several stores (one per relayer address) on one
 * database, each trying to write what the others lease.
 */

const A = getAddress("0x" + "a1".repeat(20));
const B = getAddress("0x" + "b2".repeat(20));
const C = getAddress("0x" + "c3".repeat(20));
const WALLET = getAddress("0x" + "e5".repeat(20));
const T0 = 1_750_000_000_000;
/** Long enough that no lease ends during a test, unless the test says otherwise. */
const LONG = 60_000;

/** Queued records of WALLET, one per salt, made once (their IDs are computed). */
const records: IntentRecord[] = Array.from({ length: 400 }, (_, salt) =>
  unsignedQueuedRecord({ wallet: WALLET, salt, createdAt: T0 + salt }),
);

function relayTransaction(label: string, intentIds: string[], nonce = 0): TransactionRecord {
  return {
    hash: keccakId(`tx ${label}`),
    nonce,
    raw: "0x02f8aa827a69",
    intentIds,
    maxFeePerGas: 30_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    sentAt: T0,
    state: "pending",
  };
}

/** Whether `store` recorded a transaction carrying `record` (false: refused, lease lost). */
async function recordedBy(
  store: PostgresIntentStore,
  record: IntentRecord,
  label: string,
): Promise<boolean> {
  try {
    await store.insertTransaction(relayTransaction(label, [record.id]));
    return true;
  } catch (error) {
    expect(error).to.be.instanceOf(LeaseLostError);
    return false;
  }
}

/**
 * What `store` would relay after a claim, as a relayer taking over does: the IDs it claimed
 * that no pending transaction of another relayer carries.
 */
async function relayedByClaimer(store: PostgresIntentStore): Promise<Set<string>> {
  const ids = (await store.leases.claim(100)).map(({ record }) => record.id);
  const foreign = await store.leases.pendingTransactionsCarrying(ids);
  const carried = new Set(foreign.flatMap((tx) => tx.intentIds));
  return new Set(ids.filter((id) => !carried.has(id)));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("PostgresIntentStore leases (a fleet on one database)", function () {
  this.timeout(20_000);
  const postgres = usePostgres();
  let url: string;
  let opened: PostgresIntentStore[] = [];

  /** A store of `holder` on this test's database, closed after the test. */
  async function open(holder: string, leaseMs = LONG): Promise<PostgresIntentStore> {
    const store = await PostgresIntentStore.open({ url, holder, leaseMs });
    opened.push(store);
    return store;
  }

  /** How many transactions the database holds, whoever sent them. */
  async function transactionCount(): Promise<number> {
    const [{ count }] = await runSql(url, "SELECT COUNT(*)::int AS count FROM transactions");
    return count as number;
  }

  /** Waits until a connection of this test's database waits for a lock. */
  async function waitForALockWait(): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const [{ waiting }] = await runSql(
        url,
        `SELECT COUNT(*)::int AS waiting FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (waiting === 1) return;
      await sleep(10);
    }
    expect.fail("no connection came to wait for a lock");
  }

  beforeEach(async function () {
    url = await postgres().createDatabase();
  });

  afterEach(async function () {
    await Promise.all(opened.map((store) => store.close()));
    opened = [];
  });

  describe("fencing", function () {
    it("leases an inserted intent to the holder that accepted it", async function () {
      const [a, b] = [await open(A), await open(B)];
      await a.insert(records[0]);
      expect((await a.leases.listHeld()).map((record) => record.id)).to.deep.equal([records[0].id]);
      expect(await b.leases.listHeld()).to.deep.equal([]);
      expect(await b.leases.backlog()).to.deep.equal({
        active: 1,
        unleased: 0,
        byHolder: { [A]: 1 },
      });
    });

    it("refuses another holder's update and insertTransaction with LeaseLostError, and changes nothing", async function () {
      const [a, b] = [await open(A), await open(B)];
      await a.insert(records[0]);
      const update = await rejectionOf(b.update(records[0].id, { status: "expired" }, T0 + 1));
      expect(update).to.be.instanceOf(LeaseLostError);
      expect(update).to.include({ id: records[0].id, holder: B, currentHolder: A });
      const send = await rejectionOf(b.insertTransaction(relayTransaction("b", [records[0].id])));
      expect(send).to.be.instanceOf(LeaseLostError);
      expect(send).to.include({ id: records[0].id, holder: B, currentHolder: A });
      expect(await b.get(records[0].id)).to.deep.equal(records[0]);
      expect(await transactionCount()).to.equal(0);
      expect(await b.maxNonce()).to.equal(undefined);
    });

    it("refuses a transaction if any intent it carries is not leased, naming the first such intent", async function () {
      const [a, b] = [await open(A), await open(B)];
      await a.insert(records[0]);
      await b.insert(records[1]);
      await a.insert(records[2]);
      // Both the lock and the count must cover every ID: checking one would let records[1] go.
      const error = await rejectionOf(
        a.insertTransaction(
          relayTransaction("mixed", [records[0].id, records[1].id, records[2].id]),
        ),
      );
      expect(error).to.include({ id: records[1].id, holder: A, currentHolder: B });
      const unknown = keccakId("an intent no one accepted");
      expect(
        await rejectionOf(a.insertTransaction(relayTransaction("x", [records[0].id, unknown]))),
      ).to.include({ id: unknown, currentHolder: undefined });
      expect(await transactionCount()).to.equal(0);
      // The same intent twice counts once; a filler carries no intent and needs no lease.
      await a.insertTransaction(relayTransaction("twice", [records[0].id, records[0].id], 1));
      await b.insertTransaction(relayTransaction("filler", [], 2));
      expect(await transactionCount()).to.equal(2);
    });

    it("refuses the old holder's insertTransaction and update after a takeover", async function () {
      const a = await open(A, 200);
      const b = await open(B);
      await a.insert(records[0]);
      await sleep(300);
      const [taken] = await b.leases.claim(10);
      expect(taken).to.deep.equal({ record: records[0], previousHolder: A });
      const send = await rejectionOf(a.insertTransaction(relayTransaction("a", [records[0].id])));
      expect(send).to.include({ id: records[0].id, holder: A, currentHolder: B });
      const update = await rejectionOf(a.update(records[0].id, { status: "submitted" }, T0 + 1));
      expect(update).to.include({ id: records[0].id, holder: A, currentHolder: B });
      expect(await a.leases.renew()).to.equal(0);
      await b.update(records[0].id, { status: "submitted" }, T0 + 2);
      await b.insertTransaction(relayTransaction("b", [records[0].id]));
      expect((await b.get(records[0].id))?.status).to.equal("submitted");
      expect(await transactionCount()).to.equal(1);
    });

    it("refuses a transaction on the holder's own ended lease until it renews, but lets it update", async function () {
      // Catches a fence that checks the holder but not the lease's end: a holder that stopped
      // renewing may be taken over at any moment, so it must not broadcast.
      const a = await open(A, 200);
      await a.insert(records[0]);
      await sleep(300);
      const error = await rejectionOf(a.insertTransaction(relayTransaction("a", [records[0].id])));
      expect(error).to.include({ id: records[0].id, holder: A, currentHolder: undefined });
      await a.update(records[0].id, { status: "submitted" }, T0 + 1);
      expect(await a.leases.renew()).to.equal(1);
      await a.insertTransaction(relayTransaction("a", [records[0].id]));
      expect(await transactionCount()).to.equal(1);
    });
  });

  describe("claim and renew", function () {
    it("takes no intent leased alive, not even the holder's own", async function () {
      const [a, b] = [await open(A), await open(B)];
      for (const record of records.slice(0, 3)) await a.insert(record);
      expect(await b.leases.claim(10)).to.deep.equal([]);
      expect(await a.leases.claim(10)).to.deep.equal([]);
      expect(await a.leases.listHeld()).to.have.length(3);
    });

    it("takes the intents no one holds, oldest first, at most `limit`, with no previous holder", async function () {
      const [a, b] = [await open(A), await open(B)];
      for (const record of records.slice(0, 5).reverse()) await a.insert(record);
      await runSql(url, "UPDATE intents SET lease_holder = NULL, lease_until = NULL");
      expect(await b.leases.claim(0)).to.deep.equal([]);
      const first = await b.leases.claim(3);
      expect(first).to.deep.equal(records.slice(0, 3).map((record) => ({ record })));
      expect(await b.leases.claim(10)).to.deep.equal(
        records.slice(3, 5).map((record) => ({ record })),
      );
      expect((await b.leases.listHeld()).map((record) => record.id)).to.deep.equal(
        records.slice(0, 5).map((record) => record.id),
      );
    });

    it("takes an ended lease with its previous holder, and no intent whose status is final", async function () {
      const a = await open(A, 200);
      const b = await open(B);
      for (const record of records.slice(0, 3)) await a.insert(record);
      await a.update(records[1].id, { status: "relayed" }, T0 + 1);
      await sleep(300);
      const taken = await b.leases.claim(10);
      expect(taken).to.deep.equal([
        { record: records[0], previousHolder: A },
        { record: records[2], previousHolder: A },
      ]);
      expect(await a.leases.listHeld()).to.deep.equal([]);
      expect(await b.leases.backlog()).to.deep.equal({
        active: 2,
        unleased: 0,
        byHolder: { [B]: 2 },
      });
    });

    it("never gives one intent to two holders claiming at once (20 rounds over 200 intents)", async function () {
      // Catches a claim whose candidates are not locked (or not skipped when locked): both
      // claimers would pick the same oldest intents and both update them.
      const a = await open(A);
      const b = await open(B);
      for (const record of records.slice(0, 200)) await a.insert(record);
      await runSql(url, "UPDATE intents SET lease_holder = NULL, lease_until = NULL");
      const claimed = { [A]: [] as string[], [B]: [] as string[] };
      for (let round = 0; round < 20; round++) {
        const [byA, byB] = await Promise.all([a.leases.claim(5), b.leases.claim(5)]);
        claimed[A].push(...byA.map(({ record }) => record.id));
        claimed[B].push(...byB.map(({ record }) => record.id));
      }
      const all = [...claimed[A], ...claimed[B]];
      expect(all).to.have.length(200);
      expect(new Set(all).size).to.equal(200);
      expect((await a.leases.listHeld()).map((record) => record.id).sort()).to.deep.equal(
        [...claimed[A]].sort(),
      );
    });

    it("keeps a renewed lease alive past its first end, and lets it be taken once renewing stops", async function () {
      const a = await open(A, 1_000);
      const b = await open(B);
      await a.insert(records[0]);
      await a.insert(records[1]);
      await a.update(records[1].id, { status: "expired" }, T0 + 1);
      await sleep(500);
      expect(await a.leases.renew()).to.equal(1); // the final intent is not renewed
      await sleep(700); // 1.2 s after the insert: past the first end, before the renewed one
      expect(await b.leases.claim(10)).to.deep.equal([]);
      await a.insertTransaction(relayTransaction("a", [records[0].id]));
      await sleep(500);
      expect(await b.leases.claim(10)).to.deep.equal([{ record: records[0], previousHolder: A }]);
    });

    it("skips an intent whose transaction is being recorded, then sees that transaction", async function () {
      // Catches a fence that does not lock the intents it checks: the claim would take the
      // intent while its transaction is on its way in, see no transaction, and relay it too.
      const a = await open(A, 300);
      const b = await open(B);
      await a.insert(records[0]);
      const tx = relayTransaction("held", [records[0].id]);
      // Another connection's uncommitted row of the same hash makes A's insert wait, locks held.
      const blocker = new pg.Client({ connectionString: url });
      await blocker.connect();
      try {
        await blocker.query("BEGIN");
        await blocker.query(
          `INSERT INTO transactions (hash, sender, nonce, raw, intent_ids, max_fee, max_priority_fee, sent_at, state)
           VALUES ($1, 'someone', 0, '0x', '{}', 0, 0, 0, 'pending')`,
          [tx.hash],
        );
        const recording = a.insertTransaction(tx);
        await waitForALockWait();
        await sleep(400); // A's lease ends while it records
        expect(await b.leases.claim(10)).to.deep.equal([]);
        await blocker.query("ROLLBACK");
        await recording;
      } finally {
        await blocker.end();
      }
      expect(await b.leases.claim(10)).to.deep.equal([{ record: records[0], previousHolder: A }]);
      expect(await b.leases.pendingTransactionsCarrying([records[0].id])).to.deep.equal([
        { ...tx, sender: A },
      ]);
    });

    it("either records a transaction the claimer then sees, or refuses it: never both relayed (30 rounds of 10)", async function () {
      // Each round, A's leases on 10 new intents end while A records a transaction for each and
      // B claims. A relays what it recorded; B relays what it claimed and sees no pending
      // transaction of another relayer carrying. Catches a transaction recorded without its
      // lease checked against the claims (the lock that closes the last gap is pinned by the
      // test above: the gap is too short to hit by chance).
      const leaseMs = 40;
      const a = await open(A, leaseMs);
      const b = await open(B);
      const outcomes = { recorded: 0, refused: 0 };
      for (let round = 0; round < 30; round++) {
        const batch = records.slice(round * 10, round * 10 + 10);
        for (const record of batch) await a.insert(record);
        await sleep(leaseMs - 10 + (round % 10) * 2); // from before the leases' end to after
        const [recorded, relayedByB] = await Promise.all([
          Promise.all(batch.map((record, i) => recordedBy(a, record, `${round}.${i}`))),
          relayedByClaimer(b),
        ]);
        for (const [i, record] of batch.entries()) {
          expect(recorded[i] && relayedByB.has(record.id), `${record.id}: relayed twice`).to.equal(
            false,
          );
          outcomes[recorded[i] ? "recorded" : "refused"] += 1;
        }
      }
      // The rounds straddle the leases' end: both sides of the race were run.
      expect(outcomes.recorded, JSON.stringify(outcomes)).to.be.greaterThan(0);
      expect(outcomes.refused, JSON.stringify(outcomes)).to.be.greaterThan(0);
    });
  });

  describe("transactions and spending", function () {
    it("lists each holder's own pending transactions and nonces, and shows others' to a takeover", async function () {
      const [a, b] = [await open(A), await open(B)];
      await a.insert(records[0]);
      await b.insert(records[1]);
      await a.insertTransaction(relayTransaction("a5", [records[0].id], 5));
      await a.insertTransaction(relayTransaction("a6 filler", [], 6));
      await b.insertTransaction(relayTransaction("b9", [records[1].id], 9));
      expect((await a.listPendingTransactions()).map((tx) => tx.nonce)).to.deep.equal([5, 6]);
      expect((await b.listPendingTransactions()).map((tx) => tx.nonce)).to.deep.equal([9]);
      expect(await a.maxNonce()).to.equal(6);
      expect(await b.maxNonce()).to.equal(9);
      const ids = [records[0].id.toUpperCase().replace("0X", "0x"), records[1].id];
      expect(await b.leases.pendingTransactionsCarrying(ids)).to.deep.equal([
        { ...relayTransaction("a5", [records[0].id], 5), sender: A },
      ]);
      expect(await a.leases.pendingTransactionsCarrying([records[0].id])).to.deep.equal([]);
      await a.updateTransaction(relayTransaction("a5", []).hash, {
        state: "mined",
        blockNumber: 7n,
      });
      expect(await b.leases.pendingTransactionsCarrying(ids)).to.deep.equal([]);
    });

    it("sums spending added by three stores at once to one minute exactly (100 each)", async function () {
      // Catches a read-then-write of the minute's sums: concurrent adds would overwrite each other.
      const stores = [await open(A), await open(B), await open(C)];
      await Promise.all(
        stores.flatMap((store, s) =>
          Array.from({ length: 100 }, (_, i) =>
            store.addSpending({
              at: T0 + i,
              wallet: WALLET,
              weiSpent: BigInt(1 + s * 100 + i),
              gasUsed: 21_000n,
            }),
          ),
        ),
      );
      expect(await stores[0].spendingSince(T0)).to.equal(BigInt((300 * 301) / 2));
      const [{ spends, gas }] = await runSql(
        url,
        "SELECT spends::int, gas::text FROM spending_minutes",
      );
      expect({ spends, gas }).to.deep.equal({ spends: 300, gas: String(300 * 21_000) });
    });

    it("lets exactly one of two stores inserting one ID at once succeed (20 rounds)", async function () {
      const [a, b] = [await open(A), await open(B)];
      for (const record of records.slice(0, 20)) {
        const results = await Promise.allSettled([a.insert(record), b.insert(record)]);
        const refused = results.filter((result) => result.status === "rejected");
        expect(refused).to.have.length(1);
        expect((refused[0] as PromiseRejectedResult).reason).to.be.instanceOf(IntentExistsError);
        const winner = results[0].status === "fulfilled" ? A : B;
        expect((await a.leases.backlog()).byHolder[winner]).to.be.greaterThan(0);
      }
      const { byHolder, active } = await a.leases.backlog();
      expect(active).to.equal(20);
      expect((byHolder[A] ?? 0) + (byHolder[B] ?? 0)).to.equal(20);
    });
  });

  describe("backlog", function () {
    it("counts the active intents, those no live lease covers, and each holder's", async function () {
      const a = await open(A);
      const b = await open(B);
      const c = await open(C, 200);
      for (const record of records.slice(0, 3)) await a.insert(record);
      for (const record of records.slice(3, 5)) await b.insert(record);
      await c.insert(records[5]); // its lease ends
      await a.insert(records[6]);
      await runSql(url, "UPDATE intents SET lease_holder = NULL WHERE id = $1", [records[6].id]);
      await a.update(records[0].id, { status: "relayed" }, T0 + 1); // final: not counted
      await sleep(300);
      expect(await a.leases.backlog()).to.deep.equal({
        active: 6,
        unleased: 2,
        byHolder: { [A]: 2, [B]: 2 },
      });
    });
  });
});
