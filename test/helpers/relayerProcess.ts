import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

import type {
  IntentStatusResponse,
  RelayerClient,
  RelayerIntentStatus,
} from "../../src/sdk/index.js";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../../src/relayer/main.ts", import.meta.url));
/** tsx's loader by absolute URL, so the relayer can run in any working directory. */
const TSX_LOADER = import.meta.resolve("tsx/esm");

/** Loaded into the relayer's process: it exits when its stdin closes (the test process died). */
const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent(
  'process.stdin.on("end",()=>process.exit(0));process.stdin.on("error",()=>process.exit(0));process.stdin.resume();',
)}`;

export interface RelayerProcess {
  url: string;
  process: ChildProcess;
  /** Everything it printed so far (structured logs), for failure messages. */
  output(): string;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: no cleanup at all, as in a crash. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once("exit", () => running.forEach((child) => child.kill("SIGKILL")));

/** Spawns `node --import tsx/esm src/relayer/main.ts` in `cwd` with `env` on top of ours. */
function spawnRelayer(env: Record<string, string>, cwd: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      "--disable-warning=ExperimentalWarning",
      "--import",
      TSX_LOADER,
      "--import",
      EXIT_WITH_PARENT,
      MAIN,
    ],
    {
      cwd,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, RELAYER_PORT: "0", ...env },
    },
  );
  running.add(child);
  child.once("close", () => running.delete(child));
  return child;
}

/**
 * Starts the relayer service as its own process (`node --import tsx/esm src/relayer/main.ts`)
 * with `env` (RELAYER_* variables), in the repository or in `cwd`, and waits until it listens.
 */
export async function startRelayerProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
  { cwd = PROJECT_ROOT }: { cwd?: string } = {},
): Promise<RelayerProcess> {
  const child = spawnRelayer(env, cwd);
  let text = "";
  const record = (chunk: Buffer) => (text = (text + chunk.toString("utf8")).slice(-50_000));
  child.stdout!.on("data", record);
  child.stderr!.on("data", record);
  child.stdin!.on("error", () => {});
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /relayer listening on (http:\/\/[^\s]+)/.exec(text);
    if (match !== null) {
      return {
        url: match[1],
        process: child,
        output: () => text,
        stop: () => end("SIGTERM"),
        kill: () => end("SIGKILL"),
      };
    }
    if (child.exitCode !== null) throw new Error(`the relayer exited before listening:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await end("SIGKILL");
  throw new Error(`the relayer did not listen within ${timeoutMs} ms:\n${text}`);
}

/** How a relayer process that was expected to refuse to start ended. */
export interface RelayerExit {
  /** Its exit code (`null` if it was killed). */
  code: number | null;
  /** Everything it printed, stdout and stderr. */
  output: string;
}

/**
 * Runs the relayer service as its own process with `env` until it exits by itself, as it does
 * when it refuses to start; kills it and fails if it is still running after `timeoutMs` (it
 * started instead).
 */
export async function runRelayerUntilExit(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<RelayerExit> {
  const child = spawnRelayer(env, PROJECT_ROOT);
  let output = "";
  const record = (chunk: Buffer) => (output += chunk.toString("utf8"));
  child.stdout!.on("data", record);
  child.stderr!.on("data", record);
  child.stdin!.on("error", () => {});
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  clearTimeout(timer);
  if (code === null) throw new Error(`the relayer did not exit within ${timeoutMs} ms:\n${output}`);
  return { code, output };
}

/**
 * Waits until intent `id` is final on the relayer (or reaches one of `until`), pushing every
 * new status it passes through to `seen`.
 */
export function followIntent(
  client: RelayerClient,
  id: string,
  seen: RelayerIntentStatus[] = [],
  until?: RelayerIntentStatus[],
): Promise<IntentStatusResponse> {
  return client.waitFor(id, {
    timeoutMs: 20_000,
    intervalMs: 25,
    until,
    onStatus: ({ status }) => {
      if (seen.at(-1) !== status) seen.push(status);
    },
  });
}

/** A status as one line for assertion messages: `rejected: canceled the owner canceled it`. */
export function describeStatus(status: IntentStatusResponse): string {
  return `${status.status}: ${status.reason?.code} ${status.reason?.message}`;
}
