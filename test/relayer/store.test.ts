import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { Wallet, getAddress, id as keccakId } from "ethers";

import {
  IntentExistsError,
  InvalidCursorError,
  MemoryIntentStore,
  PostgresIntentStore,
  RecordNotFoundError,
  SqliteIntentStore,
  StoreClosedError,
  TransactionExistsError,
  type IntentStore,
} from "../../src/relayer/store/index.js";
import type { IntentRecord, TransactionRecord } from "../../src/relayer/types.js";
import { serializeSignedIntent } from "../../src/protocol/intent/json.js";
import {
  FINAL_RELAYER_INTENT_STATUSES,
  RELAYER_INTENT_STATUSES,
} from "../../src/protocol/relayerApi/types.js";
import { signIntent } from "../../src/sdk/intent/signIntent.js";
import type { SignedIntent } from "../../src/protocol/intent/types.js";
import { temporaryDatabases, unsignedQueuedRecord } from "../helpers/intentStore.js";
import { runSql, usePostgres } from "../helpers/postgres.js";
import { rejectionOf } from "../helpers/rejection.js";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const INSERT_FIXTURE = fileURLToPath(new URL("./fixtures/insertIntents.ts", import.meta.url));

const UINT256_MAX = 2n ** 256n - 1n;
const CHAIN_ID = 31337n;
/** Any key works: the store never checks signatures. */
const OWNER = new Wallet("0x" + "11".repeat(32));
const WALLET_A = getAddress("0x" + "a1".repeat(20));
const WALLET_B = getAddress("0x" + "b2".repeat(20));
const TARGET = getAddress("0x" + "c3".repeat(20));
const RELAYER = getAddress("0x" + "d4".repeat(20));
const T0 = 1_750_000_000_000;

/** A real signed intent of `wallet`, with uint256 maxima wherever an intent has an integer. */
async function signedIntent(wallet: string, salt: bigint): Promise<SignedIntent> {
  return signIntent({
    signer: OWNER,
    wallet,
    chainId: CHAIN_ID,
    intent: {
      calls: [
        { to: TARGET, value: UINT256_MAX, data: "0xa9059cbb" + "00".repeat(64) },
        { to: WALLET_B, value: 0n, data: "0x" },
      ],
      dependencies: [{ wallet: WALLET_B, id: keccakId(`dependency ${salt}`) }],
      salt,
      validAfter: 0n,
      expiration: UINT256_MAX,
      maxGasPrice: UINT256_MAX,
      minGasLimit: 100_000n,
    },
  });
}

/** Signed intents are slow to make (~2 ms each): each (wallet, salt) is signed once per run. */
const signedCache = new Map<string, Promise<SignedIntent>>();
function signed(wallet: string, salt: number): Promise<SignedIntent> {
  const key = `${wallet}:${salt}`;
  let promise = signedCache.get(key);
  if (promise === undefined) signedCache.set(key, (promise = signedIntent(wallet, BigInt(salt))));
  return promise;
}

/** A freshly accepted record of `signed`. */
function queued(signed: SignedIntent, createdAt = T0): IntentRecord {
  return {
    id: signed.id,
    wallet: signed.wallet,
    signed,
    status: "queued",
    createdAt,
    updatedAt: createdAt,
  };
}

function txHash(label: string): string {
  return keccakId(`tx ${label}`);
}

/**
 * The intents the suite's transactions carry. A transaction carries intents the store holds: a
 * store with leases (Postgres) records only transactions whose intents it leases.
 */
const CARRIED = [901, 902, 903].map((salt) =>
  unsignedQueuedRecord({ wallet: WALLET_B, salt, createdAt: T0 }),
);

function transaction(overrides: Partial<TransactionRecord> & { hash: string }): TransactionRecord {
  return {
    nonce: 0,
    raw: "0x02f8aa827a69",
    intentIds: [CARRIED[0].id],
    maxFeePerGas: 30_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    sentAt: T0,
    state: "pending",
    ...overrides,
  };
}

/** The ID with its hex digits in upper case (the `0x` stays). */
function upper(hex: string): string {
  return "0x" + hex.slice(2).toUpperCase();
}

