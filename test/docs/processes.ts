import { spawn, type ChildProcess } from "node:child_process";

/*
 * Shell commands run as the docs' reader runs them, each in a process group of its own, so that
 * stopping it stops everything it started (npx, npm, node). Nothing outlives the test process:
 * the groups are killed when it exits, and a small reaper process kills them if it dies without
 * exiting normally (SIGKILL, a crash). Not a test file itself.
 */

/** A running `bash -c` command and its process group. */
export interface RunningCommand {
  child: ChildProcess;
  /** stdout and stderr as they came, interleaved (the last 200,000 characters). */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the command has exited. */
  exited: Promise<number | string>;
  /** Whether the command has exited. */
  hasExited(): boolean;
  /** SIGTERM to the whole group, then SIGKILL after `graceMs`; resolves once it exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** The process groups started and not known to be over. */
const groups = new Set<number>();

/**
 * Kills the groups left, and deletes the folders left, when the reaper's stdin closes, that is
 * when the test process is gone. Lines on stdin: `+pid:<pid>` to watch a group, `-pid:<pid>`
 * once it is over; `+dir:<path>` and `-dir:<path>` for a temporary folder.
 */
const REAPER = `
const { rmSync } = require("node:fs");
const left = { pid: new Set(), dir: new Set() };
let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  const lines = (pending + chunk).split("\\n");
  pending = lines.pop();
  for (const line of lines) {
    const colon = line.indexOf(":");
    const set = left[line.slice(1, colon)];
    const value = line.slice(colon + 1);
    if (line[0] === "+") set.add(value); else set.delete(value);
  }
});
process.stdin.on("end", () => {
  for (const pid of left.pid) { try { process.kill(-Number(pid), "SIGKILL"); } catch {} }
  for (const dir of left.dir) { try { rmSync(dir, { recursive: true, force: true }); } catch {} }
  process.exit(0);
});
`;

let reaper: ChildProcess | undefined;

function tellReaper(line: string): void {
  if (reaper === undefined) {
    reaper = spawn(process.execPath, ["-e", REAPER], {
      stdio: ["pipe", "ignore", "ignore"],
      detached: true,
    });
    reaper.stdin!.on("error", () => {});
    reaper.unref();
    (reaper.stdin as unknown as { unref?: () => void }).unref?.();
  }
  reaper.stdin!.write(`${line}\n`);
}

process.once("exit", () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Over already.
    }
  }
});

/**
 * Runs `script` with `bash -e -o pipefail -c` in `cwd`, in its own process group.
 *
 * @example
 * const command = runCommand("npx hardhat --help", { cwd, env });
 * expect(await command.exited).to.equal(0);
 */
export function runCommand(
  script: string,
  { cwd, env }: { cwd: string; env: NodeJS.ProcessEnv },
): RunningCommand {
  const child = spawn("bash", ["-e", "-o", "pipefail", "-c", script], {
    cwd,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid !== undefined) {
    groups.add(pid);
    tellReaper(`+pid:${pid}`);
  }
  let text = "";
  const record = (chunk: Buffer) => {
    text = (text + chunk.toString("utf8")).slice(-200_000);
  };
  child.stdout!.on("data", record);
  child.stderr!.on("data", record);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once("error", (error) => {
      record(Buffer.from(`spawn failed: ${error.message}\n`));
      if (pid === undefined) resolve("spawn failed");
    });
    child.once("close", (code, signal) => resolve(code ?? signal ?? "unknown"));
  }).then((status) => {
    done = true;
    // Forget the group once none of its processes is left, so no later kill can reach a reused ID.
    if (pid !== undefined && !groupAlive(pid)) {
      groups.delete(pid);
      tellReaper(`-pid:${pid}`);
    }
    return status;
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 3_000): Promise<void> => {
    stopping ??= (async () => {
      if (pid === undefined) return;
      signalGroup(pid, "SIGTERM");
      const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      // npm and npx may leave their child running after the shell exits: make sure the group is gone.
      if (groups.has(pid)) signalGroup(pid, "SIGKILL");
      groups.delete(pid);
      tellReaper(`-pid:${pid}`);
    })();
    return stopping;
  };

  return { child, output: () => text, exited, hasExited: () => done, stop };
}

/** Whether any process of group `pid` is still running. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is over.
  }
}

/**
 * Has `path`, a temporary folder, deleted if the test process dies before it deletes it itself
 * (then call `forgetTemporaryFolder`).
 *
 * @example
 * const copy = mkdtempSync(join(tmpdir(), "docs-"));
 * deleteTemporaryFolderOnCrash(copy);
 */
export function deleteTemporaryFolderOnCrash(path: string): void {
  tellReaper(`+dir:${path}`);
}

/** The test deleted `path` itself: the reaper can forget it. */
export function forgetTemporaryFolder(path: string): void {
  tellReaper(`-dir:${path}`);
}

/** Ends the reaper (every group was stopped): it has nothing left to kill. */
export function releaseReaper(): void {
  reaper?.stdin?.end();
  reaper = undefined;
}

/**
 * Polls `ready` every 100 ms until it is true; fails if `command` exits first or `timeoutMs`
 * passes, with what the command printed.
 *
 * @example
 * await waitUntil(node, () => answersJsonRpc(url), 30_000, "the node answers");
 */
export async function waitUntil(
  command: RunningCommand,
  ready: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (command.hasExited()) {
      throw new Error(`exited (${await command.exited}) before ${what}:\n${command.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ${what} within ${timeoutMs} ms:\n${command.output()}`);
}
