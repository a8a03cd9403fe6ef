import { expect } from "chai";

import { auditChain } from "../../scripts/bench-relayer/outcome.js";
import { toSignedIntentJson } from "../../src/protocol/intent/json.js";
import { Wallet } from "ethers";
import pg from "pg";

import {
  isFinalRelayerIntentStatus,
  buildIntent,
  RelayerClient,
  signIntent,
  type IntentStatusResponse,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { latestTimestamp, pingCall, startNodeWorld, type NodeWorld } from "../helpers/nodeWorld.js";
import { startPostgres, type PostgresServer } from "../helpers/postgres.js";
import { signPings } from "../helpers/pings.js";
import { startRelayerFleet, type RelayerFleet } from "../helpers/relayerFleet.js";

/** Waits until every one of `ids` is final, asking `client()` (any member), or fails after `timeoutMs`. */
async function finalsOf(
  client: () => RelayerClient,
  ids: readonly string[],
  timeoutMs = 60_000,
): Promise<Map<string, IntentStatusResponse>> {
  const finals = new Map<string, IntentStatusResponse>();
  const deadline = Date.now() + timeoutMs;
  while (finals.size < ids.length && Date.now() < deadline) {
    for (const id of ids) {
      if (finals.has(id)) continue;
      const status = await client()
        .status(id)
        .catch(() => undefined);
      if (status !== undefined && isFinalRelayerIntentStatus(status.status)) {
        finals.set(id, status);
      }
    }
    if (finals.size < ids.length) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const missing = ids.filter((id) => !finals.has(id));
  expect(missing, `intents not final after ${timeoutMs} ms`).to.deep.equal([]);
  return finals;
}

/**
 * The intent IDs that transactions of two different members carry, fillers and transactions
 * the node refused left out: an ID sent by two relayers.
 */
async function sentByTwo(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM transactions, unnest(intent_ids) AS id WHERE state <> 'dropped'
       GROUP BY id HAVING COUNT(DISTINCT sender) > 1`,
    );
    return rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

/** Asserts the chain's word on a run: each ID relayed once, no reverted relay, no nonce left waiting. */
async function expectCleanChain(
  world: NodeWorld,
  fleet: RelayerFleet,
  fromBlock: number,
  databaseUrl: string,
) {
  const audit = await auditChain(
    world.provider,
    fleet.keys.map((key) => key.address),
    fromBlock,
  );
  expect(audit.duplicates, "IDs relayed twice").to.equal(0);
  expect(audit.revertedRelayTransactions, "reverted relay transactions").to.equal(0);
  expect(audit.batchSkips, "batch entries skipped (sent while relayed already)").to.equal(0);
  expect(await sentByTwo(databaseUrl), "IDs carried by two members' transactions").to.deep.equal(
    [],
  );
  for (const [account, { mined, pending }] of Object.entries(audit.nonces)) {
    expect(pending, `nonces of ${account} still waiting`).to.equal(mined);
  }
  return audit;
}

describe("A fleet of relayers on one Postgres database, on a real node", function () {
  this.timeout(180_000);
  let postgres: PostgresServer;
  let world: NodeWorld;
  let fleet: RelayerFleet | undefined;

  before(async function () {
    postgres = await startPostgres();
  });

  after(async function () {
    await postgres?.dispose();
  });

  beforeEach(async function () {
    world = await startNodeWorld(6);
  });

  afterEach(async function () {
    await fleet?.stop();
    fleet = undefined;
    await world?.stop();
  });

  for (const size of [2, 3]) {
    it(`relays each intent exactly once when ${size} processes race for the same intents`, async function () {
      const databaseUrl = await postgres.createDatabase();
      fleet = await startRelayerFleet({ world, databaseUrl, size });
      const fromBlock = (await world.provider.getBlockNumber()) + 1;
      const signed = await signPings(world, 60);
      // Every intent goes to every member at once: one accepts it first, the others answer its ID.
      const answers = await Promise.all(
        signed.flatMap((intent) => fleet!.members.map((_, i) => fleet!.client(i).submit(intent))),
      );
      for (const [index, answer] of answers.entries()) {
        expect(answer.id).to.equal(signed[Math.floor(index / size)].id);
      }
      const finals = await finalsOf(
        () => fleet!.client(0),
        signed.map((s) => s.id),
      );
      expect([...finals.values()].map((f) => f.status)).to.deep.equal(signed.map(() => "relayed"));
      await expectCleanChain(world, fleet, fromBlock, databaseUrl);
    });
  }

  it("relays an intent whose dependency another process accepted, after it", async function () {
    const databaseUrl = await postgres.createDatabase();
    fleet = await startRelayerFleet({ world, databaseUrl, size: 2 });
    const [first] = await signPings(world, 1, 1_000);
    const now = await latestTimestamp(world);
    const dependent = await signIntent({
      signer: world.owners[1],
      wallet: world.wallets[1],
      chainId: world.chainId,
      intent: buildIntent({
        calls: [pingCall(world, 7n)],
        salt: 2_000n,
        now,
        dependencies: [{ wallet: first.wallet, id: first.id }],
      }),
    });
    await fleet.client(1).submit(dependent);
    await fleet.client(0).submit(first);
    const finals = await finalsOf(() => fleet!.client(1), [first.id, dependent.id]);
    expect(finals.get(dependent.id)!.status).to.equal("relayed");
    expect(BigInt(finals.get(dependent.id)!.blockNumber!)).to.be.greaterThanOrEqual(
      BigInt(finals.get(first.id)!.blockNumber!),
    );
  });

  it("takes over a killed process's queued and in-flight intents after its lease, none relayed twice", async function () {
    const databaseUrl = await postgres.createDatabase();
    fleet = await startRelayerFleet({ world, databaseUrl, size: 3 });
    const fromBlock = (await world.provider.getBlockNumber()) + 1;
    // Slow blocks keep intents queued and in flight when the kills come.
    await world.provider.send("evm_setAutomine", [false]);
    await world.provider.send("evm_setIntervalMining", [1000]);
    const signed = await signPings(world, 90, 5_000);
    const alive = new Set([0, 1, 2]);
    const ids: string[] = [];
    for (const [index, intent] of signed.entries()) {
      const member = [...alive][index % alive.size];
      ids.push((await fleet.client(member).submit(intent)).id);
      // Kills at two moments, with intents queued, leased and in flight; member 0 comes back.
      if (index === 30 || index === 60) {
        const victim = index === 30 ? 0 : 1;
        await fleet.kill(victim);
        alive.delete(victim);
        await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 700));
      }
      if (index === 70) {
        await fleet.restart(0);
        alive.add(0);
      }
    }
    const survivor = () => fleet!.client(2);
    const finals = await finalsOf(survivor, ids, 120_000);
    expect([...finals.values()].map((f) => f.status)).to.deep.equal(ids.map(() => "relayed"));
    await fleet.restart(1);
    await expectCleanChain(world, fleet, fromBlock, databaseUrl);
  });

  it("relays a killed process's intents with another key once its lease ends", async function () {
    // Member 0's account has no ether: it accepts and leases intents but can never send them.
    const broke = Wallet.createRandom();
    const databaseUrl = await postgres.createDatabase();
    fleet = await startRelayerFleet({ world, databaseUrl, size: 2, keys: [broke] });
    const signed = await signPings(world, 10, 7_000);
    const ids = [];
    for (const intent of signed) ids.push((await fleet.client(0).submit(intent)).id);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const id of ids) expect((await fleet.client(1).status(id)).status).to.equal("queued");
    await fleet.kill(0);
    const finals = await finalsOf(() => fleet!.client(1), ids, 30_000);
    for (const final of finals.values()) {
      expect(final.status).to.equal("relayed");
      expect(final.relayedBy).to.equal(fleet.keys[1].address);
    }
  });

  it("never sends an intent twice when a paused process wakes after another took its lease", async function () {
    const databaseUrl = await postgres.createDatabase();
    fleet = await startRelayerFleet({ world, databaseUrl, size: 2 });
    const fromBlock = (await world.provider.getBlockNumber()) + 1;
    await world.provider.send("evm_setAutomine", [false]);
    const signed = await signPings(world, 20, 9_000);
    const ids = [];
    for (const intent of signed) ids.push((await fleet.client(0).submit(intent)).id);
    // Member 0 leases them all and sends them (no block is mined yet), then freezes.
    await new Promise((resolve) => setTimeout(resolve, 500));
    fleet.members[0].process.kill("SIGSTOP");
    try {
      // Past its leases' end member 1 takes them over: it must wait for member 0's
      // transactions, not send its own, and settle them once mined, all while 0 is frozen.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await world.provider.send("evm_setIntervalMining", [500]);
      const finals = await finalsOf(() => fleet!.client(1), ids, 30_000);
      expect([...finals.values()].map((f) => f.status)).to.deep.equal(ids.map(() => "relayed"));
      const relayers = new Set([...finals.values()].map((f) => f.relayedBy));
      expect(relayers, "relayed by the frozen member's transactions").to.include(
        fleet.keys[0].address,
      );
    } finally {
      fleet.members[0].process.kill("SIGCONT");
    }
    // Woken, member 0 finds its leases gone: it writes and sends nothing more.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await expectCleanChain(world, fleet, fromBlock, databaseUrl);
  });

  it("holds a wallet's and a client's rates for the fleet as a whole", async function () {
    const databaseUrl = await postgres.createDatabase();
    const env = { RELAYER_RATE_PER_MINUTE: "3", RELAYER_CLIENT_RATE_PER_MINUTE: "5" };
    fleet = await startRelayerFleet({ world, databaseUrl, size: 2, env });
    const pings = await signPings(world, 4 * world.wallets.length, 20_000);
    const ofWallet = (wallet: number) =>
      pings.filter((_, i) => i % world.wallets.length === wallet);
    const submit = async (member: number, intent: SignedIntent) => {
      const response = await fetch(`${fleet!.members[member].url}/v1/intents`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(toSignedIntentJson(intent)),
      });
      const body = (await response.json()) as { error?: { code: string; message: string } };
      return { status: response.status, error: body.error };
    };
    // Wallet 0's submissions alternate between the members: the fourth is one too many.
    const [first, second] = [ofWallet(0), ofWallet(1)];
    for (const [i, intent] of first.slice(0, 3).entries()) {
      expect((await submit(i % 2, intent)).status).to.equal(202);
    }
    const wallet = await submit(1, first[3]);
    expect(wallet.status).to.equal(429);
    expect(wallet.error?.message).to.match(/submitted 3 intents in the last minute \(limit 3\)/);
    // This client made 4 submissions to the fleet: its fifth is counted, its sixth refused.
    expect((await submit(1, second[0])).status).to.equal(202);
    const client = await submit(0, second[1]);
    expect(client.status).to.equal(429);
    expect(client.error?.message).to.match(/made 5 submissions in the last minute \(limit 5\)/);
  });

  it("answers 503 while Postgres is down and relays again once it is back, without a restart", async function () {
    const databaseUrl = await postgres.createDatabase();
    fleet = await startRelayerFleet({ world, databaseUrl, size: 2 });
    const [before, during, after] = await signPings(world, 3, 12_000);
    await fleet.client(0).submit(before);
    await finalsOf(() => fleet!.client(0), [before.id]);
    await postgres.stop();
    try {
      for (const index of [0, 1]) {
        const response = await fetch(`${fleet.members[index].url}/v1/intents`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(toSignedIntentJson(during)),
        });
        expect(response.status, await response.text()).to.equal(503);
        const started = Date.now();
        const health = await fetch(`${fleet.members[index].url}/health`);
        expect(health.status).to.equal(503);
        expect(Date.now() - started).to.be.lessThan(1_500);
      }
    } finally {
      await postgres.start();
    }
    await fleet.client(1).submit(after);
    const finals = await finalsOf(() => fleet!.client(0), [after.id], 30_000);
    expect(finals.get(after.id)!.status).to.equal("relayed");
  });
});
