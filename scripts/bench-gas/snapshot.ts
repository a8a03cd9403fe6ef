/**
 * The committed snapshot (see scripts/gasSnapshot.ts): GAS_SNAPSHOT=write writes the figures to
 * gas-snapshot.json, GAS_SNAPSHOT=check compares them with it and fails on any difference.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import { type GasSnapshot, compareGasSnapshots, formatGasChanges } from "../gasSnapshot.js";

const SNAPSHOT_PATH = fileURLToPath(new URL("../../gas-snapshot.json", import.meta.url));

/** Writes or checks gas-snapshot.json as GAS_SNAPSHOT says; does nothing without it. */
export async function applySnapshotMode(
  measured: GasSnapshot,
  mode = process.env.GAS_SNAPSHOT,
): Promise<void> {
  if (mode === "write") {
    await writeFile(SNAPSHOT_PATH, `${JSON.stringify(measured, null, 2)}\n`);
    console.log(`wrote ${SNAPSHOT_PATH}`);
  } else if (mode === "check") {
    const committed = JSON.parse(await readFile(SNAPSHOT_PATH, "utf8")) as GasSnapshot;
    const changes = compareGasSnapshots(committed, measured);
    if (changes.length === 0) {
      console.log("gas snapshot: every figure equals gas-snapshot.json");
    } else {
      console.error(`gas snapshot: ${changes.length} figure(s) differ from gas-snapshot.json:`);
      for (const line of formatGasChanges(changes)) console.error(`  ${line}`);
      console.error("If intended, run `npm run gas:snapshot` and commit gas-snapshot.json.");
      process.exitCode = 1;
    }
  }
}
