import { getAddress } from "ethers";
import type pg from "pg";

import { RecordNotFoundError, TransactionExistsError } from "../errors.js";
import { LeaseLostError } from "../leases.js";
import type { TransactionRow } from "../rows/transactionRows.js";
import {
  DB_NOW_MS,
  INTENT_SQL,
  TRANSACTION_SQL,
  intentIdsOf,
  transactionValues,
} from "./statements.js";

/**
 * Locks (until the transaction ends) those of the intents `$1` that `$2` leases live, in ID
 * order (two writers locking the same intents never deadlock). A claim skips locked intents,
 * and waits for none.
 */
const LOCK_LEASED_INTENTS = `SELECT id FROM intents
  WHERE id = ANY($1::text[]) AND lease_holder = $2 AND lease_until > ${DB_NOW_MS}
  ORDER BY id FOR UPDATE`;

/** Who leases intent `$1` live (NULL: no one, or the lease ended). */
const LIVE_HOLDER_OF = `SELECT CASE WHEN lease_until > ${DB_NOW_MS} THEN lease_holder END
  AS lease_holder FROM intents WHERE id = $1`;

/**
 * The checksummed form of a lowercase address from a column; `undefined` for NULL.
 *
 * @example
 * const previousHolder = checksummed(row.previous_holder);
 */
export function checksummed(address: string | null | undefined): string | undefined {
  return address === null || address === undefined ? undefined : getAddress(address);
}

/**
 * Records a relay transaction signed by `holder` (checksummed) on `client`, in its open
 * transaction, only if `holder` leases every intent it carries and no lease has ended: those
 * intents stay locked until the transaction ends, so no claim takes one in between, and one
 * that took it before is seen. Throws `LeaseLostError` for the first intent not so leased,
 * `TransactionExistsError` for a hash already recorded: then the caller rolls back. A
 * transaction that carries no intent (a filler) needs no lease.
 *
 * @example
 * await db.transaction((client) => insertLeasedTransaction(client, row, holder));
 */
export async function insertLeasedTransaction(
  client: pg.ClientBase,
  row: TransactionRow,
  holder: string,
): Promise<void> {
  const sender = holder.toLowerCase();
  const ids = intentIdsOf(row);
  const distinct = [...new Set(ids)];
  if (distinct.length > 0) {
    const { rows } = await client.query<{ id: string }>(LOCK_LEASED_INTENTS, [distinct, sender]);
    if (rows.length < distinct.length) {
      const locked = new Set(rows.map((lease) => lease.id));
      const missing = ids.find((id) => !locked.has(id)) as string;
      const current = await client.query<{ lease_holder: string | null }>(LIVE_HOLDER_OF, [
        missing,
      ]);
      throw new LeaseLostError(missing, holder, checksummed(current.rows[0]?.lease_holder));
    }
  }
  const { rowCount } = await client.query(TRANSACTION_SQL.insert, transactionValues(sender, row));
  if (rowCount === 0) throw new TransactionExistsError(row.hash);
}

/**
 * Why an update of intent `key` by `holder` (checksummed) changed no row:
 * `RecordNotFoundError` if no such intent is stored, else `LeaseLostError` naming who leases it.
 *
 * @example
 * if (rowCount === 0) throw await refusedUpdate(client, key, holder);
 */
export async function refusedUpdate(
  client: pg.ClientBase,
  key: string,
  holder: string,
): Promise<Error> {
  const { rows } = await client.query<{ lease_holder: string | null }>(INTENT_SQL.leaseHolderOf, [
    key,
  ]);
  if (rows.length === 0) return new RecordNotFoundError("intent", key);
  return new LeaseLostError(key, holder, checksummed(rows[0].lease_holder));
}
