import { ACTIVE_CONDITION, type IntentRow } from "../rows/intentRows.js";
import type { TransactionRow } from "../rows/transactionRows.js";

/**
 * Now, in unix milliseconds, on the database's clock (`clock_timestamp()`: the moment the
 * statement reads it, not the start of its transaction): every lease time is read on it, so
 * the relayers' own clocks need not agree.
 *
 * @example
 * const renew = `UPDATE intents SET lease_until = ${DB_NOW_MS} + $2 WHERE lease_holder = $1`;
 */
export const DB_NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/**
 * The columns of an intent row, in the order `intentValues` gives their values.
 *
 * @example
 * const types = INTENT_COLUMNS.map((column) => typeOf(column));
 */
export const INTENT_COLUMNS = [
  "id",
  "wallet",
  "signed",
  "status",
  "reason",
  "tx_hash",
  "block_number",
  "relayed_by",
  "created_at",
  "updated_at",
  "hold_until",
] as const satisfies readonly (keyof IntentRow)[];

/**
 * The columns of an intent row, for a SELECT (`rowToIntent` reads them as SQLite's: NUMERIC
 * comes back as decimal text, BIGINT as a number).
 *
 * @example
 * const sql = `SELECT ${INTENT_SELECT} FROM intents WHERE id = $1`;
 */
export const INTENT_SELECT = INTENT_COLUMNS.join(", ");

/** The columns of a transaction row, in the order `transactionValues` gives their values. */
const TRANSACTION_COLUMNS = [
  "hash",
  "nonce",
  "raw",
  "intent_ids",
  "max_fee",
  "max_priority_fee",
  "sent_at",
  "state",
  "block_number",
] as const satisfies readonly (keyof TransactionRow)[];

/**
 * The columns of a transaction row, for a SELECT: its intent IDs (a TEXT[]) as the JSON array
 * text the row codec reads.
 *
 * @example
 * const sql = `SELECT ${TRANSACTION_SELECT} FROM transactions WHERE hash = $1`;
 */
export const TRANSACTION_SELECT = TRANSACTION_COLUMNS.map((column) =>
  column === "intent_ids" ? "array_to_json(intent_ids)::text AS intent_ids" : column,
).join(", ");

/** `$from, $from+1, ...`: `count` placeholders. */
function placeholders(count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => `$${from + i}`).join(", ");
}

/**
 * The statements on the `intents` table. `insert` takes `intentValues`, then the holder and
 * the lease's length, and inserts no row (rowCount 0) for an ID the table holds already.
 *
 * @example
 * const { rowCount } = await db.query(INTENT_SQL.insert, [...intentValues(row), holder, leaseMs]);
 */
export const INTENT_SQL = {
  insert: `INSERT INTO intents (${INTENT_SELECT}, lease_holder, lease_until)
    VALUES (${placeholders(INTENT_COLUMNS.length)}, $${INTENT_COLUMNS.length + 1},
      ${DB_NOW_MS} + $${INTENT_COLUMNS.length + 2})
    ON CONFLICT (id) DO NOTHING`,
  get: `SELECT ${INTENT_SELECT} FROM intents WHERE id = $1`,
  leaseHolderOf: "SELECT lease_holder FROM intents WHERE id = $1",
  listByWallet: `SELECT ${INTENT_SELECT} FROM intents WHERE wallet = $1
    ORDER BY created_at DESC, id DESC LIMIT $2`,
  listByWalletAfter: `SELECT ${INTENT_SELECT} FROM intents
    WHERE wallet = $1 AND (created_at, id) < ($2, $3)
    ORDER BY created_at DESC, id DESC LIMIT $4`,
  listActive: `SELECT ${INTENT_SELECT} FROM intents WHERE ${ACTIVE_CONDITION}
    ORDER BY created_at, id`,
  countPendingByWallet: `SELECT COUNT(*) AS count FROM intents
    WHERE wallet = $1 AND ${ACTIVE_CONDITION}`,
  countByStatus: "SELECT status, COUNT(*) AS count FROM intents GROUP BY status",
} as const;

/**
 * The statements on the `transactions` table. `insert` takes `transactionValues` and inserts no
 * row (rowCount 0) for a hash the table holds already.
 *
 * @example
 * const { rows } = await db.query(TRANSACTION_SQL.listPending, [sender]);
 */
export const TRANSACTION_SQL = {
  insert: `INSERT INTO transactions (sender, ${TRANSACTION_COLUMNS.join(", ")})
    VALUES (${placeholders(TRANSACTION_COLUMNS.length + 1)})
    ON CONFLICT (hash) DO NOTHING`,
  exists: "SELECT 1 FROM transactions WHERE hash = $1",
  listPending: `SELECT ${TRANSACTION_SELECT} FROM transactions
    WHERE sender = $1 AND state = 'pending' ORDER BY nonce, sent_at, hash`,
  maxNonce: "SELECT MAX(nonce) AS nonce FROM transactions WHERE sender = $1",
} as const;

/**
 * The values of an intent row for `INTENT_SQL.insert`, in its columns' order.
 *
 * @example
 * await db.query(INTENT_SQL.insert, [...intentValues(intentToRow(record)), holder, leaseMs]);
 */
export function intentValues(row: IntentRow): unknown[] {
  return INTENT_COLUMNS.map((column) => row[column]);
}

/**
 * The values of a transaction row for `TRANSACTION_SQL.insert`: its sender, then its columns,
 * its intent IDs as an array (the row keeps their JSON).
 *
 * @example
 * await client.query(TRANSACTION_SQL.insert, transactionValues(sender, transactionToRow(tx)));
 */
export function transactionValues(sender: string, row: TransactionRow): unknown[] {
  return [
    sender,
    ...TRANSACTION_COLUMNS.map((column) =>
      column === "intent_ids" ? intentIdsOf(row) : row[column],
    ),
  ];
}

/**
 * The intent IDs of a transaction row, as its `intent_ids` JSON lists them (lowercase).
 *
 * @example
 * const ids = intentIdsOf(transactionToRow(transaction));
 */
export function intentIdsOf(row: TransactionRow): string[] {
  return JSON.parse(row.intent_ids) as string[];
}

/**
 * `UPDATE table SET <columns> WHERE keyColumn = <key> [AND <column> = <value>]...`, with its
 * values: the names of `columns` (from the row codecs' patches) are the columns it sets.
 *
 * @example
 * const { text, values } = updateStatement("intents", columns, { id: key, lease_holder: holder });
 * await db.query(text, values);
 */
export function updateStatement(
  table: "intents" | "transactions",
  columns: object,
  where: Record<string, unknown>,
): { text: string; values: unknown[] } {
  const set = Object.entries(columns);
  const conditions = Object.entries(where);
  const assignments = set.map(([name], i) => `${name} = $${i + 1}`).join(", ");
  const matches = conditions.map(([name], i) => `${name} = $${set.length + i + 1}`).join(" AND ");
  return {
    text: `UPDATE ${table} SET ${assignments} WHERE ${matches}`,
    values: [...set, ...conditions].map(([, value]) => value),
  };
}
