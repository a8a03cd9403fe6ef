/**
 * Side-by-side gas benchmark: IntentWallet against Safe 1.4.1 and two ERC-4337 v0.8 accounts (the
 * sample SimpleAccount, and OpenZeppelin 5's Account with SignerECDSA and ERC-7821, from
 * contracts/peers/), each against a plain EOA doing the same, measured as receipt `gasUsed` of
 * successful transactions on the in-process Hardhat network, with every token balance change
 * checked.
 *
 *   hardhat run scripts/bench-gas.ts     (or: npm run bench:gas)
 *
 * Safe and SimpleAccount are compiled from their npm packages (see hardhat.config.ts). Owners only
 * sign; every measured transaction is sent by a separate relayer (ours, Safe) or bundler (4337)
 * account. Accounts are measured in steady state: deployed, funded and with one operation already
 * done (so no nonce slot goes from zero to non-zero inside a measured transaction), except in the
 * creation rows. Each 4337 account has two columns: paying from an EntryPoint deposit made
 * beforehand, and paying in its operations from its own ETH (the usual flow, no deposit made).
 *
 * Prints one table and writes gas-benchmark figures to gas-bench.json at the repository root.
 * With GAS_SNAPSHOT=check it then compares them with the committed gas-snapshot.json and fails on
 * any difference (`npm run gas:check`, part of `npm test`); GAS_SNAPSHOT=write updates that file
 * (`npm run gas:snapshot`).
 *
 * The parts, in scripts/bench-gas/: world.ts (network, signers, token, fixed keys and addresses,
 * gasUsed), one module per peer (eoa.ts, ours.ts, safe.ts, erc4337.ts with the account kinds
 * simpleAccount.ts and ozAccount.ts), measure.ts (what is measured, in which order, with which
 * inputs), table.ts (rows, columns, table, gas-bench.json) and snapshot.ts (GAS_SNAPSHOT).
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import { measureAll } from "./bench-gas/measure.js";
import { applySnapshotMode } from "./bench-gas/snapshot.js";
import { benchJson, printTable, snapshotOf } from "./bench-gas/table.js";
import { createWorld } from "./bench-gas/world.js";

const world = await createWorld();
const figures = await measureAll(world);

printTable(world.chainId, figures);
const outputPath = fileURLToPath(new URL("../gas-bench.json", import.meta.url));
await writeFile(outputPath, `${JSON.stringify(benchJson(world.chainId, figures), null, 2)}\n`);
console.log(`\nwrote ${outputPath}`);

await applySnapshotMode(snapshotOf(figures));
