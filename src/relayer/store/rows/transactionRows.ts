import { z } from "zod";

import {
  arrayOf,
  bytes32,
  expected,
  hexBytes,
  uint256,
} from "../../../protocol/schema/primitives.js";
import { TRANSACTION_STATES, type TransactionRecord } from "../../types.js";
import { count, encoded, jsonText, optional, readRow, stored, unixMillis } from "./columns.js";

/** The state of a relay transaction. */
const transactionState = z.enum(TRANSACTION_STATES, {
  error: expected(`one of ${TRANSACTION_STATES.join(", ")}`),
});

/** The intent IDs of a transaction as the `intent_ids` column keeps them: a JSON array. */
const intentIdsColumn = jsonText(arrayOf(bytes32));

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
 * The fields of a transaction that change after it is recorded.
 *
 * @example
 * const patch: TransactionPatch = { state: "mined", blockNumber: 12n };
 */
export type TransactionPatch = Partial<Pick<TransactionRecord, "state" | "blockNumber">>;

/** The column of each mutable field of a transaction. */
const TRANSACTION_PATCH_COLUMNS = {
  state: "state",
  blockNumber: "block_number",
} as const satisfies Record<keyof TransactionPatch, keyof TransactionRow>;

/**
 * The row of a relay transaction; throws a `TypeError` naming the field for invalid values.
 *
 * @example
 * statements.insertTransaction.run({ ...transactionToRow(transaction) });
 */
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

/**
 * The columns a transaction patch sets, with the same rules as `intentUpdateToColumns`: a key
 * present with `undefined` clears the field (but `state` cannot be cleared); other keys are
 * refused.
 *
 * @example
 * transactionPatchToColumns({ state: "mined", blockNumber: 12n }); // { state: "mined", block_number: "12" }
 */
export function transactionPatchToColumns(patch: TransactionPatch): Partial<TransactionRow> {
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

/**
 * The record of a transaction row, checked by `transactionRowSchema`.
 *
 * @example
 * const pending = rows.map(rowToTransaction);
 */
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
