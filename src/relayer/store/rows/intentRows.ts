import { z } from "zod";

import { toSignedIntentJson } from "../../../protocol/intent/json.js";
import {
  relayerIntentStatusReasonSchema,
  relayerIntentStatusSchema,
} from "../../../protocol/relayerApi/schemas.js";
import {
  FINAL_RELAYER_INTENT_STATUSES,
  RELAYER_INTENT_STATUSES,
} from "../../../protocol/relayerApi/statuses.js";
import { address, bytes32, uint256 } from "../../../protocol/schema/primitives.js";
import type { IntentPage, IntentReason, IntentRecord, IntentRecordPatch } from "../../types.js";
import { toPage } from "../cursor.js";
import { encoded, jsonText, optional, readRow, stored, unixMillis } from "./columns.js";
import type { SignedIntentCache } from "./signedIntentCache.js";

/** A reason as the `reason` column keeps it: its JSON. */
const reasonColumn = jsonText(relayerIntentStatusReasonSchema);

/**
 * An intent as both stores keep it: the columns of the `intents` table, as a zod codec from
 * the row (bigints as decimal strings, the reason as JSON, hex and the wallet lowercase) to its
 * values (bigints, objects). The signed intent is its JSON (`toSignedIntentJson`), read
 * through the protocol's codec (`SignedIntentCache`). Both stores convert records through these
 * rows, so they validate, normalize and give back exactly the same things.
 *
 * @example
 * const { block_number } = intentRowSchema.decode(row); // a bigint, or null
 */
export const intentRowSchema = z.object({
  id: bytes32,
  wallet: address,
  signed: z.string(),
  status: relayerIntentStatusSchema,
  reason: reasonColumn.nullable(),
  tx_hash: bytes32.nullable(),
  block_number: uint256().nullable(),
  relayed_by: address.nullable(),
  created_at: unixMillis,
  updated_at: unixMillis,
  hold_until: unixMillis.nullable(),
});

/**
 * The columns of the `intents` table.
 *
 * @example
 * const row: IntentRow = intentToRow(record);
 */
export type IntentRow = z.input<typeof intentRowSchema>;

/**
 * The SQL condition of an intent whose status is not final, `status NOT IN ('relayed', ...)`,
 * exactly as the SQL stores' partial indexes of active intents are written (a query uses such
 * an index only when its condition is the index's).
 *
 * @example
 * const sql = `SELECT id FROM intents WHERE ${ACTIVE_CONDITION} ORDER BY created_at, id`;
 */
export const ACTIVE_CONDITION = `status NOT IN (${FINAL_RELAYER_INTENT_STATUSES.map((status) => `'${status}'`).join(", ")})`;

/** The column of each mutable field of an intent, and how a value of the field is written there. */
const INTENT_PATCH_COLUMNS = {
  status: ["status", (value) => stored(relayerIntentStatusSchema, value, "status")],
  reason: ["reason", (value) => reasonToJson(value as IntentReason)],
  txHash: ["tx_hash", (value) => stored(bytes32, value, "txHash")],
  blockNumber: ["block_number", (value) => encoded(uint256(), value as bigint, "blockNumber")],
  relayedBy: ["relayed_by", (value) => stored(address, value, "relayedBy")],
  holdUntil: ["hold_until", (value) => stored(unixMillis, value, "holdUntil")],
} as const satisfies Record<
  keyof IntentRecordPatch,
  [keyof IntentRow, (value: unknown) => unknown]
>;

/**
 * The row of a newly accepted intent. Throws a `TypeError` naming the field for anything that
 * is not a valid record, including an `id` or `wallet` other than the signed intent's (any
 * case), and a signed intent the protocol's codec cannot encode (`toSignedIntentJson`).
 *
 * @example
 * statements.insertIntent.run({ ...intentToRow(record) });
 */
export function intentToRow(record: IntentRecord): IntentRow {
  const { id, wallet } = checkedIdentity(record);
  return {
    id,
    wallet,
    // Encoded, not parsed again: its ID was checked when it was read (0.2 ms a record saved).
    signed: JSON.stringify(toSignedIntentJson(record.signed)),
    status: stored(relayerIntentStatusSchema, record.status, "status"),
    reason: optional(record.reason, reasonToJson),
    tx_hash: optional(record.txHash, (value) => stored(bytes32, value, "txHash")),
    block_number: optional(record.blockNumber, (value) => encoded(uint256(), value, "blockNumber")),
    relayed_by: optional(record.relayedBy, (value) => stored(address, value, "relayedBy")),
    created_at: stored(unixMillis, record.createdAt, "createdAt"),
    updated_at: stored(unixMillis, record.updatedAt, "updatedAt"),
    hold_until: optional(record.holdUntil, (value) => stored(unixMillis, value, "holdUntil")),
  };
}

