import {
  cpSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import { fencedBlocks, read, WALKTHROUGH_PAGE, type FencedBlock } from "./markdown.js";
import {
  deleteTemporaryFolderOnCrash,
  forgetTemporaryFolder,
  releaseReaper,
  runCommand,
  waitUntil,
  type RunningCommand,
} from "./processes.js";
import { blockCommands } from "./shell.js";
import { freePort } from "../helpers/hardhatNode.js";

/*
 * Runs docs/local-node.md as its reader does: every shell block, in the page's order, each
 * checked to exit 0 and to print the lines of the ```text blocks that follow it ("…" stands
 * for any text). The block that starts the node and the one that starts the relayer keep
 * running in the background (the reader's other terminals) until the end; the test waits for
 * each to be ready, and stops everything afterwards, also when a step fails.
 *
 * The commands run in a copy of the repository (the code, the compiled contracts and their
 * bindings, the installed node_modules linked), so the deployment record, the relayer's database
 * and the files the page writes never land in the repository. The node and the relayer run on
 * free ports, moved the way the page says a reader moves them: `--port` for the node,
 * RPC_URL / RELAYER_RPC_URL / RELAYER_PORT, and those ports in the commands' URLs.
 */

const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What a fresh clone after `npm ci` and a build has, and the commands need. */
const COPIED = [
  "package.json",
  "hardhat.config.ts",
  "tsconfig.json",
  "contracts",
  "deploy",
  "src",
  "tasks",
  "scripts",
  "artifacts",
  "cache",
  "typechain-types",
];

/** The ports the page names, which the test moves to free ones. */
const NODE_PORT = 8545;
const RELAYER_PORT = 8080;

/** A shell block of the page and the output blocks that follow it. */
interface Step {
  block: FencedBlock;
  expected: FencedBlock[];
  /** Set for the blocks that serve until stopped: how to tell they are ready. */
  server?: "node" | "relayer";
}

function stepsOf(blocks: FencedBlock[]): Step[] {
  const steps: Step[] = [];
  for (const block of blocks) {
    if (block.language === "text") {
      if (steps.length === 0) throw new Error(`${where(block)}: output before any command`);
      steps[steps.length - 1].expected.push(block);
      continue;
    }
    if (!["sh", "bash", "console"].includes(block.language)) continue;
    const commands = blockCommands(block.content, block.language).map(({ text }) => text);
    const server =
      commands.join("\n") === "npx hardhat node"
        ? "node"
        : commands.join("\n") === "npm run relayer"
          ? "relayer"
          : undefined;
    steps.push({ block, expected: [], server });
  }
  return steps;
}

function where(block: FencedBlock): string {
  return `${block.page}:${block.line}`;
}

/** The lines of `expected` missing from `output`, spaces collapsed, "…" matching any text. */
function missingLines(expected: string, output: string): string[] {
  const collapse = (line: string) => line.replace(/\s+/g, " ").trim();
  const outputLines = output.split("\n").map(collapse);
  return expected
    .split("\n")
    .map(collapse)
    .filter((line) => line !== "")
    .filter((line) => {
      const pattern = new RegExp(
        line
          .split("…")
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*"),
      );
      return !outputLines.some((candidate) => pattern.test(candidate));
    });
}

/** Whether a JSON-RPC node answers `eth_chainId` at `url`. */
async function answersJsonRpc(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1_000),
    });
    return typeof ((await response.json()) as { result?: unknown }).result === "string";
  } catch {
    return false;
  }
}

/**
 * A copy of what the commands need, in a new temporary folder: the COPIED paths, node_modules
 * linked, and the compile cache pointed at the copy's artifacts so nothing is compiled again.
 */
function copyRepository(): string {
  const copy = mkdtempSync(join(tmpdir(), "intent-wallet-local-node-"));
  for (const path of COPIED) {
    cpSync(join(REPOSITORY_ROOT, path), join(copy, path), { recursive: true });
  }
  symlinkSync(realpathSync(join(REPOSITORY_ROOT, "node_modules")), join(copy, "node_modules"));
  const cacheFile = join(copy, "cache", "compile-cache.json");
  const cache = readFileSync(cacheFile, "utf8");
  writeFileSync(cacheFile, cache.split(REPOSITORY_ROOT).join(`${copy}/`));
  return copy;
}

