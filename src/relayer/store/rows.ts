import { z } from "zod";

import { parseSignedIntent, serializeSignedIntent } from "../../protocol/intent/json.js";
import type { SignedIntent } from "../../protocol/intent/types.js";
import {
  relayerIntentStatusReasonSchema,
  relayerIntentStatusSchema,
} from "../../protocol/relayerApi/schemas.js";
import { RELAYER_INTENT_STATUSES } from "../../protocol/relayerApi/statuses.js";
import {
  address,
  arrayOf,
  bytes32,
  expected,
  hexBytes,
  uint256,
} from "../../protocol/schema/primitives.js";
import { firstProblem } from "../../protocol/schema/problem.js";
import {
  TRANSACTION_STATES,
  type IntentReason,
  type IntentRecord,
  type IntentRecordPatch,
  type TransactionRecord,
} from "../types.js";

/*//////////////////////////////////////////////////////////////
                              ROWS
//////////////////////////////////////////////////////////////*/

/** A unix time in milliseconds: a non-negative safe integer. */
const unixMillis = z
  .int({ error: expected("unix milliseconds (an integer >= 0)") })
  .nonnegative({ error: expected("unix milliseconds (an integer >= 0)") });

/** A count (a nonce): a non-negative safe integer. */
const count = z
  .int({ error: expected("an integer >= 0") })
  .nonnegative({ error: expected("an integer >= 0") });

/** JSON text in a column, `schema`'s value in a record. */
function jsonText<Schema extends z.ZodType>(schema: Schema) {
  return z.codec(z.string({ error: expected("JSON text") }), schema, {
    decode: (text) => JSON.parse(text) as z.input<Schema>,
    encode: (value) => JSON.stringify(value),
  });
}

/** The state of a relay transaction. */
const transactionState = z.enum(TRANSACTION_STATES, {
  error: expected(`one of ${TRANSACTION_STATES.join(", ")}`),
});

/** A reason as the `reason` column keeps it: its JSON. */
const reasonColumn = jsonText(relayerIntentStatusReasonSchema);

/** The intent IDs of a transaction as the `intent_ids` column keeps them: a JSON array. */
const intentIdsColumn = jsonText(arrayOf(bytes32));

/**
 * An intent as both stores keep it: the columns of the `intents` table, as a zod codec from
 * the row (bigints as decimal strings, the reason as JSON, hex and the wallet lowercase) to its
 * values (bigints, objects). The signed intent is its JSON (`serializeSignedIntent`), read
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
 * A relay transaction as both stores keep it: the columns of the `transactions` table.
 *
 * @example
 * const { max_fee } = transactionRowSchema.decode(row); // a bigint
 */
export const transactionRowSchema = z.object({
  hash: bytes32,
  nonce: count,
  raw: hexBytes,
  intent_ids: intentIdsColumn,
  max_fee: uint256(),
  max_priority_fee: uint256(),
  sent_at: unixMillis,
  state: transactionState,
  block_number: uint256().nullable(),
});

/**
 * The columns of the `transactions` table.
 *
 * @example
 * const row: TransactionRow = transactionToRow(transaction);
 */
export type TransactionRow = z.input<typeof transactionRowSchema>;

/**
 * A spending entry as both stores keep it: the columns of the `spending` table.
 *
 * @example
 * const { wei } = spendingRowSchema.decode(row); // a bigint
 */
export const spendingRowSchema = z.object({
  at: unixMillis,
  wallet: address,
  wei: uint256(),
  gas: uint256(),
});

/**
 * The columns of the `spending` table.
 *
 * @example
 * const row: SpendingRow = spendingToRow({ at, wallet, weiSpent, gasUsed });
 */
export type SpendingRow = z.input<typeof spendingRowSchema>;

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

/** The column of each mutable field of a transaction. */
const TRANSACTION_PATCH_COLUMNS = {
  state: "state",
  blockNumber: "block_number",
} as const satisfies Record<"state" | "blockNumber", keyof TransactionRow>;

