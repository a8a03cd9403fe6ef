import pg from "pg";

import { StoreClosedError, StoreUnavailableError } from "../errors.js";

/** Postgres's type ID of BIGINT (int8). */
const BIGINT_OID = 20;

/**
 * The environment variable a relayer reads its database URL from, as errors name it.
 *
 * @example
 * const url = process.env[DATABASE_URL_VARIABLE];
 */
export const DATABASE_URL_VARIABLE = "RELAYER_DATABASE_URL";

/**
 * `url` with its password masked (`postgres://relayer:***@db:5432/relayer`), fit for a log or
 * an error; a placeholder for text that is not a URL, which may hold a password anywhere.
 *
 * @example
 * maskDatabaseUrl("postgres://relayer:secret@db/relayer"); // "postgres://relayer:***@db/relayer"
 */
export function maskDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(not a URL)";
  }
  if (parsed.password !== "") parsed.password = "***";
  return parsed.toString();
}

/**
 * The error of a database the relayer cannot reach (or log into) at `url`: it names
 * `RELAYER_DATABASE_URL`, with the password masked, and says why; `cause` is the driver's error.
 *
 * @example
 * throw databaseConnectionError(config.databaseUrl, error);
 * // cannot connect to the database at RELAYER_DATABASE_URL (postgres://relayer:***@db/relayer): connect ECONNREFUSED 10.0.0.5:5432
 */
export function databaseConnectionError(url: string, failure: unknown): Error {
  // The driver's own words, not those of the store's wrapper.
  const cause = failure instanceof StoreUnavailableError ? failure.cause : failure;
  const error = new Error(
    `cannot connect to the database at ${DATABASE_URL_VARIABLE} (${maskDatabaseUrl(url)}): ${reasonOf(cause)}`,
    { cause },
  );
  error.name = "DatabaseConnectionError";
  return error;
}

/** What went wrong, in words: an AggregateError (one per address tried) may have no message. */
function reasonOf(cause: unknown): string {
  if (cause instanceof AggregateError && cause.message === "") {
    return cause.errors.map(reasonOf).join("; ");
  }
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return cause.message !== "" ? cause.message : String(code ?? cause.name);
  }
  return String(cause);
}

/**
 * BIGINT columns come back as JS numbers (they hold unix milliseconds, nonces and counts: safe
 * integers), every other type as `pg` parses it by default. Given to each pool, so `pg`'s
 * global parsers stay untouched.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === BIGINT_OID
      ? (text: string) => Number(text)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * How to connect: the URL, how many connections at most, how long a connection attempt waits.
 *
 * @example
 * const options: PoolOptions = { url, poolSize: 10, connectTimeoutMs: 10_000 };
 */
export interface PoolOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs: number;
}

/**
 * A Postgres database reached through a pool of connections, that refuses every call once
 * closed (`StoreClosedError`) and lets the calls in flight finish before it closes. A
 * connection that breaks (the server restarted) is dropped, and the next call connects anew.
 *
 * @example
 * const db = new PostgresDatabase({ url, poolSize: 10, connectTimeoutMs: 10_000 });
 * const { rows } = await db.query("SELECT id FROM intents WHERE id = $1", [key]);
 * await db.close();
 */
export class PostgresDatabase {
  readonly #pool: pg.Pool;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor({ url, poolSize, connectTimeoutMs }: PoolOptions) {
    this.#pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: connectTimeoutMs,
      types,
    });
    // A connection that breaks (idle, or between the statements of a call) fails what it runs,
    // if anything, and is dropped by the pool; the next call opens another. Without these
    // listeners its error event would end the process.
    this.#pool.on("error", () => {});
    this.#pool.on("connect", (client) => client.on("error", () => {}));
  }

  /** Runs one statement (in a transaction of its own). */
  query<Row extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<Row>> {
    return this.#track(() => this.#pool.query<Row>(text, values));
  }

  /**
   * Runs `body` in one transaction on one connection: committed if `body` resolves, rolled
   * back if it throws (its error is the one thrown).
   */
  transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#track(() => inTransaction(this.#pool, body));
  }

  /** Runs `body` on one connection, outside any transaction: several statements, one call. */
  connection<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#track(async () => {
      const client = await this.#pool.connect();
      try {
        const result = await body(client);
        client.release();
        return result;
      } catch (error) {
        // Closed rather than given back, as pg's pool does after a failed query: it may be broken.
        client.release(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    });
  }

  /** Waits for the calls in flight, then closes every connection. A second call does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled(this.#inFlight);
    await this.#pool.end();
  }

  /** Runs `call` unless closed, keeping its promise until it settles so `close` can wait. */
  async #track<T>(call: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreClosedError();
    const promise = call();
    this.#inFlight.add(promise);
    try {
      return await promise;
    } catch (error) {
      throw isUnreachable(error) ? new StoreUnavailableError(error) : error;
    } finally {
      this.#inFlight.delete(promise);
    }
  }
}

/** Node's errors of a connection no server answered, or that broke. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/**
 * Whether `error` says the database did not answer, rather than refused a statement: a socket
 * error, Postgres's connection exceptions (SQLSTATE class 08) and shutdowns (57P01 to 57P03),
 * or `pg`'s own words for a connection that broke or timed out.
 */
function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = String((error as { code?: unknown }).code ?? "");
  if (SOCKET_CODES.has(code) || code.startsWith("08") || /^57P0[123]$/.test(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnreachable);
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    error.message,
  );
}

/**
 * Runs `body` between BEGIN and COMMIT on a connection of `pool`; on an error, ROLLBACK, and a
 * connection whose rollback failed too is closed rather than given back.
 */
async function inTransaction<T>(
  pool: pg.Pool,
  body: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await body(client);
    await client.query("COMMIT");
    client.release();
    return result;
  } catch (error) {
    const rolledBack = await client.query("ROLLBACK").then(
      () => true,
      () => false,
    );
    client.release(rolledBack ? undefined : new Error("the rollback failed", { cause: error }));
    throw error;
  }
}
