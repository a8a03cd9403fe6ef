/**
 * Relayer benchmark (not a test): for each scenario a fresh `hardhat node`, the relayer as its
 * own process with the IntentBatcher, and owner-signed intents of many wallets submitted over
 * HTTP by 64 concurrent clients.
 *
 *   npm run bench:relayer        (BENCH_INTENTS=2000 BENCH_WALLETS=50 BENCH_CLIENTS=64)
 *   BENCH_SCENARIOS=a,b npm run bench:relayer     (only those scenarios; d needs b)
 *
 * Scenarios: (a) automine; (b) a block every second; (c) as (b), the relayer `kill -9`ed after
 * half the submissions and started again on the same database; (d) as (b), submitted at half
 * of (b)'s relayed/s, for the latency well below capacity; (e) a fleet of 3 relayer processes
 * on one Postgres database (started here), a block every second, member 0 `kill -9`ed after
 * half the submissions and started again once the others took its leases over
 * (`takeoverSeconds`: from the kill until none of its intents was still leased to it).
 *
 * Prints, per scenario, accepted/s, relayed/s, latency from the submission's answer to the
 * relay in blocks (p50, p99) and seconds (p99), and lost, duplicate and reverted relay
 * transactions and batch entries skipped on chain (all must be 0; the exit code is 1 otherwise); writes relayer-bench.json with
 * the machine's load.
 */
import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";

import type { ScenarioFigures } from "./bench-relayer/figures.js";
import { runScenario, type Scenario } from "./bench-relayer/scenario.js";

const INTENTS = Number(process.env.BENCH_INTENTS ?? 2000);
const WALLETS = Number(process.env.BENCH_WALLETS ?? 50);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);

const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? "a,b,c,d,e").split(","));

const base = { intents: INTENTS, wallets: WALLETS, clients: CLIENTS };
const results: Record<string, ScenarioFigures & { scenario: Scenario }> = {};

async function run(key: string, scenario: Scenario): Promise<ScenarioFigures | undefined> {
  if (!SCENARIOS.has(key)) return undefined;
  console.log(`running ${key}: ${scenario.name} ...`);
  const figures = await runScenario(scenario);
  results[key] = { scenario, ...figures };
  return figures;
}

await run("a", { ...base, name: "one process, automine", mining: "auto" });
const b = await run("b", {
  ...base,
  name: "one process, a block every second",
  mining: "interval",
});
await run("c", {
  ...base,
  name: "as (b), kill -9 and restart mid-run",
  mining: "interval",
  killAfter: 0.5,
});
const half = Math.max(1, Math.floor((b?.relayedPerSecond ?? 2) / 2));
if (b !== undefined)
  await run("d", {
    ...base,
    intents: Math.min(INTENTS, half * 20),
    name: `as (b), submitted at half capacity (${half}/s)`,
    mining: "interval",
    ratePerSecond: half,
  });
await run("e", {
  ...base,
  name: "a fleet of 3 on one Postgres, a block every second, one killed and restarted mid-run",
  mining: "interval",
  killAfter: 0.5,
  fleet: 3,
});

printTable();
const output = fileURLToPath(new URL("../relayer-bench.json", import.meta.url));
const machine = {
  cores: cpus().length,
  loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
};
await writeFile(output, `${JSON.stringify({ machine, scenarios: results }, null, 2)}\n`);
console.log(`\nwrote ${output}`);
const broken = Object.values(results).some(
  (r) =>
    r.lost !== 0 || r.duplicates !== 0 || r.revertedRelayTransactions !== 0 || r.batchSkips !== 0,
);
if (broken) process.exitCode = 1;

function printTable(): void {
  const columns: Array<keyof ScenarioFigures> = [
    "accepted",
    "acceptedPerSecond",
    "relayedPerSecond",
    "relayTransactions",
    "p50Blocks",
    "p99Blocks",
    "p99Seconds",
    "lost",
    "duplicates",
    "revertedRelayTransactions",
    "batchSkips",
    "takeoverSeconds",
  ];
  console.log(`\nRelayer benchmark (${cpus().length} cores, load ${loadavg()[0].toFixed(2)})\n`);
  console.log(["scenario", ...columns].join(" | "));
  for (const [key, r] of Object.entries(results)) {
    console.log(
      [`${key}) ${r.scenario.name}`, ...columns.map((c) => String(r[c] ?? "-"))].join(" | "),
    );
  }
}
