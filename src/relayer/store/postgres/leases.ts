import type { IntentRecord, TransactionRecord } from "../../types.js";
import type { ClaimedIntent, FleetBacklog, ForeignTransaction, IntentLeases } from "../leases.js";
import { lookupKey } from "../rows/columns.js";
import { ACTIVE_CONDITION, rowToIntent, type IntentRow } from "../rows/intentRows.js";
import type { SignedIntentCache } from "../rows/signedIntentCache.js";
import { rowToTransaction, type TransactionRow } from "../rows/transactionRows.js";
import type { PostgresDatabase } from "./connection.js";
import { checksummed } from "./fencing.js";
import { DB_NOW_MS, INTENT_SELECT, TRANSACTION_SELECT } from "./statements.js";

/** A lease that no one holds, or that has ended. */
const UNLEASED = `(lease_holder IS NULL OR lease_until IS NULL OR lease_until <= ${DB_NOW_MS})`;

/**
 * The statements on leases; `$1` is the holder (lowercase). `claim` is one statement: it locks
 * its candidates (skipping those another transaction locks), keeps who held each, and leases
 * them.
 *
 * @example
 * const { rowCount } = await db.query(LEASE_SQL.renew, [holder.toLowerCase(), leaseMs]);
 */
export const LEASE_SQL = {
  renew: `UPDATE intents SET lease_until = ${DB_NOW_MS} + $2
    WHERE lease_holder = $1 AND ${ACTIVE_CONDITION}`,
  claim: `WITH candidates AS (
      SELECT id, lease_holder AS previous_holder FROM intents
      WHERE ${ACTIVE_CONDITION} AND ${UNLEASED}
      ORDER BY created_at, id LIMIT $2
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE intents SET lease_holder = $1, lease_until = ${DB_NOW_MS} + $3
      FROM candidates WHERE intents.id = candidates.id
      RETURNING ${INTENT_SELECT.split(", ")
        .map((column) => `intents.${column}`)
        .join(", ")},
        candidates.previous_holder
    )
    SELECT * FROM claimed ORDER BY created_at, id`,
  listHeld: `SELECT ${INTENT_SELECT} FROM intents
    WHERE lease_holder = $1 AND ${ACTIVE_CONDITION} ORDER BY created_at, id`,
  pendingCarrying: `SELECT sender, ${TRANSACTION_SELECT} FROM transactions
    WHERE intent_ids && $2::text[] AND state = 'pending' AND sender <> $1
    ORDER BY sender, nonce, sent_at, hash`,
  backlog: `SELECT CASE WHEN NOT ${UNLEASED} THEN lease_holder END AS holder, COUNT(*) AS count
    FROM intents WHERE ${ACTIVE_CONDITION} GROUP BY 1`,
} as const;

/**
 * The leases of a `PostgresIntentStore`: see `IntentLeases`. Every time is the database's.
 *
 * @example
 * const leases = new PostgresIntentLeases(db, { holder, leaseMs: 15_000 }, signedIntents);
 * const taken = await leases.claim(100);
 */
export class PostgresIntentLeases implements IntentLeases {
  readonly holder: string;
  readonly leaseMs: number;
  readonly #db: PostgresDatabase;
  readonly #key: string;
  readonly #signed: SignedIntentCache;

  constructor(
    db: PostgresDatabase,
    { holder, leaseMs }: { holder: string; leaseMs: number },
    signed: SignedIntentCache,
  ) {
    this.#db = db;
    this.holder = holder;
    this.#key = holder.toLowerCase();
    this.leaseMs = leaseMs;
    this.#signed = signed;
  }

  async renew(): Promise<number> {
    const { rowCount } = await this.#db.query(LEASE_SQL.renew, [this.#key, this.leaseMs]);
    return rowCount ?? 0;
  }

  async claim(limit: number): Promise<ClaimedIntent[]> {
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new RangeError(`limit must be an integer >= 0, got ${String(limit)}`);
    }
    if (limit === 0) return [];
    const { rows } = await this.#db.query<IntentRow & { previous_holder: string | null }>(
      LEASE_SQL.claim,
      [this.#key, limit, this.leaseMs],
    );
    return rows.map(({ previous_holder, ...row }) => {
      const previousHolder = checksummed(previous_holder);
      const record = rowToIntent(row, this.#signed);
      return previousHolder === undefined ? { record } : { record, previousHolder };
    });
  }

  async listHeld(): Promise<IntentRecord[]> {
    const { rows } = await this.#db.query<IntentRow>(LEASE_SQL.listHeld, [this.#key]);
    return rows.map((row) => rowToIntent(row, this.#signed));
  }

  async pendingTransactionsCarrying(ids: string[]): Promise<ForeignTransaction[]> {
    if (!Array.isArray(ids)) throw new TypeError("ids: expected an array of intent IDs");
    if (ids.length === 0) return [];
    const { rows } = await this.#db.query<TransactionRow & { sender: string }>(
      LEASE_SQL.pendingCarrying,
      [this.#key, ids.map(lookupKey)],
    );
    return rows.map(({ sender, ...row }) => ({
      ...(rowToTransaction(row) satisfies TransactionRecord),
      sender: checksummed(sender) as string,
    }));
  }

  async backlog(): Promise<FleetBacklog> {
    const { rows } = await this.#db.query<{ holder: string | null; count: number }>(
      LEASE_SQL.backlog,
    );
    const backlog: FleetBacklog = { active: 0, unleased: 0, byHolder: {} };
    for (const { holder, count } of rows) {
      backlog.active += count;
      if (holder === null) backlog.unleased += count;
      else backlog.byHolder[checksummed(holder) as string] = count;
    }
    return backlog;
  }
}