/** Every page of `wallet`'s intents at `limit` per page. */
async function allPages(store: IntentStore, wallet: string, limit: number) {
  const pages: { ids: string[]; nextCursor?: string; hasCursorKey: boolean }[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listByWallet(wallet, { limit, cursor });
    pages.push({
      ids: page.intents.map((record) => record.id),
      nextCursor: page.nextCursor,
      hasCursorKey: Object.hasOwn(page, "nextCursor"),
    });
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return pages;
}

/** Sorts records newest first, as `listByWallet` must. */
function newestFirst(records: IntentRecord[]): string[] {
  return [...records]
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((record) => record.id.toLowerCase());
}

/** A deterministic shuffle (mulberry32), so insertion order says nothing about list order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/*//////////////////////////////////////////////////////////////
                      THE SHARED BEHAVIOUR
//////////////////////////////////////////////////////////////*/

/** What every `IntentStore` does; `open` gives a new, empty store. */
export function shouldBehaveLikeAnIntentStore(open: () => Promise<IntentStore>): void {
  let store: IntentStore;

  beforeEach(async function () {
    store = await open();
  });

  afterEach(async function () {
    await store.close();
  });

  describe("intents", function () {
    it("gives back an inserted intent deep-equal, uint256 maxima included", async function () {
      const record: IntentRecord = {
        ...queued(await signed(WALLET_A, 1)),
        status: "submitted",
        reason: { code: "gas_price_too_high", message: "30 gwei > 20 gwei", details: { n: 1 } },
        txHash: txHash("a"),
        blockNumber: UINT256_MAX,
        relayedBy: RELAYER,
        holdUntil: T0 + 60_000,
      };
      await store.insert(record);
      const stored = await store.get(record.id);
      expect(stored).to.deep.equal(record);
      expect(stored!.signed.intent.calls[0].value).to.equal(UINT256_MAX);
      expect(stored!.blockNumber).to.equal(UINT256_MAX);
    });

    it("leaves out every optional field that was never set", async function () {
      const record = queued(await signed(WALLET_A, 1));
      await store.insert(record);
      const stored = await store.get(record.id);
      expect(stored).to.deep.equal(record);
      for (const field of ["reason", "txHash", "blockNumber", "relayedBy", "holdUntil"]) {
        expect(stored).not.to.have.property(field);
      }
    });

    it("returns undefined for an ID it does not hold", async function () {
      expect(await store.get(keccakId("unknown"))).to.equal(undefined);
    });

    it("finds an intent by its ID in any hex case and keeps the ID lowercase", async function () {
      const signedIntent = await signed(WALLET_A, 1);
      await store.insert({ ...queued(signedIntent), id: upper(signedIntent.id) });
      const stored = await store.get(upper(signedIntent.id));
      expect(stored?.id).to.equal(signedIntent.id.toLowerCase());
      expect((await store.get(signedIntent.id.toLowerCase()))?.id).to.equal(stored?.id);
    });

    it("throws IntentExistsError for an ID it holds, in any case, and keeps the first record", async function () {
      const first = queued(await signed(WALLET_A, 1));
      await store.insert(first);
      const error = await rejectionOf(
        store.insert({ ...first, id: upper(first.id), status: "rejected", createdAt: T0 + 1 }),
      );
      expect(error).to.be.instanceOf(IntentExistsError);
      expect((error as IntentExistsError).id).to.equal(first.id.toLowerCase());
      expect(await store.get(first.id)).to.deep.equal(first);
    });

    it("refuses a record whose ID is not its signed intent's, and stores nothing", async function () {
      const signedIntent = await signed(WALLET_A, 1);
      const other = await signed(WALLET_A, 2);
      const error = await rejectionOf(store.insert({ ...queued(signedIntent), id: other.id }));
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(/not the signed intent's ID/);
      expect(await store.get(other.id)).to.equal(undefined);
      expect(await store.get(signedIntent.id)).to.equal(undefined);
    });

    it("returns copies: changing a returned record changes nothing stored", async function () {
      const record = queued(await signed(WALLET_A, 1));
      await store.insert(record);
      const stored = await store.get(record.id);
      stored!.signed.intent.calls[0].value = 1n;
      stored!.status = "relayed";
      expect(await store.get(record.id)).to.deep.equal(record);
    });

    it("updates the mutable fields and updatedAt, leaving createdAt and the signed intent", async function () {
      const record = queued(await signed(WALLET_A, 1));
      await store.insert(record);
      await store.update(
        upper(record.id),
        { status: "submitted", txHash: upper(txHash("a")), blockNumber: 12n, relayedBy: RELAYER },
        T0 + 5,
      );
      expect(await store.get(record.id)).to.deep.equal({
        ...record,
        status: "submitted",
        txHash: txHash("a").toLowerCase(),
        blockNumber: 12n,
        relayedBy: RELAYER,
        updatedAt: T0 + 5,
      });
    });

    it("clears a field whose key is in the patch with undefined and keeps absent ones", async function () {
      const record = queued(await signed(WALLET_A, 1));
      await store.insert(record);
      await store.update(
        record.id,
        { status: "waiting_gas_price", reason: { code: "x", message: "y" }, holdUntil: T0 + 9 },
        T0 + 1,
      );
      await store.update(record.id, { status: "queued", reason: undefined }, T0 + 2);
      const stored = await store.get(record.id);
      expect(stored).not.to.have.property("reason");
      expect(stored?.holdUntil).to.equal(T0 + 9);
      expect(stored?.status).to.equal("queued");
      await store.update(record.id, {}, T0 + 3);
      expect(await store.get(record.id)).to.deep.equal({ ...stored, updatedAt: T0 + 3 });
    });

    it("refuses to update an intent it does not hold, or a field that is not mutable", async function () {
      const unknown = await rejectionOf(
        store.update(keccakId("unknown"), { status: "relayed" }, T0),
      );
      expect(unknown).to.be.instanceOf(RecordNotFoundError);
      const record = queued(await signed(WALLET_A, 1));
      await store.insert(record);
      const immutable = await rejectionOf(
        store.update(record.id, { createdAt: 1 } as unknown as { status: "queued" }, T0),
      );
      expect(immutable).to.be.instanceOf(TypeError);
      expect(await store.get(record.id)).to.deep.equal(record);
    });
  });

  describe("listByWallet", function () {
    /** 250 intents of WALLET_A in 10 createdAt groups of 25 ties, 5 of WALLET_B, inserted shuffled. */
    async function insert250(): Promise<IntentRecord[]> {
      const ofA = await Promise.all(
        Array.from({ length: 250 }, async (_, i) =>
          queued(await signed(WALLET_A, i), T0 + Math.floor(i / 25) * 1000),
        ),
      );
      const ofB = await Promise.all(
        Array.from({ length: 5 }, async (_, i) => queued(await signed(WALLET_B, i), T0)),
      );
      for (const record of shuffled([...ofA, ...ofB], 42)) await store.insert(record);
      return ofA;
    }

    it("pages 250 intents newest first, ties on createdAt by ID, each exactly once", async function () {
      const expected = newestFirst(await insert250());
      const pages = await allPages(store, WALLET_A, 7);
      expect(pages).to.have.length(Math.ceil(250 / 7));
      expect(pages.slice(0, -1).every((page) => page.ids.length === 7)).to.equal(true);
      expect(pages.at(-1)!.ids).to.have.length(250 % 7);
      expect(pages.at(-1)!.hasCursorKey).to.equal(false);
      expect(pages.flatMap((page) => page.ids)).to.deep.equal(expected);
    });

    it("gives no cursor on a last page that is exactly full, nor an empty page after it", async function () {
      const expected = newestFirst(await insert250());
      const pages = await allPages(store, WALLET_A, 50);
      expect(pages.map((page) => page.ids.length)).to.deep.equal([50, 50, 50, 50, 50]);
      expect(pages.flatMap((page) => page.ids)).to.deep.equal(expected);
      const last = await store.listByWallet(WALLET_A, { limit: 50, cursor: pages[3].nextCursor });
      expect(last).not.to.have.property("nextCursor");
      const all = await store.listByWallet(WALLET_A, { limit: 1000 });
      expect(all.intents.map((record) => record.id)).to.deep.equal(expected);
      expect(all).not.to.have.property("nextCursor");
    });

    it("matches the wallet in any address case and lists no other wallet's intents", async function () {
      await insert250();
      const page = await store.listByWallet(WALLET_B.toLowerCase(), { limit: 100 });
      expect(page.intents).to.have.length(5);
      expect(page.intents.every((record) => record.wallet === WALLET_B)).to.equal(true);
    });

    it("keeps paging where it was when newer intents arrive between pages", async function () {
      const records = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => queued(await signed(WALLET_A, i), T0 + i)),
      );
      for (const record of records) await store.insert(record);
      const first = await store.listByWallet(WALLET_A, { limit: 4 });
      await store.insert(queued(await signed(WALLET_A, 100), T0 + 100));
      const rest = await allPagesFrom(store, WALLET_A, 4, first.nextCursor!);
      expect([...first.intents.map((record) => record.id), ...rest]).to.deep.equal(
        newestFirst(records),
      );
    });

    it("gives an empty page without a cursor for a wallet with no intents", async function () {
      expect(await store.listByWallet(WALLET_B, { limit: 10 })).to.deep.equal({ intents: [] });
    });

    it("refuses a cursor it did not make with InvalidCursorError, and a limit below 1", async function () {
      const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
      for (const cursor of [
        "",
        "not a cursor!",
        "abc",
        json([1]),
        json({ a: 1 }),
        json([1.5, "0x"]),
      ]) {
        const error = await rejectionOf(store.listByWallet(WALLET_A, { limit: 5, cursor }));
        expect(error, cursor).to.be.instanceOf(InvalidCursorError);
      }
      for (const limit of [0, -1, 1.5, Number.NaN]) {
        expect(await rejectionOf(store.listByWallet(WALLET_A, { limit }))).to.be.instanceOf(
          RangeError,
        );
      }
    });
  });

  describe("listActive and countByStatus", function () {
    const statuses = RELAYER_INTENT_STATUSES;
    const activeStatuses = statuses.filter(
      (status) => !(FINAL_RELAYER_INTENT_STATUSES as readonly string[]).includes(status),
    );

    /** Two intents of each status; createdAt runs backwards, with ties in pairs. */
    async function insertEveryStatus(): Promise<IntentRecord[]> {
      const records = await Promise.all(
        Array.from({ length: 2 * statuses.length }, async (_, i) => ({
          ...queued(await signed(i % 2 === 0 ? WALLET_A : WALLET_B, i), T0 - Math.floor(i / 2)),
          status: statuses[i % statuses.length],
        })),
      );
      for (const record of records) await store.insert(record);
      return records;
    }

    it("lists every intent whose status is not final (scheduled included), oldest first, ties by ID", async function () {
      const records = await insertEveryStatus();
      const expected = records
        .filter((record) => activeStatuses.includes(record.status))
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
        .map((record) => record.id);
      const active = await store.listActive();
      expect(active.map((record) => record.id)).to.deep.equal(expected);
      expect(active).to.have.length(2 * activeStatuses.length);
      expect(new Set(active.map((record) => record.status))).to.deep.equal(
        new Set(["scheduled", "queued", "waiting_dependencies", "waiting_gas_price", "submitted"]),
      );
      expect(active[0]).to.deep.equal(records.find((record) => record.id === expected[0]));
    });

    it("drops an intent from listActive once it reaches a final status", async function () {
      const records = await insertEveryStatus();
      const [first] = records;
      await store.update(first.id, { status: "expired" }, T0 + 1);
      const active = await store.listActive();
      expect(active.map((record) => record.id)).not.to.include(first.id);
      expect(active).to.have.length(2 * activeStatuses.length - 1);
    });

    it("counts a wallet's non-final intents in any address case, and no other wallet's", async function () {
      expect(await store.countPendingByWallet(WALLET_A)).to.equal(0);
      const records = await insertEveryStatus();
      const pendingOf = (wallet: string) =>
        records.filter(
          (record) => record.wallet === wallet && activeStatuses.includes(record.status),
        ).length;
      expect(await store.countPendingByWallet(WALLET_A)).to.equal(pendingOf(WALLET_A));
      expect(await store.countPendingByWallet(WALLET_B.toLowerCase())).to.equal(
        pendingOf(WALLET_B),
      );
      expect(pendingOf(WALLET_A) + pendingOf(WALLET_B)).to.equal(2 * activeStatuses.length);
      const first = records.find((record) => record.wallet === WALLET_A)!;
      expect(first.status).to.equal("scheduled");
      await store.update(first.id, { status: "rejected" }, T0 + 1);
      expect(await store.countPendingByWallet(upper(WALLET_A))).to.equal(pendingOf(WALLET_A) - 1);
      expect(await store.countPendingByWallet(TARGET)).to.equal(0);
    });

    it("counts the intents of each status, with 0 for a status none has", async function () {
      expect(await store.countByStatus()).to.deep.equal(
        Object.fromEntries(statuses.map((status) => [status, 0])),
      );
      const records = await insertEveryStatus();
      expect(records[0].status).to.equal("scheduled");
      await store.update(records[0].id, { status: "relayed" }, T0 + 1);
      expect(await store.countByStatus()).to.deep.equal({
        scheduled: 1,
        queued: 2,
        waiting_dependencies: 2,
        waiting_gas_price: 2,
        submitted: 2,
        relayed: 3,
        failed: 2,
        rejected: 2,
        expired: 2,
      });
    });
  });

  describe("transactions", function () {
    beforeEach(async function () {
      for (const record of CARRIED) await store.insert(record);
    });

    it("gives back an inserted transaction, hashes and IDs lowercase, uint256 fees", async function () {
      const tx = transaction({
        hash: upper(txHash("a")),
        nonce: 7,
        intentIds: [upper(CARRIED[1].id), CARRIED[2].id],
        maxFeePerGas: UINT256_MAX,
        maxPriorityFeePerGas: UINT256_MAX - 1n,
      });
      await store.insertTransaction(tx);
      expect(await store.listPendingTransactions()).to.deep.equal([
        {
          ...tx,
          hash: txHash("a"),
          intentIds: [CARRIED[1].id.toLowerCase(), CARRIED[2].id.toLowerCase()],
        },
      ]);
    });

    it("throws TransactionExistsError for a hash it holds", async function () {
      await store.insertTransaction(transaction({ hash: txHash("a") }));
      const error = await rejectionOf(
        store.insertTransaction(transaction({ hash: upper(txHash("a")), nonce: 3 })),
      );
      expect(error).to.be.instanceOf(TransactionExistsError);
    });

    it("lists pending transactions by nonce then sentAt, and no others", async function () {
      await store.insertTransaction(
        transaction({ hash: txHash("5 later"), nonce: 5, sentAt: T0 + 20 }),
      );
      await store.insertTransaction(
        transaction({ hash: txHash("5 first"), nonce: 5, sentAt: T0 + 10 }),
      );
      await store.insertTransaction(transaction({ hash: txHash("4"), nonce: 4, sentAt: T0 + 30 }));
      await store.insertTransaction(
        transaction({ hash: txHash("3"), nonce: 3, state: "mined", blockNumber: 9n }),
      );
      const pending = await store.listPendingTransactions();
      expect(pending.map((tx) => tx.hash)).to.deep.equal([
        txHash("4"),
        txHash("5 first"),
        txHash("5 later"),
      ]);
    });

    it("updates a transaction's state and block, in any hash case", async function () {
      await store.insertTransaction(transaction({ hash: txHash("5 first"), nonce: 5 }));
      await store.insertTransaction(
        transaction({ hash: txHash("5 later"), nonce: 5, sentAt: T0 + 1 }),
      );
      await store.updateTransaction(upper(txHash("5 first")), { state: "replaced" });
      await store.updateTransaction(txHash("5 later"), {
        state: "mined",
        blockNumber: UINT256_MAX,
      });
      expect(await store.listPendingTransactions()).to.deep.equal([]);
      await store.updateTransaction(txHash("5 later"), {
        state: "pending",
        blockNumber: undefined,
      });
      expect(await store.listPendingTransactions()).to.deep.equal([
        transaction({ hash: txHash("5 later"), nonce: 5, sentAt: T0 + 1 }),
      ]);
      const error = await rejectionOf(
        store.updateTransaction(txHash("unknown"), { state: "mined" }),
      );
      expect(error).to.be.instanceOf(RecordNotFoundError);
    });

    it("gives the highest nonce of any state, or undefined before the first transaction", async function () {
      expect(await store.maxNonce()).to.equal(undefined);
      await store.insertTransaction(transaction({ hash: txHash("a"), nonce: 0 }));
      expect(await store.maxNonce()).to.equal(0);
      await store.insertTransaction(
        transaction({ hash: txHash("b"), nonce: 12, state: "dropped" }),
      );
      await store.insertTransaction(transaction({ hash: txHash("c"), nonce: 11 }));
      expect(await store.maxNonce()).to.equal(12);
    });
  });

  describe("spending", function () {
    /** The start of the minute that holds T0. */
    const MINUTE = 60_000;
    const M0 = T0 - (T0 % MINUTE);

    it("sums the wei spent at or after a time by whole minutes, far beyond 2^64", async function () {
      const big = 2n ** 200n;
      await store.addSpending({ at: M0, wallet: WALLET_A, weiSpent: big, gasUsed: 21_000n });
      await store.addSpending({ at: M0 + MINUTE, wallet: WALLET_B, weiSpent: big, gasUsed: 1n });
      await store.addSpending({
        at: M0 + 2 * MINUTE + 5,
        wallet: WALLET_A,
        weiSpent: 7n,
        gasUsed: UINT256_MAX,
      });
      expect(await store.spendingSince(0)).to.equal(2n * big + 7n);
      expect(await store.spendingSince(M0 + MINUTE)).to.equal(big + 7n);
      expect(await store.spendingSince(M0 + 2 * MINUTE)).to.equal(7n);
      expect(await store.spendingSince(M0 + 3 * MINUTE)).to.equal(0n);
    });

    it("counts the minute that holds `since` whole, and nothing of the minute before", async function () {
      await store.addSpending({ at: M0 - 1, wallet: WALLET_A, weiSpent: 1n, gasUsed: 1n });
      await store.addSpending({ at: M0, wallet: WALLET_A, weiSpent: 10n, gasUsed: 1n });
      await store.addSpending({ at: M0 + 59_999, wallet: WALLET_B, weiSpent: 100n, gasUsed: 1n });
      // Exactly 100 wei were spent at or after M0 + 30 s; the minute's 10 before it count too.
      expect(await store.spendingSince(M0 + 30_000)).to.equal(110n);
      expect(await store.spendingSince(M0)).to.equal(110n);
      expect(await store.spendingSince(M0 - 1)).to.equal(111n);
    });

    it("sums the spends of one minute, gas beyond 2^256 included", async function () {
      for (let i = 0; i < 3; i++) {
        await store.addSpending({
          at: M0 + i,
          wallet: WALLET_A,
          weiSpent: 5n,
          gasUsed: UINT256_MAX,
        });
      }
      expect(await store.spendingSince(M0)).to.equal(15n);
    });

    it("refuses an invalid spending entry with a TypeError naming the field, and counts nothing", async function () {
      const valid = { at: M0, wallet: WALLET_A, weiSpent: 1n, gasUsed: 1n };
      for (const [field, entry] of [
        ["at", { ...valid, at: -1 }],
        ["wallet", { ...valid, wallet: "0x1234" }],
        ["weiSpent", { ...valid, weiSpent: -1n }],
        ["gasUsed", { ...valid, gasUsed: 2n ** 256n }],
      ] as const) {
        const error = await rejectionOf(store.addSpending(entry));
        expect(error, field).to.be.instanceOf(TypeError);
        expect((error as Error).message, field).to.match(new RegExp(`^${field}`));
      }
      expect(await rejectionOf(store.spendingSince(-1))).to.be.instanceOf(TypeError);
      expect(await store.spendingSince(0)).to.equal(0n);
    });
  });

  describe("read-your-writes", function () {
    it("shows every awaited write to the reads that follow it", async function () {
      const record = queued(await signed(WALLET_A, 1));
      await store.insert(record);
      expect(await store.get(record.id)).to.deep.equal(record);
      await store.update(record.id, { status: "submitted" }, T0 + 1);
      expect((await store.get(record.id))?.status).to.equal("submitted");
      expect(await store.countPendingByWallet(WALLET_A)).to.equal(1);
      await store.insertTransaction(
        transaction({ hash: txHash("a"), nonce: 3, intentIds: [record.id] }),
      );
      expect(await store.maxNonce()).to.equal(3);
      await store.addSpending({ at: T0, wallet: WALLET_A, weiSpent: 9n, gasUsed: 1n });
      expect(await store.spendingSince(0)).to.equal(9n);
    });
  });

  describe("close", function () {
    it("rejects every call after close with StoreClosedError, and closes twice quietly", async function () {
      await store.close();
      await store.close();
      expect(await rejectionOf(store.get(keccakId("x")))).to.be.instanceOf(StoreClosedError);
      expect(await rejectionOf(store.insert(queued(await signed(WALLET_A, 1))))).to.be.instanceOf(
        StoreClosedError,
      );
      expect(await rejectionOf(store.spendingSince(0))).to.be.instanceOf(StoreClosedError);
    });
  });
}

