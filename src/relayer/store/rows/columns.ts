import { z } from "zod";

import { expected } from "../../../protocol/schema/primitives.js";
import { firstProblem } from "../../../protocol/schema/problem.js";

/**
 * A unix time in milliseconds, as every time column keeps it: a non-negative safe integer.
 *
 * @example
 * const row = z.object({ created_at: unixMillis });
 */
export const unixMillis = z
  .int({ error: expected("unix milliseconds (an integer >= 0)") })
  .nonnegative({ error: expected("unix milliseconds (an integer >= 0)") });

/**
 * A count (a nonce, a number of entries): a non-negative safe integer.
 *
 * @example
 * const row = z.object({ nonce: count });
 */
export const count = z
  .int({ error: expected("an integer >= 0") })
  .nonnegative({ error: expected("an integer >= 0") });

/**
 * JSON text in a column, `schema`'s value in a record.
 *
 * @example
 * const reasonColumn = jsonText(relayerIntentStatusReasonSchema);
 */
export function jsonText<Schema extends z.ZodType>(schema: Schema) {
  return z.codec(z.string({ error: expected("JSON text") }), schema, {
    decode: (text) => JSON.parse(text) as z.input<Schema>,
    encode: (value) => JSON.stringify(value),
  });
}

/**
 * `null` (the column of an absent field) for `undefined`, else `value` converted.
 *
 * @example
 * const tx_hash = optional(record.txHash, (value) => stored(bytes32, value, "txHash"));
 */
export function optional<T, R>(value: T | undefined, convert: (value: T) => R): R | null {
  return value === undefined ? null : convert(value);
}

/**
 * A record's text (an ID, an address, a time, a status) as its column keeps it: checked and
 * normalized (hex lowercase, addresses checksummed) by the column's schema. Throws a
 * `TypeError` naming `field` (and the path inside it) with the first problem found.
 *
 * @example
 * const id = stored(bytes32, record.id, "id");
 */
export function stored<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  field: string,
): z.output<Schema> {
  return checked(schema.safeParse(value), field);
}

/**
 * A record's value (a bigint, a list) as its column keeps it: encoded by the column's codec.
 * Throws a `TypeError` naming `field` for a value the codec refuses.
 *
 * @example
 * const max_fee = encoded(uint256(), transaction.maxFeePerGas, "maxFeePerGas"); // "30000000000"
 */
export function encoded<Schema extends z.ZodType>(
  schema: Schema,
  value: z.output<Schema>,
  field: string,
): z.input<Schema> {
  return checked(z.safeEncode(schema, value), field);
}

/**
 * A stored row, checked and decoded by its schema; a plain `Error` ("corrupt stored …") for
 * anything else: a store that gives back something it never wrote is corrupt.
 *
 * @example
 * const { max_fee } = readRow(transactionRowSchema, row, "transaction"); // a bigint
 */
export function readRow<Schema extends z.ZodType>(
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

/**
 * The lowercase form of an ID, hash or address for a lookup (no validation: a bad one just
 * matches nothing); a `TypeError` for anything but a string.
 *
 * @example
 * const row = statements.getIntent.get(lookupKey(id));
 */
export function lookupKey(value: string): string {
  if (typeof value !== "string") throw new TypeError(`expected a hex string, got ${typeof value}`);
  return value.toLowerCase();
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
