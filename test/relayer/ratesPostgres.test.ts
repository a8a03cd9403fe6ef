import { expect } from "chai";
import { getAddress } from "ethers";
import pg from "pg";

import { buildRelayerApp } from "../../src/relayer/http/server.js";
import { createLogger } from "../../src/relayer/logger.js";
import { RelayerMetrics } from "../../src/relayer/metrics.js";
import { SpendingPolicy } from "../../src/relayer/policy.js";
import { RATE_WINDOW_MS, type RateTake } from "../../src/relayer/rates/RateCounter.js";
import { PostgresIntentStore } from "../../src/relayer/store/index.js";
import { RATE_SQL, RATE_SWEEP } from "../../src/relayer/store/postgres/rates.js";
import { AcceptingRelayerService } from "../helpers/acceptingRelayerService.js";
import { runSql, usePostgres } from "../helpers/postgres.js";

/*
 * The rate counter a fleet shares through its Postgres database (PostgresIntentStore.rates):
 * several stores (one per relayer address) on one database count every take together.
 */

const A = getAddress("0x" + "a1".repeat(20));
const B = getAddress("0x" + "b2".repeat(20));
const WALLET = getAddress("0x" + "e5".repeat(20));
/** The start of a window: takes at W0 + x fall x ms into it. */
const W0 = 1_750_000_020_000;

/** Whether each take was counted, in order. */
const oks = (takes: RateTake[]) => takes.map((taken) => taken.ok);

/** `count` takes of `key` at `now` on `store`, one after another. */
async function takeInTurn(
  store: PostgresIntentStore,
  key: string,
  limit: number,
  now: number,
  count: number,
): Promise<RateTake[]> {
  const takes: RateTake[] = [];
  for (let i = 0; i < count; i++) takes.push(await store.rates.take(key, limit, now));
  return takes;
}

/** The refusal a take answered; fails the test if it was counted. */
function refusalOf(taken: RateTake): Extract<RateTake, { ok: false }> {
  if (taken.ok) expect.fail("expected a refusal");
  return taken;
}