/**
 * The columns an update sets: `updated_at` to `now`, and every key present in `patch`, even
 * with the value `undefined` (which clears the field); absent keys stay as they are. Refuses
 * keys that are not mutable fields.
 *
 * @example
 * const columns = intentUpdateToColumns({ status: "queued", reason: undefined }, Date.now());
 * // { updated_at: 1750000000000, status: "queued", reason: null }
 */
export function intentUpdateToColumns(patch: IntentRecordPatch, now: number): Partial<IntentRow> {
  const columns: Partial<Record<keyof IntentRow, unknown>> = {};
  columns.updated_at = stored(unixMillis, now, "now");
  for (const key of Object.keys(patch)) {
    if (!Object.hasOwn(INTENT_PATCH_COLUMNS, key)) {
      throw new TypeError(`${key} is not a mutable field of an intent record`);
    }
    const field = key as keyof IntentRecordPatch;
    const value = patch[field];
    const [column, write] = INTENT_PATCH_COLUMNS[field];
    if (value === undefined && field === "status") throw new TypeError("status cannot be cleared");
    columns[column] = value === undefined ? null : write(value);
  }
  return columns as Partial<IntentRow>;
}

/**
 * The record of an intent row, checked by `intentRowSchema`; `signedIntents` parses (and caches)
 * its signed intent.
 *
 * @example
 * const record = rowToIntent(row, signedIntents);
 */
export function rowToIntent(row: IntentRow, signedIntents: SignedIntentCache): IntentRecord {
  const { id, status, reason, tx_hash, block_number, relayed_by, ...times } = readRow(
    intentRowSchema,
    row,
    "intent",
  );
  const signed = signedIntents.get(id, row.signed);
  return {
    id,
    // The signed intent's wallet, checksummed by `parseSignedIntent` (`intentToRow` checked they match).
    wallet: signed.wallet,
    signed,
    status,
    ...(reason === null ? {} : { reason }),
    ...(tx_hash === null ? {} : { txHash: tx_hash }),
    ...(block_number === null ? {} : { blockNumber: block_number }),
    ...(relayed_by === null ? {} : { relayedBy: relayed_by }),
    createdAt: times.created_at,
    updatedAt: times.updated_at,
    ...(times.hold_until === null ? {} : { holdUntil: times.hold_until }),
  };
}

/**
 * `countByStatus`'s answer from (status, count) pairs: every known status, 0 when none has it
 * (so a metric never disappears), plus any other status found.
 *
 * @example
 * statusCounts([{ status: "queued", count: 2 }]); // { scheduled: 0, queued: 2, ..., expired: 0 }
 */
export function statusCounts(
  pairs: Iterable<{ status: string; count: number }>,
): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(
    RELAYER_INTENT_STATUSES.map((status) => [status, 0]),
  );
  for (const { status, count } of pairs) counts[status] = (counts[status] ?? 0) + count;
  return counts;
}

/**
 * A record's ID and wallet as their columns keep them (lowercase), checked to be its signed
 * intent's (in any case); a `TypeError` otherwise.
 */
function checkedIdentity(record: IntentRecord): { id: string; wallet: string } {
  const id = stored(bytes32, record.id, "id");
  const wallet = stored(address, record.wallet, "wallet").toLowerCase();
  if (typeof record.signed !== "object" || record.signed === null) {
    throw new TypeError(`signed: expected a signed intent, got ${typeof record.signed}`);
  }
  if (String(record.signed.id).toLowerCase() !== id) {
    throw new TypeError(`id ${id} is not the signed intent's ID ${String(record.signed.id)}`);
  }
  if (String(record.signed.wallet).toLowerCase() !== wallet) {
    throw new TypeError(
      `wallet ${record.wallet} is not the signed intent's wallet ${String(record.signed.wallet)}`,
    );
  }
  return { id, wallet };
}

/** The `reason` column of `reason`; a `TypeError` for a reason that is not one, or not JSON. */
function reasonToJson(reason: IntentReason): string {
  try {
    return encoded(reasonColumn, reason, "reason");
  } catch (error) {
    if (error instanceof TypeError && error.message.startsWith("reason")) throw error;
    throw new TypeError(
      `reason: not JSON-serializable (write bigints in details as decimal strings): ${(error as Error).message}`,
    );
  }
}

/**
 * A page of a wallet's intents from up to `limit + 1` rows in newest-first order, as both SQL
 * stores read them: the first `limit` as records, and a cursor after the last of them only
 * when a row beyond the page exists.
 *
 * @example
 * return intentPage(rowsLimitPlusOne, limit, signedIntents);
 */
export function intentPage(
  rows: IntentRow[],
  limit: number,
  signedIntents: SignedIntentCache,
): IntentPage {
  const { items, nextCursor } = toPage(rows, limit, (row) => ({
    createdAt: row.created_at,
    id: row.id,
  }));
  return {
    intents: items.map((row) => rowToIntent(row, signedIntents)),
    ...(nextCursor === undefined ? {} : { nextCursor }),
  };
}
