import { RelayerClient } from "../../src/sdk/index.js";
import { startNodeWorld, type NodeWorld } from "../../test/helpers/nodeWorld.js";
import { signPings } from "../../test/helpers/pings.js";
import { startBlockClock } from "./blockClock.js";
import { scenarioFigures, type ScenarioFigures } from "./figures.js";
import { auditChain, waitForFinals } from "./outcome.js";
import { startBenchRelayers } from "./relayers.js";
import { submitAll } from "./submit.js";

/** One scenario of the relayer benchmark. */
export interface Scenario {
  name: string;
  /** `auto`: a block per transaction; `interval`: a block every second. */
  mining: "auto" | "interval";
  intents: number;
  wallets: number;
  clients: number;
  /** Submit at this pace (intents per second, all clients together) instead of at once. */
  ratePerSecond?: number;
  /** `kill -9` the relayer, then start it again on the same database, after this share of the submissions. */
  killAfter?: number;
  /** This many relayer processes sharing one Postgres database, instead of one on SQLite. */
  fleet?: number;
}

/**
 * Runs `scenario` on a fresh `hardhat node` with a fresh relayer process and returns its
 * figures. Every intent is a wallet's call of the world's `CallTarget.ping`, signed before
 * the clock starts: the benchmark measures the relayer, not the signing.
 *
 * @example
 * const figures = await runScenario({ name: "automine", mining: "auto", intents: 2000, wallets: 50, clients: 64 });
 */
export async function runScenario(scenario: Scenario): Promise<ScenarioFigures> {
  const world = await startNodeWorld(scenario.wallets);
  const relayers = await startBenchRelayers(world, relayerEnv(), scenario);
  const clock = await startBlockClock(world.provider);
  let takeoverMs: number | undefined;
  try {
    const signed = await signPings(world, scenario.intents);
    const fromBlock = clock.current() + 1;
    if (scenario.mining === "interval") await mineEverySecond(world);
    const killAt =
      scenario.killAfter === undefined ? -1 : Math.floor(scenario.intents * scenario.killAfter);
    const submissions = await submitAll(signed, relayers.url, clock, {
      clients: scenario.clients,
      ratePerSecond: scenario.ratePerSecond,
      onAccepted: async (count) => {
        if (count === killAt) ({ takeoverMs } = await relayers.killAndRestart());
      },
    });
    const client = () => new RelayerClient({ url: relayers.url(), timeoutMs: 30_000 });
    const accepted = new Set(submissions.map((submission) => submission.id));
    const finals = await waitForFinals(client, world.wallets, accepted, 10 * 60_000);
    const audit = await auditChain(world.provider, relayers.accounts(), fromBlock);
    const figures = scenarioFigures(scenario.intents, submissions, finals, audit);
    return takeoverMs === undefined ? figures : { ...figures, takeoverSeconds: takeoverMs / 1000 };
  } finally {
    clock.stop();
    await relayers.stop();
    await world.stop();
  }
}

function relayerEnv(): Record<string, string> {
  return {
    RELAYER_POLL_MS: "20",
    RELAYER_RATE_PER_MINUTE: "100000000",
    // Every submission comes from this one client address.
    RELAYER_CLIENT_RATE_PER_MINUTE: "100000000",
    RELAYER_GAS_BUDGET_WEI: (10n ** 24n).toString(),
    RELAYER_LOG_LEVEL: "warn",
  };
}

/** Interval mining: a block every second, transactions wait in the mempool until then. */
async function mineEverySecond(world: NodeWorld): Promise<void> {
  await world.provider.send("evm_setAutomine", [false]);
  await world.provider.send("evm_setIntervalMining", [1000]);
}