async function allPagesFrom(
  store: IntentStore,
  wallet: string,
  limit: number,
  cursor: string,
): Promise<string[]> {
  const ids: string[] = [];
  let next: string | undefined = cursor;
  while (next !== undefined) {
    const page = await store.listByWallet(wallet, { limit, cursor: next });
    ids.push(...page.intents.map((record) => record.id));
    next = page.nextCursor;
  }
  return ids;
}

/*//////////////////////////////////////////////////////////////
                           THE STORES
//////////////////////////////////////////////////////////////*/

describe("MemoryIntentStore", function () {
  shouldBehaveLikeAnIntentStore(async () => new MemoryIntentStore());
});

describe("PostgresIntentStore", function () {
  const postgres = usePostgres();
  let url: string;

  before(async function () {
    url = await postgres().createDatabase();
  });

  // One database for the suite, emptied for each test: a new database per test costs ~0.1 s.
  shouldBehaveLikeAnIntentStore(async () => {
    const store = await PostgresIntentStore.open({ url, holder: RELAYER });
    await runSql(url, "TRUNCATE intents, transactions, spending_minutes");
    return store;
  });
});

describe("SqliteIntentStore", function () {
  const temporary = temporaryDatabases();
  after(() => temporary.remove());

  describe("in memory (:memory:)", function () {
    shouldBehaveLikeAnIntentStore(() => SqliteIntentStore.open({ path: ":memory:" }));
  });

  describe("on a file", function () {
    shouldBehaveLikeAnIntentStore(() => SqliteIntentStore.open({ path: temporary.path("suite") }));
  });

  describe("durability", function () {
    this.timeout(60_000);

    it("keeps every intent, transaction and spending entry across close and reopen", async function () {
      const path = temporary.path("reopen");
      const store = await SqliteIntentStore.open({ path });
      const records = await Promise.all(
        Array.from({ length: 30 }, async (_, i) =>
          queued(await signed(i % 3 === 0 ? WALLET_B : WALLET_A, i), T0 + Math.floor(i / 4)),
        ),
      );
      for (const record of records) await store.insert(record);
      await store.update(
        records[0].id,
        { status: "relayed", txHash: txHash("a"), blockNumber: UINT256_MAX, relayedBy: RELAYER },
        T0 + 50,
      );
      await store.update(
        records[1].id,
        {
          status: "rejected",
          reason: { code: "canceled", message: "the owner canceled it", details: { epoch: "3" } },
        },
        T0 + 51,
      );
      await store.update(
        records[2].id,
        { status: "waiting_gas_price", holdUntil: T0 + 99 },
        T0 + 52,
      );
      await store.insertTransaction(
        transaction({
          hash: txHash("a"),
          nonce: 4,
          intentIds: [records[0].id],
          state: "mined",
          blockNumber: 77n,
        }),
      );
      await store.insertTransaction(
        transaction({
          hash: txHash("b"),
          nonce: 5,
          intentIds: [records[3].id],
          maxFeePerGas: UINT256_MAX,
        }),
      );
      await store.addSpending({ at: T0, wallet: WALLET_A, weiSpent: 2n ** 100n, gasUsed: 50_000n });

      const snapshot = async (s: IntentStore) => ({
        intents: await Promise.all(records.map((record) => s.get(record.id))),
        pagesA: await allPages(s, WALLET_A, 6),
        pagesB: await allPages(s, WALLET_B, 6),
        active: await s.listActive(),
        counts: await s.countByStatus(),
        pending: await s.listPendingTransactions(),
        maxNonce: await s.maxNonce(),
        spent: await s.spendingSince(0),
      });
      const before = await snapshot(store);
      await store.close();

      const reopened = await SqliteIntentStore.open({ path });
      try {
        const after = await snapshot(reopened);
        expect(after).to.deep.equal(before);
        expect(after.intents[1]?.reason?.details).to.deep.equal({ epoch: "3" });
        expect(after.maxNonce).to.equal(5);
        expect(after.spent).to.equal(2n ** 100n);
        await rejectionOf(reopened.insert(records[5])).then((error) =>
          expect(error).to.be.instanceOf(IntentExistsError),
        );
      } finally {
        await reopened.close();
      }
    });

    it("keeps a scheduled intent, its validAfter and its place among the active ones across close and reopen", async function () {
      const path = temporary.path("scheduled");
      const validAfter = 1_750_000_600n;
      const scheduled: IntentRecord = {
        ...queued(
          await signIntent({
            signer: OWNER,
            wallet: WALLET_A,
            chainId: CHAIN_ID,
            intent: { ...(await signed(WALLET_A, 0)).intent, validAfter },
          }),
        ),
        status: "scheduled",
      };
      const store = await SqliteIntentStore.open({ path });
      await store.insert(scheduled);
      await store.insert(queued(await signed(WALLET_B, 1), T0 + 1));
      await store.close();

      const reopened = await SqliteIntentStore.open({ path });
      try {
        expect(await reopened.get(scheduled.id)).to.deep.equal(scheduled);
        expect((await reopened.get(scheduled.id))?.signed.intent.validAfter).to.equal(validAfter);
        expect((await reopened.listActive()).map((record) => record.status)).to.deep.equal([
          "scheduled",
          "queued",
        ]);
        expect((await reopened.countByStatus()).scheduled).to.equal(1);
      } finally {
        await reopened.close();
      }
    });

    it("creates schema version 3 in WAL mode once, and migrates nothing on reopen", async function () {
      const path = temporary.path("schema");
      const first = await SqliteIntentStore.open({ path });
      expect(await first.schemaVersion()).to.equal(3);
      await first.close();
      await (await SqliteIntentStore.open({ path })).close();
      const db = new DatabaseSync(path);
      try {
        expect(db.prepare("PRAGMA journal_mode").get()).to.deep.include({ journal_mode: "wal" });
        const versions = db.prepare("SELECT version FROM schema_version").all();
        expect(versions.map((row) => row.version)).to.deep.equal([1, 2, 3]);
      } finally {
        db.close();
      }
    });

    it("indexes the active intents by exactly the protocol's non-final statuses", async function () {
      const path = temporary.path("active-index");
      await (await SqliteIntentStore.open({ path })).close();
      const db = new DatabaseSync(path);
      try {
        const { sql } = db
          .prepare("SELECT sql FROM sqlite_master WHERE name = 'intents_active'")
          .get() as { sql: string };
        const excluded = /status NOT IN \(([^)]*)\)/.exec(sql)?.[1].match(/'[a-z_]+'/g);
        // The migration is frozen: if the final statuses ever change, a new migration must
        // rebuild this index, or listActive's query stops using it.
        expect(excluded?.map((quoted) => quoted.slice(1, -1))).to.deep.equal([
          ...FINAL_RELAYER_INTENT_STATUSES,
        ]);
        const plan = db
          .prepare(
            `EXPLAIN QUERY PLAN SELECT id FROM intents WHERE status NOT IN (${excluded?.join(", ")}) ORDER BY created_at, id`,
          )
          .all() as { detail: string }[];
        expect(plan.map((step) => step.detail).join("\n")).to.include("intents_active");
      } finally {
        db.close();
      }
    });

    it("counts a wallet's pending intents on the partial index of non-final statuses", async function () {
      const path = temporary.path("pending-index");
      await (await SqliteIntentStore.open({ path })).close();
      const db = new DatabaseSync(path);
      try {
        const { sql } = db
          .prepare("SELECT sql FROM sqlite_master WHERE name = 'intents_pending_by_wallet'")
          .get() as { sql: string };
        const excluded = /status NOT IN \(([^)]*)\)/.exec(sql)?.[1].match(/'[a-z_]+'/g);
        expect(excluded?.map((quoted) => quoted.slice(1, -1))).to.deep.equal([
          ...FINAL_RELAYER_INTENT_STATUSES,
        ]);
        const plan = db
          .prepare(
            `EXPLAIN QUERY PLAN SELECT COUNT(*) FROM intents WHERE wallet = ? AND status NOT IN (${excluded?.join(", ")})`,
          )
          .all() as { detail: string }[];
        expect(plan.map((step) => step.detail).join("\n")).to.include(
          "COVERING INDEX intents_pending_by_wallet",
        );
      } finally {
        db.close();
      }
    });

    it("refuses a database whose schema is newer than its own", async function () {
      const path = temporary.path("newer");
      await (await SqliteIntentStore.open({ path })).close();
      const db = new DatabaseSync(path);
      db.prepare("INSERT INTO schema_version VALUES (4, 'from the future', 0)").run();
      db.close();
      const error = await rejectionOf(SqliteIntentStore.open({ path }));
      expect((error as Error).message).to.match(/schema is version 4, newer than this relayer's 3/);
    });

    it("finds the intents of a process killed with SIGKILL right after its last insert resolved", async function () {
      const path = temporary.path("sigkill");
      const signedIntents = await Promise.all(
        Array.from({ length: 3 }, (_, i) => signed(WALLET_A, 500 + i)),
      );
      const { signal, output } = await runInsertFixture(path, signedIntents, "kill-self");
      expect(signal, output).to.equal("SIGKILL");
      // The writer never closed: its commits are in the WAL, not yet checkpointed into the file.
      expect(existsSync(`${path}-wal`)).to.equal(true);
      const store = await SqliteIntentStore.open({ path });
      try {
        for (const [index, signedIntent] of signedIntents.entries()) {
          expect(await store.get(signedIntent.id)).to.deep.equal(queued(signedIntent, index));
        }
      } finally {
        await store.close();
      }
    });

    it("finds every intent of a batch inserted all at once by a process killed with SIGKILL once they resolved", async function () {
      const path = temporary.path("sigkill-batch");
      const signedIntents = await Promise.all(
        Array.from({ length: 300 }, (_, i) => signed(WALLET_A, 2000 + i)),
      );
      const { signal, output } = await runInsertFixture(
        path,
        signedIntents,
        "all-at-once-kill-self",
      );
      expect(signal, output).to.equal("SIGKILL");
      expect(existsSync(`${path}-wal`)).to.equal(true);
      const store = await SqliteIntentStore.open({ path });
      try {
        for (const [index, signedIntent] of signedIntents.entries()) {
          expect(await store.get(signedIntent.id)).to.deep.equal(queued(signedIntent, index));
        }
      } finally {
        await store.close();
      }
    });

    it("keeps every insert a process acknowledged before it was killed with SIGKILL mid-stream", async function () {
      const path = temporary.path("mid-stream");
      const signedIntents = await Promise.all(
        Array.from({ length: 200 }, (_, i) => signed(WALLET_B, 1000 + i)),
      );
      const { signal, acknowledged } = await runInsertFixture(path, signedIntents, "ack", 25);
      expect(signal).to.equal("SIGKILL");
      expect(acknowledged.length).to.be.at.least(25);
      const store = await SqliteIntentStore.open({ path });
      try {
        for (const id of acknowledged) expect(await store.get(id), id).not.to.equal(undefined);
        // Whatever was inserted is whole: every stored record parses and lists.
        const pages = await allPages(store, WALLET_B, 100);
        expect(pages.flatMap((page) => page.ids).length).to.be.at.least(acknowledged.length);
      } finally {
        await store.close();
      }
    });
  });
});

