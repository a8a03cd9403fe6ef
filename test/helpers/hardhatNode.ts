import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The repository root (the Hardhat project the node runs in). */
const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The Hardhat CLI (`node_modules/.bin/hardhat` links to it). */
const HARDHAT_CLI = fileURLToPath(new URL("../../node_modules/.bin/hardhat", import.meta.url));

/**
 * Loaded into the node's process with `--import`: the node exits when its stdin closes, which
 * happens when the test process dies in any way (even SIGKILL, which runs no `after` hook), so
 * no node outlives its test run.
 */
const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent(
  'process.stdin.on("end",()=>process.exit(0));process.stdin.on("error",()=>process.exit(0));process.stdin.resume();',
)}`;

/** The mnemonic of the accounts a `hardhat node` funds by default. */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** The derivation path of default account `index`. */
export function hardhatAccountPath(index: number): string {
  return `m/44'/60'/0'/0/${index}`;
}

export interface HardhatNode {
  /** The JSON-RPC URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  chainId: bigint;
  process: ChildProcess;
  /** The node's output so far (stdout and stderr, the last 20,000 characters), for failure messages. */
  output(): string;
  /** Stops the node: SIGTERM, then SIGKILL if it has not exited after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartHardhatNodeParameters {
  /** How long to wait for the node to answer `eth_chainId`, in ms; default 30,000. */
  readyTimeoutMs?: number;
  /** How many ports to try if the chosen one is taken meanwhile; default 3. */
  attempts?: number;
}

/** Every node started and not yet stopped: killed on exit if an `after` hook never ran. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts a real `hardhat node` process on 127.0.0.1 at a free port and waits until it answers
 * JSON-RPC. Call `stop()` in an `after` hook. If starting fails, the process is killed before
 * the error is thrown.
 */
export async function startHardhatNode({
  readyTimeoutMs = 30_000,
  attempts = 3,
}: StartHardhatNodeParameters = {}): Promise<HardhatNode> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await startOnce(await freePort(), readyTimeoutMs);
    } catch (error) {
      lastError = error;
      if (!(error instanceof NodeExitedEarlyError)) throw error;
    }
  }
  throw lastError;
}

class NodeExitedEarlyError extends Error {}

async function startOnce(port: number, readyTimeoutMs: number): Promise<HardhatNode> {
  if (!existsSync(HARDHAT_CLI)) throw new Error(`no Hardhat CLI at ${HARDHAT_CLI}: npm install`);
  const child = spawn(
    process.execPath,
    [
      "--import",
      EXIT_WITH_PARENT,
      HARDHAT_CLI,
      "node",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    {
      cwd: PROJECT_ROOT,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    },
  );
  running.add(child);

  let text = "";
  const record = (chunk: Buffer) => {
    text = (text + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout!.on("data", record);
  child.stderr!.on("data", record);
  child.stdin!.on("error", () => {}); // EPIPE once the node is gone: nothing to do.
  child.on("error", (error) => record(Buffer.from(`spawn failed: ${error.message}\n`)));
  const output = () => text;

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else {
      child.once("close", () => resolve());
      child.once("error", () => child.pid === undefined && resolve()); // spawning failed
    }
  });
  void exited.then(() => running.delete(child));

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 3_000): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end();
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  const url = `http://127.0.0.1:${port}`;
  // The node prints the address it listens on: never mistake another process on the port for it.
  const announced = () => output().includes(`127.0.0.1:${port}`);
  try {
    const chainId = await waitForJsonRpc({
      url,
      timeoutMs: readyTimeoutMs,
      exited,
      announced,
      output,
    });
    return { url, port, chainId, process: child, output, stop };
  } catch (error) {
    await stop(1_000);
    throw error;
  }
}

/**
 * Polls `eth_chainId` once the node has announced its address, until it answers; fails if the
 * node exits first or `timeoutMs` passes.
 */
async function waitForJsonRpc({
  url,
  timeoutMs,
  exited,
  announced,
  output,
}: {
  url: string;
  timeoutMs: number;
  exited: Promise<void>;
  announced: () => boolean;
  output: () => string;
}): Promise<bigint> {
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited) {
      throw new NodeExitedEarlyError(`hardhat node exited before answering:\n${output()}`);
    }
    if (announced()) {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
          signal: AbortSignal.timeout(1_000),
        });
        const body = (await response.json()) as { result?: string };
        if (typeof body.result === "string") return BigInt(body.result);
      } catch {
        // Not answering yet.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`hardhat node did not answer at ${url} within ${timeoutMs} ms:\n${output()}`);
}

/**
 * A port nothing listens on right now (the OS picks it; it may be taken again before use).
 *
 * @example
 * const port = await freePort();
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port assigned");
  return address.port;
}
