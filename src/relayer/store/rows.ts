import { getAddress } from "ethers";

import { parseSignedIntent, serializeSignedIntent } from "../../protocol/intent/json.js";
import type { SignedIntent } from "../../protocol/intent/types.js";
import { RELAYER_INTENT_STATUSES } from "../../protocol/relayerApi/types.js";
import type {
  IntentReason,
  IntentRecord,
  IntentRecordPatch,
  RelayerIntentStatus,
  TransactionRecord,
} from "../types.js";

/*//////////////////////////////////////////////////////////////
                              ROWS
//////////////////////////////////////////////////////////////*/

/**
 * An intent as both stores keep it: the columns of the `intents` table. Bigints are decimal
 * strings, the signed intent is its JSON (`serializeSignedIntent`), IDs, hashes and the wallet
 * are lowercase (so lookups ignore hex case). Both stores convert records through these rows,
 * so they validate, normalize and give back exactly the same things.
 */
export interface IntentRow {
  id: string;
  wallet: string;
  signed: string;
  status: string;
  reason: string | null;
  tx_hash: string | null;
  block_number: string | null;
  relayed_by: string | null;
  created_at: number;
  updated_at: number;
  hold_until: number | null;
}

/** A relay transaction as both stores keep it: the columns of the `transactions` table. */
export interface TransactionRow {
  hash: string;
  nonce: number;
  raw: string;
  intent_ids: string;
  max_fee: string;
  max_priority_fee: string;
  sent_at: number;
  state: string;
  block_number: string | null;
}

/** A spending entry as both stores keep it: the columns of the `spending` table. */
export interface SpendingRow {
  at: number;
  wallet: string;
  wei: string;
  gas: string;
}

const TRANSACTION_STATES: readonly TransactionRecord["state"][] = [
  "pending",
  "mined",
  "replaced",
  "dropped",
];

/** The column of each mutable field of an intent. */
const INTENT_PATCH_COLUMNS = {
  status: "status",
  reason: "reason",
  txHash: "tx_hash",
  blockNumber: "block_number",
  relayedBy: "relayed_by",
  holdUntil: "hold_until",
} as const satisfies Record<keyof IntentRecordPatch, keyof IntentRow>;

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
  const id = expectBytes32(record.id, "id");
  const wallet = expectAddress(record.wallet, "wallet").toLowerCase();
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
    status: expectStatus(record.status),
    reason: optional(record.reason, reasonToJson),
    tx_hash: optional(record.txHash, (value) => expectBytes32(value, "txHash")),
    block_number: optional(record.blockNumber, (value) => uintToText(value, "blockNumber")),
    relayed_by: optional(record.relayedBy, (value) => expectAddress(value, "relayedBy")),
    created_at: expectTime(record.createdAt, "createdAt"),
    updated_at: expectTime(record.updatedAt, "updatedAt"),
    hold_until: optional(record.holdUntil, (value) => expectTime(value, "holdUntil")),
  };
}

/**
 * The columns an update sets: `updated_at` to `now`, and every key present in `patch`, even
 * with the value `undefined` (which clears the field); absent keys stay as they are. Refuses
 * keys that are not mutable fields.
 */
export function intentUpdateToColumns(patch: IntentRecordPatch, now: number): Partial<IntentRow> {
  const columns: Partial<Record<keyof IntentRow, unknown>> = {};
  columns.updated_at = expectTime(now, "now");
  for (const key of Object.keys(patch)) {
    if (!Object.hasOwn(INTENT_PATCH_COLUMNS, key)) {
      throw new TypeError(`${key} is not a mutable field of an intent record`);
    }
    const field = key as keyof IntentRecordPatch;
    const value = patch[field];
    const column = INTENT_PATCH_COLUMNS[field];
    if (value === undefined) {
      if (field === "status") throw new TypeError("status cannot be cleared");
      columns[column] = null;
      continue;
    }
    switch (field) {
      case "status":
        columns[column] = expectStatus(value);
        break;
      case "reason":
        columns[column] = reasonToJson(value as IntentReason);
        break;
      case "txHash":
        columns[column] = expectBytes32(value, "txHash");
        break;
      case "blockNumber":
        columns[column] = uintToText(value, "blockNumber");
        break;
      case "relayedBy":
        columns[column] = expectAddress(value, "relayedBy");
        break;
      case "holdUntil":
        columns[column] = expectTime(value, "holdUntil");
        break;
    }
  }
  return columns as Partial<IntentRow>;
}