describe("PostgresRateCounter: rates shared by a fleet", function () {
  this.timeout(20_000);
  const postgres = usePostgres();
  let url: string;
  let a: PostgresIntentStore;
  let b: PostgresIntentStore;

  beforeEach(async function () {
    url = await postgres().createDatabase();
    a = await PostgresIntentStore.open({ url, holder: A });
    b = await PostgresIntentStore.open({ url, holder: B });
  });

  afterEach(async function () {
    await a.close();
    await b.close();
  });

  it("holds the limit across two stores, with the count and a Retry-After of at least 1 s", async function () {
    expect(W0 % RATE_WINDOW_MS).to.equal(0);
    const now = W0 + 10_000;
    expect(oks(await takeInTurn(a, "client:10.0.0.1", 5, now, 3))).to.deep.equal([
      true,
      true,
      true,
    ]);
    expect(oks(await takeInTurn(b, "client:10.0.0.1", 5, now, 3))).to.deep.equal([
      true,
      true,
      false,
    ]);

    const refused = refusalOf(await a.rates.take("client:10.0.0.1", 5, now));
    // The 5 of this window leave the estimate below 5 only 1 ms into the next one.
    expect(refused).to.deep.equal({ ok: false, counted: 5, retryAfterSeconds: 51 });
    // Another key is not limited by it.
    expect((await b.rates.take("client:10.0.0.2", 5, now)).ok).to.equal(true);
  });

  it("counts exactly the limit of 200 concurrent takes from two stores", async function () {
    const now = W0 + 30_000;
    const takes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).rates.take("wallet:x", 50, now)),
    );

    expect(takes.filter((taken) => taken.ok)).to.have.length(50);
    for (const taken of takes.filter((taken) => !taken.ok)) {
      expect(refusalOf(taken).counted).to.equal(50);
      expect(refusalOf(taken).retryAfterSeconds).to.be.at.least(1);
    }
    const [{ count }] = await runSql(url, "SELECT count::int FROM rate_windows");
    expect(count).to.equal(50);
  });

  it("counts exactly the limit of takes that all read the count before one of them could write", async function () {
    // Catches a limit checked on what the statement read rather than on the row it locks: the
    // takes that wait for the lock all read 1, and would all be counted.
    const now = W0 + 30_000;
    expect((await a.rates.take("wallet:z", 50, now)).ok).to.equal(true);
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT 1 FROM rate_windows WHERE key = 'wallet:z' FOR UPDATE");
      const takes = Promise.all(
        Array.from({ length: 199 }, (_, i) =>
          (i % 2 === 0 ? a : b).rates.take("wallet:z", 50, now),
        ),
      );
      // Both pools' 10 connections wait for the row.
      while ((await lockWaiters(url)) < 20) await new Promise((resolve) => setTimeout(resolve, 10));
      await blocker.query("COMMIT");

      expect((await takes).filter((taken) => taken.ok)).to.have.length(49);
    } finally {
      await blocker.end();
    }
  });

  it("gives a released take's slot back, to any store", async function () {
    const now = W0 + 5_000;
    const [first] = await takeInTurn(a, "wallet:y", 2, now, 2);
    expect((await b.rates.take("wallet:y", 2, now)).ok).to.equal(false);

    if (!first.ok) expect.fail("the first take was refused");
    await first.release();

    expect((await b.rates.take("wallet:y", 2, now)).ok).to.equal(true);
    expect((await a.rates.take("wallet:y", 2, now)).ok).to.equal(false);
  });

  it("counts the previous window weighted by the part of it still inside the last minute", async function () {
    for (const key of ["half", "quarter", "gone"]) await takeInTurn(a, key, 10, W0 + 1_000, 10);

    // Half the previous window is inside: 10 weigh 5, so 5 more are counted.
    const half = await takeInTurn(b, "half", 10, W0 + RATE_WINDOW_MS + 30_000, 6);
    expect(oks(half)).to.deep.equal([true, true, true, true, true, false]);
    expect(refusalOf(half[5])).to.deep.equal({ ok: false, counted: 10, retryAfterSeconds: 1 });
    // A quarter is inside: 10 weigh 2.5, so 8 more are counted (2.5 + 7 < 10).
    const quarter = await takeInTurn(b, "quarter", 10, W0 + RATE_WINDOW_MS + 45_000, 9);
    expect(oks(quarter).filter(Boolean)).to.have.length(8);
    expect(refusalOf(quarter[8]).counted).to.equal(10);
    // Two windows on, the first one no longer counts.
    const gone = await takeInTurn(b, "gone", 10, W0 + 2 * RATE_WINDOW_MS, 10);
    expect(oks(gone).every(Boolean)).to.equal(true);
  });

  it("deletes the windows older than two minutes every 100th take, at most 1,000 at a time", async function () {
    expect(RATE_SWEEP).to.deep.equal({ every: 100, batch: 1_000 });
    const now = W0 + 10 * RATE_WINDOW_MS;
    await runSql(
      url,
      `INSERT INTO rate_windows (key, window_start, count)
        SELECT 'client:' || i, $1::bigint, 1 FROM generate_series(1, 1500) i`,
      [now - 3 * RATE_WINDOW_MS],
    );
    const counts = async () =>
      (
        await runSql(
          url,
          "SELECT COUNT(*) FILTER (WHERE window_start < $1)::int AS old, COUNT(*)::int AS all FROM rate_windows",
          [now - 2 * RATE_WINDOW_MS],
        )
      )[0];
    // The previous window is kept: it still counts.
    await a.rates.take("previous", 10, now - RATE_WINDOW_MS);
    await takeInTurn(a, "current", 10_000, now, RATE_SWEEP.every - 2);
    expect(await counts()).to.deep.equal({ old: 1500, all: 1502 });

    await a.rates.take("current", 10_000, now);
    expect(await counts()).to.deep.equal({ old: 500, all: 502 });
    await takeInTurn(a, "current", 10_000, now, RATE_SWEEP.every);
    expect(await counts()).to.deep.equal({ old: 0, all: 2 });
  });

  it("finds the expired windows through their index", async function () {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("SET enable_seqscan = off");
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${RATE_SQL.sweep}`, [
        W0,
        RATE_SWEEP.batch,
      ]);
      expect(rows.map((row) => row["QUERY PLAN"]).join("\n")).to.include("rate_windows_by_start");
    } finally {
      await client.end();
    }
  });

  it("refuses a limit that is not a positive integer", async function () {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      const error = await a.rates.take("k", limit, W0).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error, String(limit)).to.be.instanceOf(RangeError);
    }
  });

  it("limits a wallet across two spending policies, with the refusal of one process", async function () {
    const policyOf = (store: PostgresIntentStore) =>
      new SpendingPolicy({
        allowedWallets: [WALLET],
        ratePerMinute: 2,
        gasBudgetWei: 1n,
        budgetPeriodMs: 60_000,
        rates: store.rates,
      });
    const now = Date.now();
    expect((await policyOf(a).checkRate(WALLET, now)).ok).to.equal(true);
    expect((await policyOf(b).checkRate(WALLET.toLowerCase(), now)).ok).to.equal(true);

    const refused = await policyOf(a).checkRate(WALLET, now);
    expect(!refused.ok && refused.refusal).to.deep.include({
      code: "rate_limited",
      message: `wallet ${WALLET} submitted 2 intents in the last minute (limit 2)`,
      details: { wallet: WALLET, limit: 2, windowSeconds: 60 },
    });
  });

  it("limits a client across two HTTP servers on one database: 429 rate_limited with Retry-After", async function () {
    const appOn = (store: PostgresIntentStore) =>
      buildRelayerApp({
        service: new AcceptingRelayerService(),
        metrics: new RelayerMetrics(),
        logger: createLogger({ level: "silent" }),
        clientRatePerMinute: 3,
        rates: store.rates,
      });
    const apps = [appOn(a), appOn(b)];
    const post = (i: number) =>
      apps[i % 2].inject({
        method: "POST",
        url: "/v1/intents",
        headers: { "content-type": "application/json" },
        payload: '{"version":2,',
      });
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await post(i));

      expect(answers.map((answer) => answer.statusCode)).to.deep.equal([400, 400, 400, 429, 429]);
      const limited = answers[3];
      expect(limited.json().error).to.deep.include({
        code: "rate_limited",
        details: { limit: 3, windowSeconds: 60 },
      });
      expect(limited.json().error.message).to.include("client 127.0.0.1 made 3 submissions");
      expect(Number(limited.headers["retry-after"])).to.be.within(1, 60);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });
});

/** How many connections to the database at `url` wait for a lock. */
async function lockWaiters(url: string): Promise<number> {
  const [{ waiting }] = await runSql(
    url,
    "SELECT COUNT(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
  );
  return waiting as number;
}
