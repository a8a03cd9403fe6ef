import { DatabaseSync } from "node:sqlite";

import { expect } from "chai";
import { getAddress } from "ethers";

import {
  MemoryIntentStore,
  SPENDING_MINUTE_MS,
  SqliteIntentStore,
  type IntentStore,
  type SpendingEntry,
} from "../../src/relayer/store/index.js";
import { migrate } from "../../src/relayer/store/sqlite/migrations.js";
import { Prng } from "../helpers/randomIntents.js";
import { temporaryDatabases } from "../helpers/intentStore.js";

const WALLETS = ["a1", "b2", "c3"].map((byte) => getAddress("0x" + byte.repeat(20)));
const HOUR_MS = 3_600_000;
/** A time 40 s into a minute, so a period from it starts mid-minute. */
const NOW = 1_750_000_000_000;

/** `count` spends of random amounts (some near 2^128) at random times of the two hours before NOW. */
function randomSpends(count: number, seed: number): SpendingEntry[] {
  const rng = new Prng(seed);
  return Array.from({ length: count }, () => ({
    at: NOW - rng.int(0, 2 * HOUR_MS),
    wallet: rng.pick(WALLETS),
    weiSpent: rng.chance(1, 100) ? rng.uint(128) : BigInt(rng.int(0, 2 ** 31)) * 10n ** 9n,
    gasUsed: BigInt(rng.int(21_000, 1_000_000)),
  }));
}

/** The exact wei spent at or after `since`. */
function exactSince(spends: SpendingEntry[], since: number): bigint {
  return spends.reduce((sum, spend) => (spend.at >= since ? sum + spend.weiSpent : sum), 0n);
}

function minuteStartOf(at: number): number {
  return at - (at % SPENDING_MINUTE_MS);
}

/** Periods from 1 ms to all of them, most starting mid-minute. */
const SINCE = [
  NOW,
  NOW - 1,
  NOW - 61_000,
  NOW - HOUR_MS,
  NOW - HOUR_MS - 29_999,
  NOW - 2 * HOUR_MS,
];

/** `spendingSince` of 100,000 spends: exactly the sum from the minute that holds `since`. */
function shouldSumManySpendsByMinute(open: () => Promise<IntentStore>): void {
  it("sums 100,000 spends within one minute's spending of the exact sum, never below it", async function () {
    const store = await open();
    try {
      const spends = randomSpends(100_000, 7);
      await Promise.all(spends.map((spend) => store.addSpending(spend)));
      for (const since of SINCE) {
        const started = performance.now();
        const answer = await store.spendingSince(since);
        const elapsedMs = performance.now() - started;
        const exact = exactSince(spends, since);
        const firstMinute = minuteStartOf(since);
        expect(answer, `since ${since}`).to.equal(exactSince(spends, firstMinute));
        expect(answer - exact, `since ${since}`).to.be.at.most(
          exactSince(spends, firstMinute) - exactSince(spends, firstMinute + SPENDING_MINUTE_MS),
        );
        expect(answer >= exact, `since ${since}`).to.equal(true);
        if (since === NOW - HOUR_MS)
          console.log(`      spendingSince(an hour): ${elapsedMs.toFixed(2)} ms`);
      }
    } finally {
      await store.close();
    }
  });
}

