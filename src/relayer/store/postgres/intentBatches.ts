import { IntentExistsError } from "../IntentStore.js";
import { ACTIVE_CONDITION, type IntentRow } from "../rows/intentRows.js";
import type { PostgresDatabase } from "./connection.js";
import { DB_NOW_MS, INTENT_COLUMNS, INTENT_SELECT, intentValues } from "./statements.js";
import { TurnBatcher } from "./turnBatcher.js";

/** Each intent column's array type, for `unnest` of a batch of rows. */
const COLUMN_ARRAY_TYPES: Record<(typeof INTENT_COLUMNS)[number], string> = {
  id: "text[]",
  wallet: "text[]",
  signed: "text[]",
  status: "text[]",
  reason: "text[]",
  tx_hash: "text[]",
  block_number: "numeric[]",
  relayed_by: "text[]",
  created_at: "bigint[]",
  updated_at: "bigint[]",
  hold_until: "bigint[]",
};

/**
 * The batched statements on `intents`: rows inserted from one array per column ($1..$11, then
 * the holder and the lease's length), returning the IDs inserted (an ID held already is not);
 * the rows of a list of IDs; the non-final intents of a list of wallets, counted by wallet.
 *
 * @example
 * const { rows } = await db.query(INTENT_BATCH_SQL.get, [ids]);
 */
export const INTENT_BATCH_SQL = {
  insert: `INSERT INTO intents (${INTENT_SELECT}, lease_holder, lease_until)
    SELECT *, $${INTENT_COLUMNS.length + 1}, ${DB_NOW_MS} + $${INTENT_COLUMNS.length + 2}
    FROM unnest(${INTENT_COLUMNS.map((column, i) => `$${i + 1}::${COLUMN_ARRAY_TYPES[column]}`).join(", ")})
    ON CONFLICT (id) DO NOTHING RETURNING id`,
  get: `SELECT ${INTENT_SELECT} FROM intents WHERE id = ANY($1::text[])`,
  countPendingByWallet: `SELECT wallet, COUNT(*) AS count FROM intents
    WHERE wallet = ANY($1::text[]) AND ${ACTIVE_CONDITION} GROUP BY wallet`,
} as const;

/**
 * The intent reads and inserts of one event-loop turn, each batch one statement
 * (`TurnBatcher`): `get` by lowercase ID, `countPendingByWallet` by lowercase wallet, and
 * `insert` of rows leased to `holder` for `leaseMs` (`IntentExistsError` for an ID the table
 * or an earlier row of the batch holds).
 *
 * @example
 * const batches = new IntentBatches(db, { holder: "0xab…", leaseMs: 15_000 });
 * const row = await batches.get.load(id);
 */
export class IntentBatches {
  readonly get: TurnBatcher<string, IntentRow | undefined>;
  readonly countPendingByWallet: TurnBatcher<string, number>;
  readonly insert: TurnBatcher<IntentRow, true>;

  constructor(db: PostgresDatabase, lease: { holder: string; leaseMs: number }) {
    this.get = new TurnBatcher(async (ids) => {
      const { rows } = await db.query<IntentRow>(INTENT_BATCH_SQL.get, [ids]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id));
    });
    this.countPendingByWallet = new TurnBatcher(async (wallets) => {
      const query = INTENT_BATCH_SQL.countPendingByWallet;
      const { rows } = await db.query<{ wallet: string; count: number }>(query, [wallets]);
      const byWallet = new Map(rows.map((row) => [row.wallet, row.count]));
      return wallets.map((wallet) => byWallet.get(wallet) ?? 0);
    });
    this.insert = new TurnBatcher((rows) => insertRows(db, rows, lease));
  }

  /** Runs the calls collected so far and waits for every batch (before the pool closes). */
  async drain(): Promise<void> {
    await Promise.all([this.get, this.countPendingByWallet, this.insert].map((b) => b.drain()));
  }
}

/** Inserts `rows` in one statement; each answer `true`, or `IntentExistsError` for an ID held. */
async function insertRows(
  db: PostgresDatabase,
  rows: IntentRow[],
  { holder, leaseMs }: { holder: string; leaseMs: number },
): Promise<(true | Error)[]> {
  const first = new Map<string, IntentRow>();
  for (const row of rows) if (!first.has(row.id)) first.set(row.id, row);
  const unique = [...first.values()];
  const values = unique.map(intentValues);
  const columns = INTENT_COLUMNS.map((_, index) => values.map((row) => row[index]));
  const { rows: inserted } = await db.query<{ id: string }>(INTENT_BATCH_SQL.insert, [
    ...columns,
    holder,
    leaseMs,
  ]);
  const stored = new Set(inserted.map((row) => row.id));
  return rows.map((row) =>
    first.get(row.id) === row && stored.has(row.id) ? true : new IntentExistsError(row.id),
  );
}
