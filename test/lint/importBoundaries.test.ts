import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/*
 * Proves that the import-boundary rules of .dependency-cruiser.cjs (`npm run lint:imports`)
 * bite: a tree that mirrors the repository's layout, with one planted import per rule, is
 * cruised with the repository's own config, and every planted import, and nothing else, is
 * reported. The real src/ is never touched.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");
const DEPCRUISE = join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs");

/** A violation as the JSON reporter gives it, written `rule: from → to`. */
interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** Runs depcruise on `src` of `directory` with the repository's config. */
function depcruise(
  directory: string,
  outputType: "json" | "err-long",
): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [DEPCRUISE, "src", "--config", CONFIG, "--output-type", outputType],
      { cwd: directory, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error !== null && typeof error.code !== "number") reject(error);
        else resolve({ code: error === null ? 0 : (error.code as number), stdout });
      },
    );
  });
}

/** Writes `files` (path → contents) under `directory`. */
function writeTree(directory: string, files: Record<string, string>): void {
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, path)), { recursive: true });
    writeFileSync(join(directory, path), contents);
  }
}

/** The repository's layout, reduced to what the rules speak of, with one planted import per rule. */
const FIXTURE: Record<string, string> = {
  "tsconfig.json": JSON.stringify({
    compilerOptions: { module: "node20", target: "es2023", strict: true },
    include: ["src", "test", "typechain-types"],
  }),
  "typechain-types/index.ts": "export const IntentWallet__factory = {};\n",
  "test/helpers/fixtures.ts": "export const fixture = 1;\n",
  "src/sdk/wallet/WalletClient.ts": "export class WalletClient {}\n",
  "src/sdk/relayer/types.ts": "export interface RelayerThing { id: string }\n",
  "src/relayer/startRelayer.ts": "export const startRelayer = 1;\n",
  // Allowed: the protocol's deployment records read files; typechain-types from anywhere.
  "src/protocol/deployments.ts": 'import { readFile } from "node:fs/promises";\nvoid readFile;\n',
  "src/protocol/contracts.ts":
    'import { IntentWallet__factory } from "../../typechain-types/index.js";\nvoid IntentWallet__factory;\n',
  "src/sdk/contracts.ts":
    'import { IntentWallet__factory } from "../../typechain-types/index.js";\nvoid IntentWallet__factory;\n',
  // Planted, one per rule.
  "src/relayer/deepImport.ts":
    'import { WalletClient } from "../sdk/wallet/WalletClient.js";\nvoid WalletClient;\n',
  "src/relayer/typeOnly.ts":
    'import type { RelayerThing } from "../sdk/relayer/types.js";\nexport type Thing = RelayerThing;\n',
  "src/sdk/relayerInternals.ts":
    'import { startRelayer } from "../relayer/startRelayer.js";\nvoid startRelayer;\n',
  "src/protocol/upward.ts":
    'import { WalletClient } from "../sdk/wallet/WalletClient.js";\nvoid WalletClient;\n',
  "src/protocol/nodeOnly.ts": 'import { readFileSync } from "node:fs";\nvoid readFileSync;\n',
  "src/sdk/testHelper.ts":
    'import { fixture } from "../../test/helpers/fixtures.js";\nvoid fixture;\n',
  "src/protocol/cycleA.ts": 'import { b } from "./cycleB.js";\nexport const a = () => b;\n',
  "src/protocol/cycleB.ts": 'import { a } from "./cycleA.js";\nexport const b = () => a;\n',
  "src/protocol/typo.ts": 'import { nothing } from "./doesNotExist.js";\nvoid nothing;\n',
};

describe("import boundaries (.dependency-cruiser.cjs)", function () {
  this.timeout(60_000);
  let directory: string;

  before(function () {
    directory = mkdtempSync(join(tmpdir(), "import-boundaries-"));
    writeTree(directory, FIXTURE);
  });

  after(function () {
    rmSync(directory, { recursive: true, force: true });
  });

  it("reports every planted import, type-only ones included, by its rule, and nothing allowed", async function () {
    const { stdout } = await depcruise(directory, "json");
    const violations = (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary
      .violations;

    expect(
      violations.map(({ rule, from, to }) => `${rule.name}: ${from} → ${to}`).sort(),
    ).to.deep.equal(
      [
        "relayer-not-to-sdk: src/relayer/deepImport.ts → src/sdk/wallet/WalletClient.ts",
        "relayer-not-to-sdk: src/relayer/typeOnly.ts → src/sdk/relayer/types.ts",
        "sdk-not-to-relayer: src/sdk/relayerInternals.ts → src/relayer/startRelayer.ts",
        "protocol-not-to-sdk-or-relayer: src/protocol/upward.ts → src/sdk/wallet/WalletClient.ts",
        "protocol-browser-safe: src/protocol/nodeOnly.ts → fs",
        "src-not-to-tooling: src/sdk/testHelper.ts → test/helpers/fixtures.ts",
        "no-circular: src/protocol/cycleA.ts → src/protocol/cycleB.ts",
        "not-to-unresolvable: src/protocol/typo.ts → ./doesNotExist.js",
      ].sort(),
    );
  });

  it("fails, saying which rule an import breaks and what to do instead", async function () {
    const { code, stdout } = await depcruise(directory, "err-long");

    expect(code).to.not.equal(0);
    expect(stdout).to.include(
      "error relayer-not-to-sdk: src/relayer/deepImport.ts → src/sdk/wallet/WalletClient.ts",
    );
    expect(stdout.replace(/\s+/g, " ")).to.include("move what both need into src/protocol");
  });

  it("finds no violation in the repository's src/", async function () {
    const { code, stdout } = await depcruise(ROOT, "err-long");

    expect(code, stdout).to.equal(0);
    expect(stdout).to.include("no dependency violations found");
  });
});
