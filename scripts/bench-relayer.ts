/**
 * Relayer throughput benchmark (not a test): a real `hardhat node`, the relayer as its own
 * process, and a few thousand owner-signed intents from many wallets submitted over HTTP.
 *
 *   npm run bench:relayer            (BENCH_WALLETS=50 BENCH_INTENTS=2000 by default)
 *
 * The relayer batches the intents ready in the same tick through the IntentBatcher, up to
 * BENCH_MAX_BATCH (its RELAYER_MAX_BATCH, 16 by default) per transaction; BENCH_MAX_BATCH=1 is
 * one transaction per intent.
 *
 * Prints accepted/s, relayed/s, submit-to-receipt latency (p50, p99: the relayer's own
 * createdAt -> updatedAt of the final status) and the lost and duplicate counts (both must be
 * 0), and writes relayer-bench.json at the repository root.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { buildIntent, RelayerClient, signIntent, type SignedIntent } from "../src/sdk/index.js";
import { IntentWallet__factory } from "../typechain-types/index.js";
import { startNodeWorld } from "../test/helpers/nodeWorld.js";
import { startRelayerProcess } from "../test/helpers/relayerProcess.js";

const WALLETS = Number(process.env.BENCH_WALLETS ?? 50);
const INTENTS = Number(process.env.BENCH_INTENTS ?? 2000);
const MAX_BATCH = Number(process.env.BENCH_MAX_BATCH ?? 16);
const CONCURRENCY = 16;

const world = await startNodeWorld(WALLETS);
const relayer = await startRelayerProcess({
  RELAYER_RPC_URL: world.node.url,
  RELAYER_DB_PATH: join(mkdtempSync(join(tmpdir(), "relayer-bench-")), "relayer.db"),
  RELAYER_IMPLEMENTATION: world.implementation,
  RELAYER_BATCHER: world.batcher,
  RELAYER_MAX_BATCH: String(MAX_BATCH),
  RELAYER_POLL_MS: "20",
  RELAYER_RATE_PER_MINUTE: "1000000",
  // Every submission comes from this one client address.
  RELAYER_CLIENT_RATE_PER_MINUTE: "1000000",
  RELAYER_GAS_BUDGET_WEI: (10n ** 24n).toString(),
  RELAYER_LOG_LEVEL: "warn",
});
const client = new RelayerClient({ url: relayer.url, timeoutMs: 30_000 });

try {
  const latest = await world.provider.getBlock("latest");
  const now = BigInt(latest!.timestamp);
  const ping = world.target.interface.encodeFunctionData("ping", [1n]);

  // Sign everything first: the benchmark measures the relayer, not the signing.
  const signed: SignedIntent[] = [];
  for (let i = 0; i < INTENTS; i++) {
    const walletIndex = i % WALLETS;
    const intent = buildIntent({
      calls: [{ to: world.targetAddress, data: ping }],
      salt: BigInt(i),
      now,
    });
    signed.push(
      await signIntent({
        signer: world.owners[walletIndex],
        intent,
        wallet: world.wallets[walletIndex],
        chainId: world.chainId,
      }),
    );
  }

  const submitStart = performance.now();
  let next = 0;
  const accepted = new Set<string>();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < signed.length) {
        const item = signed[next++];
        const { id } = await client.submit(item);
        accepted.add(id);
      }
    }),
  );
  const submitSeconds = (performance.now() - submitStart) / 1000;

  // Wait until every accepted intent is final.
  const deadline = Date.now() + 15 * 60_000;
  let finals = new Map<
    string,
    { status: string; latencyMs: number; updatedAt: number; txHash?: string }
  >();
  while (Date.now() < deadline) {
    finals = new Map();
    for (const wallet of world.wallets) {
      let cursor: string | undefined;
      do {
        const page = await client.listWalletIntents(wallet, { limit: 500, cursor });
        for (const entry of page.intents) {
          if (!["relayed", "failed", "rejected", "expired"].includes(entry.status)) continue;
          const created = Date.parse(entry.createdAt);
          const updated = Date.parse(entry.updatedAt);
          finals.set(entry.id, {
            status: entry.status,
            latencyMs: updated - created,
            updatedAt: updated,
            txHash: entry.txHash,
          });
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
    if (finals.size >= accepted.size) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  // Duplicates: IntentRelayed events per ID across the whole chain.
  const relayedTopic = IntentWallet__factory.createInterface().getEvent("IntentRelayed")!.topicHash;
  const logs = await world.provider.getLogs({
    fromBlock: 0,
    toBlock: "latest",
    topics: [relayedTopic],
  });
  const relayCounts = new Map<string, number>();
  for (const log of logs) relayCounts.set(log.topics[1], (relayCounts.get(log.topics[1]) ?? 0) + 1);

  const relayed = [...finals.values()].filter((final) => final.status === "relayed");
  const latencies = relayed.map((final) => final.latencyMs).sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const firstCreated = Math.min(
    ...[...finals.values()].map((final) => final.updatedAt - final.latencyMs),
  );
  const lastUpdated = Math.max(...relayed.map((final) => final.updatedAt));
  const lost = [...accepted].filter((id) => finals.get(id)?.status !== "relayed").length;
  const duplicates = [...relayCounts.values()].filter((count) => count > 1).length;
  assert.equal(accepted.size, INTENTS, "every submission accepted");

  const figures = {
    wallets: WALLETS,
    intents: INTENTS,
    maxBatch: MAX_BATCH,
    transactions: new Set(relayed.map((final) => final.txHash)).size,
    acceptedPerSecond: Math.round(accepted.size / submitSeconds),
    relayedPerSecond: Math.round((relayed.length / (lastUpdated - firstCreated)) * 1000),
    latencyMs: { p50: percentile(50), p99: percentile(99), max: latencies[latencies.length - 1] },
    relayed: relayed.length,
    lost,
    duplicates,
  };
  console.log("\nRelayer benchmark (hardhat node, automine, one relayer account)\n");
  console.log(`wallets                 ${figures.wallets}`);
  console.log(`intents submitted       ${figures.intents}`);
  console.log(`max batch               ${figures.maxBatch}`);
  console.log(`relay transactions      ${figures.transactions}`);
  console.log(`accepted/s              ${figures.acceptedPerSecond}`);
  console.log(`relayed/s               ${figures.relayedPerSecond}`);
  console.log(`submit -> receipt p50   ${figures.latencyMs.p50} ms`);
  console.log(`submit -> receipt p99   ${figures.latencyMs.p99} ms`);
  console.log(`lost                    ${figures.lost}`);
  console.log(`duplicates              ${figures.duplicates}`);
  const output = fileURLToPath(new URL("../relayer-bench.json", import.meta.url));
  await writeFile(output, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`\nwrote ${output}`);
  if (lost !== 0 || duplicates !== 0) process.exitCode = 1;
} finally {
  await relayer.stop();
  await world.stop();
}
