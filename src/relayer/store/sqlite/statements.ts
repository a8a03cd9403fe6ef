import type { DatabaseSync, StatementSync } from "node:sqlite";

import { ACTIVE_CONDITION } from "../rows/intentRows.js";

const INTENT_COLUMNS =
  "id, wallet, signed, status, reason, tx_hash, block_number, relayed_by, created_at, updated_at, hold_until";
const TRANSACTION_COLUMNS =
  "hash, nonce, raw, intent_ids, max_fee, max_priority_fee, sent_at, state, block_number";
const SPENDING_MINUTE_COLUMNS = "minute_start, wei, gas, spends";

/**
 * The statements on the `intents` table. `insertIntent` changes no row (`changes` 0) for an ID
 * the table holds already.
 *
 * @example
 * const { changes } = prepareIntentStatements(db).insertIntent.run({ ...intentToRow(record) });
 */
export function prepareIntentStatements(db: DatabaseSync) {
  return {
    insertIntent: db.prepare(
      `INSERT INTO intents (${INTENT_COLUMNS}) VALUES (${named(INTENT_COLUMNS)})
       ON CONFLICT (id) DO NOTHING`,
    ),
    getIntent: db.prepare(`SELECT ${INTENT_COLUMNS} FROM intents WHERE id = ?`),
    listByWallet: db.prepare(
      `SELECT ${INTENT_COLUMNS} FROM intents WHERE wallet = ?
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    listByWalletAfter: db.prepare(
      `SELECT ${INTENT_COLUMNS} FROM intents WHERE wallet = ?1 AND (created_at, id) < (?2, ?3)
       ORDER BY created_at DESC, id DESC LIMIT ?4`,
    ),
    listActive: db.prepare(
      `SELECT ${INTENT_COLUMNS} FROM intents WHERE ${ACTIVE_CONDITION} ORDER BY created_at, id`,
    ),
    countPendingByWallet: db.prepare(
      `SELECT COUNT(*) AS count FROM intents WHERE wallet = ? AND ${ACTIVE_CONDITION}`,
    ),
    countByStatus: db.prepare("SELECT status, COUNT(*) AS count FROM intents GROUP BY status"),
  };
}

/**
 * The statements on the `transactions` table. `insertTransaction` changes no row (`changes`
 * 0) for a hash the table holds already.
 *
 * @example
 * const { nonce } = prepareTransactionStatements(db).maxNonce.get() as { nonce: number | null };
 */
export function prepareTransactionStatements(db: DatabaseSync) {
  return {
    insertTransaction: db.prepare(
      `INSERT INTO transactions (${TRANSACTION_COLUMNS}) VALUES (${named(TRANSACTION_COLUMNS)})
       ON CONFLICT (hash) DO NOTHING`,
    ),
    getTransaction: db.prepare("SELECT hash FROM transactions WHERE hash = ?"),
    listPendingTransactions: db.prepare(
      `SELECT ${TRANSACTION_COLUMNS} FROM transactions WHERE state = 'pending'
       ORDER BY nonce, sent_at, hash`,
    ),
    maxNonce: db.prepare("SELECT MAX(nonce) AS nonce FROM transactions"),
  };
}

/**
 * The statements on the `spending_minutes` table: one minute's row, its replacement (inserted
 * or overwritten), and the wei of every minute from a start on.
 *
 * @example
 * const rows = prepareSpendingStatements(db).spendingSince.all(firstMinuteSince(since));
 */
export function prepareSpendingStatements(db: DatabaseSync) {
  return {
    getSpendingMinute: db.prepare(
      `SELECT ${SPENDING_MINUTE_COLUMNS} FROM spending_minutes WHERE minute_start = ?`,
    ),
    putSpendingMinute: db.prepare(
      `INSERT INTO spending_minutes (${SPENDING_MINUTE_COLUMNS})
       VALUES (${named(SPENDING_MINUTE_COLUMNS)})
       ON CONFLICT (minute_start) DO UPDATE
       SET wei = excluded.wei, gas = excluded.gas, spends = excluded.spends`,
    ),
    spendingSince: db.prepare("SELECT wei FROM spending_minutes WHERE minute_start >= ?"),
  };
}

/**
 * The `UPDATE table SET <columns> WHERE keyColumn = :key` statements, each prepared once per set
 * of columns it writes.
 *
 * @example
 * const updates = new UpdateStatements(db);
 * updates.of("intents", "id", columns).run({ ...columns, key });
 */
export class UpdateStatements {
  readonly #db: DatabaseSync;
  readonly #prepared = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** The statement that sets the columns named by the keys of `columns` in `table`. */
  of(table: "intents" | "transactions", keyColumn: string, columns: object): StatementSync {
    const names = Object.keys(columns).sort();
    const cacheKey = `${table}:${names.join(",")}`;
    let statement = this.#prepared.get(cacheKey);
    if (statement === undefined) {
      const assignments = names.map((name) => `${name} = :${name}`).join(", ");
      statement = this.#db.prepare(`UPDATE ${table} SET ${assignments} WHERE ${keyColumn} = :key`);
      this.#prepared.set(cacheKey, statement);
    }
    return statement;
  }

  clear(): void {
    this.#prepared.clear();
  }
}

/** `:a, :b` for the columns `a, b`. */
function named(columns: string): string {
  return columns
    .split(", ")
    .map((column) => `:${column}`)
    .join(", ");
}