describe("the stores' spending by minute", function () {
  this.timeout(120_000);
  const temporary = temporaryDatabases();
  after(() => temporary.remove());

  describe("MemoryIntentStore", function () {
    shouldSumManySpendsByMinute(async () => new MemoryIntentStore());

    it("keeps only the newest spendingMinutesKept minutes", async function () {
      const store = new MemoryIntentStore({ spendingMinutesKept: 3 });
      for (let minute = 0; minute < 5; minute++) {
        const at = NOW - (4 - minute) * SPENDING_MINUTE_MS;
        await store.addSpending({
          at,
          wallet: WALLETS[0],
          weiSpent: 10n ** BigInt(minute),
          gasUsed: 1n,
        });
      }
      expect(await store.spendingSince(0)).to.equal(100n + 1_000n + 10_000n);
      await store.addSpending({ at: 0, wallet: WALLETS[0], weiSpent: 7n, gasUsed: 1n });
      expect(await store.spendingSince(0)).to.equal(100n + 1_000n + 10_000n);
    });
  });

  describe("SqliteIntentStore", function () {
    shouldSumManySpendsByMinute(() => SqliteIntentStore.open({ path: temporary.path("spends") }));

    it("keeps one row per minute, however many spends, and sums a period on its primary key", async function () {
      const path = temporary.path("rows");
      const store = await SqliteIntentStore.open({ path });
      const spends = randomSpends(5_000, 8);
      await Promise.all(spends.map((spend) => store.addSpending(spend)));
      await store.close();
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        const minutes = new Set(spends.map((spend) => minuteStartOf(spend.at)));
        const rows = db.prepare("SELECT minute_start, spends FROM spending_minutes").all();
        expect(rows).to.have.length(minutes.size);
        expect(rows.reduce((total, row) => total + (row.spends as number), 0)).to.equal(5_000);
        const plan = db
          .prepare("EXPLAIN QUERY PLAN SELECT wei FROM spending_minutes WHERE minute_start >= ?")
          .all() as { detail: string }[];
        expect(plan.map((step) => step.detail).join("\n")).to.match(
          /SEARCH spending_minutes USING INTEGER PRIMARY KEY/,
        );
      } finally {
        db.close();
      }
    });
  });

  describe("migration of a version 2 database", function () {
    /** A database at schema version 2 whose `spending` table holds `spends`. */
    function versionTwoDatabase(spends: SpendingEntry[]): string {
      const path = temporary.path("v2");
      const db = new DatabaseSync(path);
      try {
        migrate(db, 2);
        const insert = db.prepare(
          "INSERT INTO spending (at, wallet, wei, gas) VALUES (?, ?, ?, ?)",
        );
        for (const { at, wallet, weiSpent, gasUsed } of spends) {
          insert.run(at, wallet.toLowerCase(), weiSpent.toString(), gasUsed.toString());
        }
      } finally {
        db.close();
      }
      return path;
    }

    it("keeps every wei of the spending of a version 2 database, by minute", async function () {
      const spends = [
        ...randomSpends(3_000, 9),
        { at: NOW - 5, wallet: WALLETS[1], weiSpent: 2n ** 255n, gasUsed: 2n ** 256n - 1n },
        { at: NOW - 4, wallet: WALLETS[2], weiSpent: 2n ** 255n, gasUsed: 2n ** 256n - 1n },
      ];
      const path = versionTwoDatabase(spends);
      const store = await SqliteIntentStore.open({ path });
      try {
        expect(await store.schemaVersion()).to.equal(3);
        for (const since of [0, ...SINCE]) {
          expect(await store.spendingSince(since), `since ${since}`).to.equal(
            exactSince(spends, minuteStartOf(since)),
          );
        }
        await store.addSpending({ at: NOW, wallet: WALLETS[0], weiSpent: 1n, gasUsed: 1n });
        expect(await store.spendingSince(NOW)).to.equal(
          exactSince(spends, minuteStartOf(NOW)) + 1n,
        );
      } finally {
        await store.close();
      }
    });

    it("moves the gas and the count of spends into their minutes and drops the spending table", async function () {
      const at = minuteStartOf(NOW);
      const path = versionTwoDatabase([
        { at, wallet: WALLETS[0], weiSpent: 3n, gasUsed: 21_000n },
        { at: at + 59_999, wallet: WALLETS[1], weiSpent: 4n, gasUsed: 50_000n },
        { at: at + 60_000, wallet: WALLETS[2], weiSpent: 5n, gasUsed: 1n },
      ]);
      await (await SqliteIntentStore.open({ path })).close();
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        expect(
          db
            .prepare(
              "SELECT minute_start, wei, gas, spends FROM spending_minutes ORDER BY minute_start",
            )
            .all(),
        ).to.deep.equal([
          { minute_start: at, wei: "7", gas: "71000", spends: 2 },
          { minute_start: at + 60_000, wei: "5", gas: "1", spends: 1 },
        ]);
        expect(
          db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'spending%'").all(),
        ).to.deep.equal([{ name: "spending_minutes" }]);
        const versions = db.prepare("SELECT version FROM schema_version ORDER BY version").all();
        expect(versions.map((row) => row.version)).to.deep.equal([1, 2, 3]);
      } finally {
        db.close();
      }
    });
  });
});