/**
 * Runs test/relayer/fixtures/insertIntents.ts on `path`. In `ack` mode, sends SIGKILL once
 * `killAfter` inserts were acknowledged; in the `kill-self` modes the child kills itself.
 */
async function runInsertFixture(
  path: string,
  signedIntents: SignedIntent[],
  mode: "kill-self" | "all-at-once-kill-self" | "ack",
  killAfter = Infinity,
): Promise<{ signal: NodeJS.Signals | null; output: string; acknowledged: string[] }> {
  const intentsPath = `${path}.intents.json`;
  writeFileSync(intentsPath, JSON.stringify(signedIntents.map((s) => serializeSignedIntent(s))));
  const child = spawn(
    process.execPath,
    [
      "--disable-warning=ExperimentalWarning",
      "--import",
      "tsx/esm",
      INSERT_FIXTURE,
      path,
      intentsPath,
      mode,
    ],
    { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  let stdout = "";
  const acknowledged: string[] = [];
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = stdout.split("\n");
    stdout = lines.pop()!;
    acknowledged.push(...lines);
    if (acknowledged.length >= killAfter) child.kill("SIGKILL");
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code !== null && code !== 0
        ? reject(new Error(`fixture exited with ${code}: ${output}`))
        : resolve(signal),
    );
  });
  return { signal, output, acknowledged };
}
