import { DatabaseSync } from "node:sqlite";

import { expect } from "chai";
import { getAddress, id as keccakId } from "ethers";

import {
  IntentExistsError,
  RecordNotFoundError,
  SqliteIntentStore,
  StoreCommitError,
  TransactionExistsError,
} from "../../src/relayer/store/index.js";
import type { IntentRecord, TransactionRecord } from "../../src/relayer/types.js";
import { commitsInWal, temporaryDatabases, unsignedQueuedRecord } from "../helpers/intentStore.js";

const WALLET = getAddress("0x" + "a1".repeat(20));
const T0 = 1_750_000_000_000;
/** SQLITE_BUSY: another connection holds the lock. */
const SQLITE_BUSY = 5;

function records(count: number, firstSalt = 0): IntentRecord[] {
  return Array.from({ length: count }, (_, i) =>
    unsignedQueuedRecord({ wallet: WALLET, salt: firstSalt + i, createdAt: T0 + i }),
  );
}

function transaction(label: string, nonce: number): TransactionRecord {
  return {
    hash: keccakId(`tx ${label}`),
    nonce,
    raw: "0x02f8aa827a69",
    intentIds: [keccakId("some intent")],
    maxFeePerGas: 30_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    sentAt: T0,
    state: "pending",
  };
}

/** How many intents another connection to `path` sees: only committed ones. */
function committedIntents(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS count FROM intents").get() as { count: number }).count;
  } finally {
    db.close();
  }
}

/** The `createdAt` of the record that the triggers of `addTrigger` act on. */
const POISONED_AT = 666;

/** A record the tests' triggers act on. */
function poisoned(): IntentRecord {
  return unsignedQueuedRecord({ wallet: WALLET, salt: 666_666, createdAt: POISONED_AT });
}