/** The row of a relay transaction; throws a `TypeError` naming the field for invalid values. */
export function transactionToRow(transaction: TransactionRecord): TransactionRow {
  if (!Array.isArray(transaction.intentIds)) {
    throw new TypeError("intentIds: expected an array of intent IDs");
  }
  return {
    hash: expectBytes32(transaction.hash, "hash"),
    nonce: expectCount(transaction.nonce, "nonce"),
    raw: expectHex(transaction.raw, "raw"),
    intent_ids: JSON.stringify(
      transaction.intentIds.map((id, i) => expectBytes32(id, `intentIds[${i}]`)),
    ),
    max_fee: uintToText(transaction.maxFeePerGas, "maxFeePerGas"),
    max_priority_fee: uintToText(transaction.maxPriorityFeePerGas, "maxPriorityFeePerGas"),
    sent_at: expectTime(transaction.sentAt, "sentAt"),
    state: expectState(transaction.state),
    block_number: optional(transaction.blockNumber, (value) => uintToText(value, "blockNumber")),
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
      columns.state = expectState(patch.state);
    } else {
      columns.block_number = optional(patch.blockNumber, (value) =>
        uintToText(value, "blockNumber"),
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
    at: expectTime(entry.at, "at"),
    wallet: expectAddress(entry.wallet, "wallet").toLowerCase(),
    wei: uintToText(entry.weiSpent, "weiSpent"),
    gas: uintToText(entry.gasUsed, "gasUsed"),
  };
}

/*//////////////////////////////////////////////////////////////
                        ROWS TO RECORDS
//////////////////////////////////////////////////////////////*/

/** The record of an intent row; `signedIntents` parses (and caches) its signed intent. */
export function rowToIntent(row: IntentRow, signedIntents: SignedIntentCache): IntentRecord {
  const signed = signedIntents.get(row.id, row.signed);
  return {
    id: row.id,
    // The signed intent's wallet, checksummed by `parseSignedIntent` (`intentToRow` checked they match).
    wallet: signed.wallet,
    signed,
    status: row.status as RelayerIntentStatus,
    ...(row.reason === null ? {} : { reason: JSON.parse(row.reason) as IntentReason }),
    ...(row.tx_hash === null ? {} : { txHash: row.tx_hash }),
    ...(row.block_number === null ? {} : { blockNumber: BigInt(row.block_number) }),
    ...(row.relayed_by === null ? {} : { relayedBy: row.relayed_by }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.hold_until === null ? {} : { holdUntil: row.hold_until }),
  };
}

/** The record of a transaction row. */
export function rowToTransaction(row: TransactionRow): TransactionRecord {
  return {
    hash: row.hash,
    nonce: row.nonce,
    raw: row.raw,
    intentIds: JSON.parse(row.intent_ids) as string[],
    maxFeePerGas: BigInt(row.max_fee),
    maxPriorityFeePerGas: BigInt(row.max_priority_fee),
    sentAt: row.sent_at,
    state: row.state as TransactionRecord["state"],
    ...(row.block_number === null ? {} : { blockNumber: BigInt(row.block_number) }),
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

function expectStatus(value: unknown): RelayerIntentStatus {
  if (!(RELAYER_INTENT_STATUSES as readonly unknown[]).includes(value)) {
    throw new TypeError(
      `status: expected one of ${RELAYER_INTENT_STATUSES.join(", ")}, got ${String(value)}`,
    );
  }
  return value as RelayerIntentStatus;
}

function expectState(value: unknown): TransactionRecord["state"] {
  if (!(TRANSACTION_STATES as readonly unknown[]).includes(value)) {
    throw new TypeError(
      `state: expected one of ${TRANSACTION_STATES.join(", ")}, got ${String(value)}`,
    );
  }
  return value as TransactionRecord["state"];
}

function expectBytes32(value: unknown, field: string): string {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new TypeError(`${field}: expected 0x and 64 hex digits, got ${String(value)}`);
  }
  return value.toLowerCase();
}

function expectHex(value: unknown, field: string): string {
  if (typeof value !== "string" || !/^0x(?:[0-9a-fA-F]{2})*$/.test(value)) {
    throw new TypeError(`${field}: expected 0x and whole bytes in hex`);
  }
  return value.toLowerCase();
}

/** A checksummed address; refuses a mixed-case address with a bad checksum. */
function expectAddress(value: unknown, field: string): string {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new TypeError(
      `${field}: expected an address (0x and 40 hex digits), got ${String(value)}`,
    );
  }
  try {
    return getAddress(value);
  } catch {
    throw new TypeError(`${field}: bad address checksum in ${value}`);
  }
}

/** A unix time in milliseconds (a non-negative safe integer); throws a `TypeError` naming `field`. */
export function expectTime(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(
      `${field}: expected unix milliseconds (an integer >= 0), got ${String(value)}`,
    );
  }
  return value;
}

function expectCount(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${field}: expected an integer >= 0, got ${String(value)}`);
  }
  return value;
}

function uintToText(value: unknown, field: string): string {
  if (typeof value !== "bigint" || value < 0n) {
    throw new TypeError(`${field}: expected a bigint >= 0, got ${String(value)}`);
  }
  return value.toString(10);
}

function reasonToJson(reason: IntentReason): string {
  if (
    typeof reason !== "object" ||
    reason === null ||
    typeof reason.code !== "string" ||
    typeof reason.message !== "string"
  ) {
    throw new TypeError("reason: expected { code: string, message: string, details? }");
  }
  try {
    return JSON.stringify(reason);
  } catch (error) {
    throw new TypeError(
      `reason: not JSON-serializable (write bigints in details as decimal strings): ${(error as Error).message}`,
    );
  }
}
