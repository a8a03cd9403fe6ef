/**
 * Store benchmark (not a test): the embedded `SqliteIntentStore` on a database file in the OS
 * temp dir, WAL mode and `synchronous = FULL` as the relayer runs it.
 *
 *   node --import tsx/esm scripts/bench-store.ts     (BENCH_INSERTS=10000 BENCH_SPENDS=100000)
 *
 * Measures inserts/s of BENCH_INSERTS intents issued at once (one `Promise.all`, as many HTTP
 * submissions arriving together) and awaited one by one; spends/s of BENCH_SPENDS `addSpending`
 * calls issued at once; and the time of one `spendingSince` over the hour they cover. Prints a
 * table and writes store-bench.json with the machine's load.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { getIntentId } from "../src/protocol/intent/hash.js";
import { toOwnerSignature } from "../src/protocol/intent/signature.js";
import type { SignedIntent } from "../src/protocol/intent/types.js";
import { SqliteIntentStore } from "../src/relayer/store/index.js";
import type { IntentRecord } from "../src/relayer/types.js";

const INSERTS = Number(process.env.BENCH_INSERTS ?? 10_000);
const SPENDS = Number(process.env.BENCH_SPENDS ?? 100_000);
const CHAIN_ID = 31337n;
const WALLET = "0x" + "a1".repeat(20);
const HOUR_MS = 3_600_000;
/** The store never checks signatures: any owner-kind bytes do. */
const SIGNATURE = toOwnerSignature("0x" + "11".repeat(65));

interface Figures {
  operations: number;
  seconds: number;
  perSecond: number;
}

/** A queued record of an intent with its real ID (the store recomputes it) and a dummy signature. */
function queuedRecord(salt: number): IntentRecord {
  const intent = {
    calls: [{ to: WALLET, value: 0n, data: "0x" }],
    dependencies: [],
    salt: BigInt(salt),
    validAfter: 0n,
    expiration: 2n ** 64n,
    maxGasPrice: 10n ** 12n,
    minGasLimit: 100_000n,
  };
  const id = getIntentId({ intent, wallet: WALLET, chainId: CHAIN_ID });
  const signed: SignedIntent = {
    intent,
    wallet: WALLET,
    chainId: CHAIN_ID,
    id,
    signature: SIGNATURE,
  };
  return { id, wallet: WALLET, signed, status: "queued", createdAt: salt, updatedAt: salt };
}

/** How long `run` takes for `operations` operations. */
async function timed(operations: number, run: () => Promise<unknown>): Promise<Figures> {
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  return { operations, seconds: round(seconds), perSecond: Math.round(operations / seconds) };
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}

/** A fresh store on a new file of `directory`, closed (and its file left) after `use`. */
async function withStore<T>(directory: string, use: (store: SqliteIntentStore) => Promise<T>) {
  const store = await SqliteIntentStore.open({ path: join(directory, `${Math.random()}.sqlite`) });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

async function benchInserts(directory: string, records: IntentRecord[]) {
  const concurrent = await withStore(directory, (store) =>
    timed(records.length, () => Promise.all(records.map((record) => store.insert(record)))),
  );
  const sequential = await withStore(directory, (store) =>
    timed(records.length, async () => {
      for (const record of records) await store.insert(record);
    }),
  );
  return { concurrent, sequential };
}

/** `SPENDS` spends spread over the last hour, then the hour's sum: its time and its value. */
async function benchSpending(directory: string) {
  const now = Date.now();
  return withStore(directory, async (store) => {
    const adds = await timed(SPENDS, () =>
      Promise.all(
        Array.from({ length: SPENDS }, (_, i) =>
          store.addSpending({
            at: now - HOUR_MS + Math.floor((i * HOUR_MS) / SPENDS),
            wallet: WALLET,
            weiSpent: 21_000n * 10n ** 9n,
            gasUsed: 21_000n,
          }),
        ),
      ),
    );
    const started = performance.now();
    const sum = await store.spendingSince(now - HOUR_MS);
    const sumMs = round(performance.now() - started);
    return { adds, sumMs, sumCorrect: sum === BigInt(SPENDS) * 21_000n * 10n ** 9n };
  });
}

const directory = mkdtempSync(join(tmpdir(), "bench-store-"));
try {
  console.log(`preparing ${INSERTS} intents ...`);
  const records = Array.from({ length: INSERTS }, (_, i) => queuedRecord(i));
  const inserts = await benchInserts(directory, records);
  const spending = await benchSpending(directory);
  const machine = { cores: cpus().length, loadAverage: loadavg().map((l) => round(l)) };
  console.log(`\nStore benchmark (${machine.cores} cores, load ${machine.loadAverage[0]})\n`);
  console.log(`inserts issued at once:      ${inserts.concurrent.perSecond}/s`);
  console.log(`inserts awaited one by one:  ${inserts.sequential.perSecond}/s`);
  console.log(`addSpending issued at once:  ${spending.adds.perSecond}/s`);
  console.log(`spendingSince over ${SPENDS} spends: ${spending.sumMs} ms`);
  if (!spending.sumCorrect) process.exitCode = 1;
  const output = fileURLToPath(new URL("../store-bench.json", import.meta.url));
  await writeFile(output, `${JSON.stringify({ machine, inserts, spending }, null, 2)}\n`);
  console.log(`\nwrote ${output}`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
