import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";

import { ACTIVE_CONDITION } from "../../src/relayer/store/rows/intentRows.js";
import type { NodeWorld } from "../../test/helpers/nodeWorld.js";
import { startPostgres, type PostgresServer } from "../../test/helpers/postgres.js";
import { startRelayerFleet, type RelayerFleet } from "../../test/helpers/relayerFleet.js";
import { startRelayerProcess, type RelayerProcess } from "../../test/helpers/relayerProcess.js";

/** A fleet member's lease in the benchmark: short, so a takeover fits in a run. */
export const BENCH_LEASE_MS = 5_000;

/**
 * The relayers a scenario submits to: one process on SQLite, or a fleet on one Postgres.
 *
 * @example
 * const relayers = await startBenchRelayers(world, env, { fleet: 3 });
 * await submitAll(signed, relayers.url, clock, { clients: 64 });
 */
export interface BenchRelayers {
  /** A live relayer's URL, round-robin over the live members (read on every request). */
  url(): string;
  /** The relay accounts, for the chain audit. */
  accounts(): string[];
  /**
   * `kill -9` of one relayer (a fleet's member 0), then its start again on the same database:
   * at once for one process; for a fleet after its leases ended, so that the others take its
   * work over. Resolves once it is back; `takeoverMs` is how long after the kill every intent
   * it leased was leased by another member or final (fleet only).
   */
  killAndRestart(): Promise<{ takeoverMs?: number }>;
  stop(): Promise<void>;
}

/**
 * Starts one relayer process on a fresh SQLite file, or with `fleet` that many members on a
 * fresh Postgres server, each with `env`.
 *
 * @example
 * const relayers = await startBenchRelayers(world, env, {});
 */
export async function startBenchRelayers(
  world: NodeWorld,
  env: Record<string, string>,
  { fleet }: { fleet?: number },
): Promise<BenchRelayers> {
  return fleet === undefined ? startOne(world, env) : startFleet(world, env, fleet);
}

async function startOne(world: NodeWorld, env: Record<string, string>): Promise<BenchRelayers> {
  const full = {
    RELAYER_RPC_URL: world.node.url,
    RELAYER_DB_PATH: join(mkdtempSync(join(tmpdir(), "relayer-bench-")), "relayer.db"),
    RELAYER_IMPLEMENTATION: world.implementation,
    RELAYER_BATCHER: world.batcher,
    ...env,
  };
  let relayer: RelayerProcess = await startRelayerProcess(full);
  const account = await accountOf(relayer.url);
  return {
    url: () => relayer.url,
    accounts: () => [account],
    async killAndRestart() {
      await relayer.kill();
      const port = new URL(relayer.url).port;
      relayer = await startRelayerProcess({ ...full, RELAYER_PORT: port });
      return {};
    },
    stop: () => relayer.stop(),
  };
}

async function startFleet(
  world: NodeWorld,
  env: Record<string, string>,
  size: number,
): Promise<BenchRelayers> {
  const postgres: PostgresServer = await startPostgres();
  const databaseUrl = await postgres.createDatabase();
  const fleet = await startRelayerFleet({ world, databaseUrl, size, leaseMs: BENCH_LEASE_MS, env });
  const live = new Set(fleet.members.map((_, index) => index));
  let turn = 0;
  return {
    url: () => fleet.members[[...live][turn++ % live.size]].url,
    accounts: () => fleet.keys.map((key) => key.address),
    async killAndRestart() {
      live.delete(0);
      const takeoverMs = await killAndTimeTakeover(fleet, databaseUrl);
      await fleet.restart(0);
      live.add(0);
      return { takeoverMs };
    },
    async stop() {
      await fleet.stop();
      await postgres.dispose();
    },
  };
}

/**
 * Kills member 0 and returns how long until none of the intents it leased is still leased to
 * it unless final: read from the database every 50 ms.
 */
async function killAndTimeTakeover(fleet: RelayerFleet, databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const victim = fleet.keys[0].address.toLowerCase();
  const held = `SELECT COUNT(*)::int AS count FROM intents WHERE lease_holder = $1
    AND ${ACTIVE_CONDITION}`;
  try {
    await fleet.kill(0);
    const killedAt = Date.now();
    while (Date.now() - killedAt < 120_000) {
      const { rows } = await client.query<{ count: number }>(held, [victim]);
      if (rows[0].count === 0) return Date.now() - killedAt;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("the killed member's intents were not taken over within 120 s");
  } finally {
    await client.end();
  }
}

/** The relay account of the relayer at `url`, from its `/health`. */
async function accountOf(url: string): Promise<string> {
  const health = (await (await fetch(`${url}/health`)).json()) as { relayer: string };
  return health.relayer;
}