/*//////////////////////////////////////////////////////////////
                        RECORDS TO ROWS
//////////////////////////////////////////////////////////////*/

/**
 * The row of a newly accepted intent. Throws a `TypeError` naming the field for anything that
 * is not a valid record, including an `id` or `wallet` other than the signed intent's (any
 * case), and a signed intent `serializeSignedIntent` refuses.
 */
export function intentToRow(record: IntentRecord): IntentRow {
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
  return {
    id,
    wallet,
    signed: serializeSignedIntent(record.signed),
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

/** The row of a relay transaction; throws a `TypeError` naming the field for invalid values. */
export function transactionToRow(transaction: TransactionRecord): TransactionRow {
  if (!Array.isArray(transaction.intentIds)) {
    throw new TypeError("intentIds: expected an array of intent IDs");
  }
  return {
    hash: stored(bytes32, transaction.hash, "hash"),
    nonce: stored(count, transaction.nonce, "nonce"),
    raw: stored(hexBytes, transaction.raw, "raw"),
    intent_ids: encoded(
      intentIdsColumn,
      transaction.intentIds.map((id, i) => stored(bytes32, id, `intentIds[${i}]`)),
      "intentIds",
    ),
    max_fee: encoded(uint256(), transaction.maxFeePerGas, "maxFeePerGas"),
    max_priority_fee: encoded(uint256(), transaction.maxPriorityFeePerGas, "maxPriorityFeePerGas"),
    sent_at: stored(unixMillis, transaction.sentAt, "sentAt"),
    state: stored(transactionState, transaction.state, "state"),
    block_number: optional(transaction.blockNumber, (value) =>
      encoded(uint256(), value, "blockNumber"),
    ),
  };
}

/** The columns a transaction patch sets, with the same rules as `intentUpdateToColumns`. */
export function transactionPatchToColumns(
  patch: Partial<Pick<TransactionRecord, "state" | "blockNumber">>,
): Partial<TransactionRow> {
  const columns: Partial<Record<keyof TransactionRow, unknown>> = {};
  for (const key of Object.keys(patch)) {
    if (!Object.hasOwn(TRANSACTION_PATCH_COLUMNS, key)) {
      throw new TypeError(`${key} is not a mutable field of a transaction record`);
    }
    if (key === "state") {
      if (patch.state === undefined) throw new TypeError("state cannot be cleared");
      columns.state = stored(transactionState, patch.state, "state");
    } else {
      columns.block_number = optional(patch.blockNumber, (value) =>
        encoded(uint256(), value, "blockNumber"),
      );
    }
  }
  return columns as Partial<TransactionRow>;
}

/** The row of a spending entry. */
export function spendingToRow(entry: {
  at: number;
  wallet: string;
  weiSpent: bigint;
  gasUsed: bigint;
}): SpendingRow {
  return {
    at: stored(unixMillis, entry.at, "at"),
    wallet: stored(address, entry.wallet, "wallet").toLowerCase(),
    wei: encoded(uint256(), entry.weiSpent, "weiSpent"),
    gas: encoded(uint256(), entry.gasUsed, "gasUsed"),
  };
}

/*//////////////////////////////////////////////////////////////
                        ROWS TO RECORDS
//////////////////////////////////////////////////////////////*/

/**
 * The record of an intent row, checked by `intentRowSchema`; `signedIntents` parses (and caches)
 * its signed intent.
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

/** The record of a transaction row, checked by `transactionRowSchema`. */
export function rowToTransaction(row: TransactionRow): TransactionRecord {
  const transaction = readRow(transactionRowSchema, row, "transaction");
  return {
    hash: transaction.hash,
    nonce: transaction.nonce,
    raw: transaction.raw,
    intentIds: transaction.intent_ids,
    maxFeePerGas: transaction.max_fee,
    maxPriorityFeePerGas: transaction.max_priority_fee,
    sentAt: transaction.sent_at,
    state: transaction.state,
    ...(transaction.block_number === null ? {} : { blockNumber: transaction.block_number }),
  };
}

/**
 * `countByStatus`'s answer from (status, count) pairs: every known status, 0 when none has it
 * (so a metric never disappears), plus any other status found.
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

/** The sum of decimal-string wei amounts, as a bigint (SQLite's SUM overflows at 2^63). */
export function sumWei(amounts: Iterable<string>): bigint {
  let total = 0n;
  for (const amount of amounts) total += BigInt(amount);
  return total;
}

/** The lowercase form of an ID or hash for a lookup (no validation: a bad one just matches nothing). */
export function lookupKey(value: string): string {
  if (typeof value !== "string") throw new TypeError(`expected a hex string, got ${typeof value}`);
  return value.toLowerCase();
}

/*//////////////////////////////////////////////////////////////
                     PARSED SIGNED INTENTS
//////////////////////////////////////////////////////////////*/

/**
 * The signed intents parsed from stored JSON with `parseSignedIntent`, most recently used
 * first. Parsing recomputes the intent ID (about 0.3 ms), and a signed intent never changes
 * once stored, so each is parsed once while it stays among the `capacity` most recent. Every
 * `get` returns a fresh copy: a caller mutating it changes nothing stored.
 */
export class SignedIntentCache {
  readonly #parsed = new Map<string, SignedIntent>();

  constructor(readonly capacity: number = 10_000) {
    if (!(capacity >= 0)) throw new RangeError(`capacity must be >= 0, got ${capacity}`);
  }

  /** The signed intent of `id`, stored as `json`. */
  get(id: string, json: string): SignedIntent {
    let signed = this.#parsed.get(id);
    if (signed === undefined) {
      signed = parseSignedIntent(json);
      if (this.capacity > 0) {
        if (this.#parsed.size >= this.capacity) {
          this.#parsed.delete(this.#parsed.keys().next().value as string);
        }
        this.#parsed.set(id, signed);
      }
    } else {
      // Most recently used last, so the first key is the one to evict.
      this.#parsed.delete(id);
      this.#parsed.set(id, signed);
    }
    return structuredClone(signed);
  }

  clear(): void {
    this.#parsed.clear();
  }
}

/*//////////////////////////////////////////////////////////////
                           VALIDATION
//////////////////////////////////////////////////////////////*/

function optional<T, R>(value: T | undefined, convert: (value: T) => R): R | null {
  return value === undefined ? null : convert(value);
}

/**
 * The value of a successful check, or a `Failure` (a `TypeError` by default) naming `field`,
 * and the path inside it, with the first problem of a failed one.
 */
function checked<T>(
  result: z.ZodSafeParseResult<T>,
  field: string,
  Failure: new (message: string) => Error = TypeError,
): T {
  if (result.success) return result.data;
  const { path, reason } = firstProblem(result.error.issues);
  throw new Failure(`${path === "" ? field : `${field}.${path}`}: ${reason}`);
}

/**
 * A record's text (an ID, an address, a time, a status) as its column keeps it: checked and
 * normalized (hex lowercase, addresses checksummed) by the column's schema.
 */
function stored<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  field: string,
): z.output<Schema> {
  return checked(schema.safeParse(value), field);
}

/** A record's value (a bigint, a list) as its column keeps it: encoded by the column's codec. */
function encoded<Schema extends z.ZodType>(
  schema: Schema,
  value: z.output<Schema>,
  field: string,
): z.input<Schema> {
  return checked(z.safeEncode(schema, value), field);
}

/** A stored row, checked by its schema: a store that gives back something else is corrupt. */
function readRow<Schema extends z.ZodType>(
  schema: Schema,
  row: unknown,
  what: string,
): z.output<Schema> {
  return checked(schema.safeDecode(row as z.input<Schema>), `corrupt stored ${what}`, Error);
}

/**
 * A unix time in milliseconds (a non-negative safe integer); throws a `TypeError` naming `field`.
 *
 * @example
 * const since = expectTime(options.since, "since");
 */
export function expectTime(value: unknown, field: string): number {
  return stored(unixMillis, value, field);
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