/** Runs `sql` (a trigger and what it needs) on the database at `path` through another connection. */
function addTrigger(path: string, sql: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** Each promise's rejection, or "resolved". */
async function outcomes(promises: Promise<unknown>[]): Promise<unknown[]> {
  const settled = await Promise.allSettled(promises);
  return settled.map((result) => (result.status === "fulfilled" ? "resolved" : result.reason));
}

describe("SqliteIntentStore group commit", function () {
  this.timeout(60_000);
  const temporary = temporaryDatabases();
  let path: string;
  let store: SqliteIntentStore;

  beforeEach(async function () {
    path = temporary.path("group");
    store = await SqliteIntentStore.open({ path });
  });

  afterEach(async function () {
    await store.close();
  });

  after(() => temporary.remove());

  it("commits the writes of one turn in one transaction and resolves none before its COMMIT", async function () {
    const before = commitsInWal(path);
    const batch = records(40);
    const writes = [
      ...batch.map((record) => store.insert(record)),
      store.insertTransaction(transaction("a", 1)),
      store.addSpending({ at: T0, wallet: WALLET, weiSpent: 5n, gasUsed: 1n }),
    ];
    expect(committedIntents(path)).to.equal(0);
    const seenWhenFirstResolved = writes[0].then(() => committedIntents(path));
    await Promise.all(writes);
    expect(await seenWhenFirstResolved).to.equal(40);
    expect(commitsInWal(path) - before).to.equal(1);
  });

  it("keeps the writes of a turn in one transaction when reads come between them (a request reads before it writes)", async function () {
    const before = commitsInWal(path);
    const batch = records(20);
    const writes: Promise<unknown>[] = [];
    for (const record of batch) {
      writes.push(store.get(record.id), store.countPendingByWallet(WALLET));
      writes.push(store.insert(record));
    }
    await Promise.all(writes);
    expect(committedIntents(path)).to.equal(20);
    expect(commitsInWal(path) - before).to.equal(1);
  });

  it("rejects only the duplicates among 200 concurrent inserts with IntentExistsError; the others are stored", async function () {
    const [known, ...fresh] = records(200);
    await store.insert(known);
    const duplicateInBatch = { ...fresh[7], status: "rejected" as const };
    const inserts = [known, ...fresh, duplicateInBatch].map((record) => store.insert(record));
    const results = await outcomes(inserts);
    expect(results[0]).to.be.instanceOf(IntentExistsError);
    expect((results[0] as IntentExistsError).id).to.equal(known.id.toLowerCase());
    expect(results.at(-1)).to.be.instanceOf(IntentExistsError);
    expect(results.slice(1, -1).every((result) => result === "resolved")).to.equal(true);
    for (const record of [known, ...fresh]) {
      expect(await store.get(record.id), record.id).to.deep.equal(record);
    }
    expect(committedIntents(path)).to.equal(200);
  });

  it("refuses an unknown intent's update and a known hash on their own, and commits the rest of their batch", async function () {
    const [record, other] = records(2);
    await store.insertTransaction(transaction("known", 1));
    const results = await outcomes([
      store.insert(record),
      store.update(keccakId("unknown"), { status: "relayed" }, T0),
      store.insertTransaction(transaction("known", 2)),
      store.updateTransaction(keccakId("unknown tx"), {}),
      store.update(record.id, { status: "submitted" }, T0 + 1),
      store.insert(other),
    ]);
    expect(results[0]).to.equal("resolved");
    expect(results[1]).to.be.instanceOf(RecordNotFoundError);
    expect(results[2]).to.be.instanceOf(TransactionExistsError);
    expect(results[3]).to.be.instanceOf(RecordNotFoundError);
    expect(results.slice(4)).to.deep.equal(["resolved", "resolved"]);
    expect((await store.get(record.id))?.status).to.equal("submitted");
    expect(await store.get(other.id)).to.deep.equal(other);
    expect((await store.listPendingTransactions()).map((tx) => tx.nonce)).to.deep.equal([1]);
  });

  it("commits within the turn once a batch holds maxBatchWrites writes", async function () {
    const small = await SqliteIntentStore.open({
      path: temporary.path("small"),
      maxBatchWrites: 4,
    });
    try {
      const before = commitsInWal(small.path);
      const inserts = records(6).map((record) => small.insert(record));
      expect(committedIntents(small.path)).to.equal(4);
      await Promise.all(inserts);
      expect(committedIntents(small.path)).to.equal(6);
      expect(commitsInWal(small.path) - before).to.equal(2);
    } finally {
      await small.close();
    }
  });

  it("rejects every write of a batch that cannot commit with StoreCommitError, and stores none", async function () {
    const impatient = await SqliteIntentStore.open({ path, busyTimeoutMs: 20 });
    const locker = new DatabaseSync(path);
    try {
      locker.exec("BEGIN IMMEDIATE");
      const batch = records(3);
      const results = await outcomes([
        ...batch.map((record) => impatient.insert(record)),
        impatient.addSpending({ at: T0, wallet: WALLET, weiSpent: 5n, gasUsed: 1n }),
      ]);
      for (const result of results) {
        expect(result).to.be.instanceOf(StoreCommitError);
        expect((result as StoreCommitError).writes).to.equal(4);
        expect(((result as StoreCommitError).cause as { errcode: number }).errcode).to.equal(
          SQLITE_BUSY,
        );
      }
      locker.exec("ROLLBACK");
      for (const record of batch) expect(await impatient.get(record.id)).to.equal(undefined);
      expect(await impatient.spendingSince(0)).to.equal(0n);
      await impatient.insert(batch[0]);
      expect(await impatient.get(batch[0].id)).to.deep.equal(batch[0]);
    } finally {
      locker.close();
      await impatient.close();
    }
  });

  it("rejects every write of a batch whose COMMIT fails with StoreCommitError, those whose statements ran included", async function () {
    // A deferred foreign key fails at COMMIT, after every statement of the batch succeeded.
    addTrigger(
      path,
      `CREATE TABLE poison_parent (id INTEGER PRIMARY KEY);
       CREATE TABLE poison_child (
         parent INTEGER REFERENCES poison_parent (id) DEFERRABLE INITIALLY DEFERRED
       );
       CREATE TRIGGER poison AFTER INSERT ON intents WHEN NEW.created_at = ${POISONED_AT}
       BEGIN INSERT INTO poison_child (parent) VALUES (1); END;`,
    );
    const batch = [...records(3), poisoned()];
    const results = await outcomes([
      ...batch.map((record) => store.insert(record)),
      store.addSpending({ at: T0, wallet: WALLET, weiSpent: 5n, gasUsed: 1n }),
    ]);
    for (const result of results) {
      expect(result).to.be.instanceOf(StoreCommitError);
      expect((result as StoreCommitError).message).to.match(/FOREIGN KEY constraint failed/);
    }
    for (const record of batch) expect(await store.get(record.id)).to.equal(undefined);
    expect(await store.spendingSince(0)).to.equal(0n);
    expect(committedIntents(path)).to.equal(0);
  });

  it("rejects every write of a batch that a failed statement rolled back, and stores none", async function () {
    addTrigger(
      path,
      `CREATE TRIGGER poison BEFORE INSERT ON intents WHEN NEW.created_at = ${POISONED_AT}
       BEGIN SELECT RAISE(ROLLBACK, 'poisoned record'); END;`,
    );
    const [before, after] = records(2);
    const results = await outcomes([before, poisoned(), after].map((r) => store.insert(r)));
    for (const result of results) {
      expect(result).to.be.instanceOf(StoreCommitError);
      expect((result as StoreCommitError).message).to.match(/poisoned record/);
    }
    expect(committedIntents(path)).to.equal(0);
    await store.insert(before);
    expect(await store.get(before.id)).to.deep.equal(before);
  });

  it("commits the writes queued before close, and resolves them", async function () {
    const batch = records(5);
    const inserts = batch.map((record) => store.insert(record));
    await store.close();
    await Promise.all(inserts);
    const reopened = await SqliteIntentStore.open({ path });
    try {
      for (const record of batch) expect(await reopened.get(record.id)).to.deep.equal(record);
    } finally {
      await reopened.close();
    }
  });

  it("finds every awaited write from a second store opened on the file while the first never closed", async function () {
    const batch = records(30);
    await Promise.all([
      ...batch.map((record) => store.insert(record)),
      store.insertTransaction(transaction("a", 9)),
      store.addSpending({ at: T0, wallet: WALLET, weiSpent: 2n ** 100n, gasUsed: 1n }),
      store.update(batch[0].id, { status: "relayed" }, T0 + 5),
    ]);
    const second = await SqliteIntentStore.open({ path });
    try {
      expect((await second.get(batch[0].id))?.status).to.equal("relayed");
      for (const record of batch.slice(1))
        expect(await second.get(record.id)).to.deep.equal(record);
      expect(await second.maxNonce()).to.equal(9);
      expect(await second.spendingSince(0)).to.equal(2n ** 100n);
    } finally {
      await second.close();
    }
  });
});