describe(`${WALKTHROUGH_PAGE}, run as written`, function () {
  const steps = stepsOf(fencedBlocks(read(WALKTHROUGH_PAGE), WALKTHROUGH_PAGE));
  const servers: RunningCommand[] = [];
  let copy: string | undefined;
  let env: NodeJS.ProcessEnv = {};
  let ports = { node: NODE_PORT, relayer: RELAYER_PORT };
  let failed: string | undefined;
  const started = Date.now();

  /** The page's text with its ports moved to the test's. */
  const onTestPorts = (text: string) =>
    text
      .replaceAll(`127.0.0.1:${NODE_PORT}`, `127.0.0.1:${ports.node}`)
      .replaceAll(`127.0.0.1:${RELAYER_PORT}`, `127.0.0.1:${ports.relayer}`)
      .replace(/^npx hardhat node$/m, `npx hardhat node --port ${ports.node}`);

  before(async function () {
    this.timeout(60_000);
    ports = { node: await freePort(), relayer: await freePort() };
    copy = copyRepository();
    deleteTemporaryFolderOnCrash(copy);
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !/^(RELAYER_|HARDHAT_|npm_)|^(RPC_URL|DEPLOYMENTS_DIR)$/.test(name),
      ),
    );
    env = {
      ...inherited,
      // The project's Node first, as the page asks (`export PATH="$PWD/node_modules/.bin:$PATH"`).
      PATH: [join(copy, "node_modules", ".bin"), dirname(process.execPath), process.env.PATH].join(
        ":",
      ),
      RPC_URL: `http://127.0.0.1:${ports.node}`,
      RELAYER_RPC_URL: `http://127.0.0.1:${ports.node}`,
      RELAYER_PORT: String(ports.relayer),
      FORCE_COLOR: "0",
      NO_COLOR: "1",
    };
  });

  after(async function () {
    this.timeout(30_000);
    await Promise.all(servers.map((server) => server.stop()));
    if (copy !== undefined) {
      rmSync(copy, { recursive: true, force: true });
      forgetTemporaryFolder(copy);
    }
    releaseReaper();
    console.log(`      (the whole page ran in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });

  it("has the commands a reader runs: a node, the relayer, then commands in the foreground", function () {
    expect(steps.map((step) => step.server).filter(Boolean)).to.deep.equal(["node", "relayer"]);
    expect(steps.length).to.be.greaterThan(10);
    for (const { block } of steps) {
      for (const { words } of blockCommands(block.content, block.language)) {
        // The copy links the shared node_modules: an install there would rewrite it.
        const installs =
          words[0] === "./dev" ||
          (words[0] === "npm" && ["ci", "install", "i"].includes(words[1] ?? ""));
        expect(installs, `${where(block)}: installs; the walkthrough assumes it was done`).to.equal(
          false,
        );
      }
    }
  });

  for (const step of steps) {
    const title = step.block.content.trim().split("\n")[0];
    it(`${where(step.block)}: ${title.slice(0, 70)}${title.length > 70 ? "…" : ""}`, async function () {
      if (failed !== undefined) this.skip();
      this.timeout(180_000);
      try {
        await runStep(step);
      } catch (error) {
        failed = where(step.block);
        throw error;
      }
    });
  }

  async function runStep({ block, expected, server }: Step): Promise<void> {
    const command = runCommand(onTestPorts(block.content), { cwd: copy!, env });
    if (server === undefined) {
      const timer = setTimeout(() => void command.stop(), 150_000);
      const status = await command.exited;
      clearTimeout(timer);
      expect(status, `${where(block)} exit status; it printed:\n${command.output()}`).to.equal(0);
    } else {
      servers.push(command);
      if (server === "node") {
        const url = `http://127.0.0.1:${ports.node}`;
        await waitUntil(command, () => answersJsonRpc(url), 60_000, "the node answers");
      } else {
        const line = `relayer listening on http://127.0.0.1:${ports.relayer}`;
        await waitUntil(command, () => command.output().includes(line), 60_000, line);
      }
    }
    for (const output of expected) {
      const missing = missingLines(onTestPorts(output.content), command.output());
      expect(
        missing,
        `${where(output)}: lines not printed; it printed:\n${command.output()}`,
      ).to.deep.equal([]);
    }
  }
});
