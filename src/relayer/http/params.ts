import { getAddress } from "ethers";
import { z, type ZodType } from "zod";

import { showValue } from "./json.js";
import { invalidField, unknownField } from "./refusals.js";

/**
 * The zod schemas of the path and query parameters (docs/relayer-api.md section 3), and
 * `parseParameters`, which maps their first problem to `400 unknown_field` or
 * `400 invalid_field` with `details: { path, reason }`.
 */

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** The largest page of `GET /v1/wallets/:address/intents`, and its default. */
export const MAX_PAGE_LIMIT = 500;
export const DEFAULT_PAGE_LIMIT = 100;
const MAX_CURSOR_LENGTH = 1024;

/** An intent ID: `0x` and 64 hex digits, any case; lowercase out. */
export const intentIdSchema = z
  .string()
  .regex(BYTES32, "expected an intent ID: 0x and 64 hex digits")
  .transform((id) => id.toLowerCase());

/** An address, checksummed or all lowercase (as `parseSignedIntent` decides); checksummed out. */
export const addressSchema = z
  .string()
  .regex(ADDRESS, "expected an address: 0x and 40 hex digits")
  .refine(
    (address) => address === address.toLowerCase() || address === getAddress(address.toLowerCase()),
    "bad address checksum: write it checksummed or all lowercase",
  )
  .transform((address) => getAddress(address.toLowerCase()));

/** `GET /v1/intents/:id`. */
export const intentPathSchema = z.object({ id: intentIdSchema }).strict();

/** `GET /v1/wallets/:address/intents`. */
export const walletPathSchema = z.object({ address: addressSchema }).strict();

/** The query of `GET /v1/wallets/:address/intents`: `limit` 1 to 500 (default 100), `cursor`. */
export const listQuerySchema = z
  .object({
    limit: z
      .string()
      .regex(/^[0-9]+$/, `expected an integer from 1 to ${MAX_PAGE_LIMIT}`)
      .transform(Number)
      .refine(
        (limit) => limit >= 1 && limit <= MAX_PAGE_LIMIT,
        `expected an integer from 1 to ${MAX_PAGE_LIMIT}`,
      )
      .default(DEFAULT_PAGE_LIMIT),
    cursor: z
      .string()
      .min(1, "must not be empty (omit it for the first page)")
      .max(MAX_CURSOR_LENGTH, `too long (at most ${MAX_CURSOR_LENGTH} characters)`)
      .optional(),
  })
  .strict();

/** A query for an endpoint that takes no query parameter. */
export const emptyQuerySchema = z.object({}).strict();

/**
 * The query string as an object, one value per name; a name given twice is `invalid_field`.
 *
 * @example
 * queryObject(new URLSearchParams("limit=5&cursor=abc")); // { limit: "5", cursor: "abc" }
 */
export function queryObject(query: URLSearchParams): Record<string, string> {
  const object: Record<string, string> = {};
  for (const [name, value] of query) {
    if (Object.hasOwn(object, name)) {
      throw invalidField(name, `query parameter given more than once`);
    }
    object[name] = value;
  }
  return object;
}

/**
 * Parses `input` with `schema`; the first problem (unknown names before bad values) becomes a
 * `RelayerRefusal`: `unknown_field` or `invalid_field`, `details: { path, reason }`.
 *
 * @example
 * const { id } = parseParameters(intentPathSchema, { id: "0xBDE4…" }, "path parameter");
 */
export function parseParameters<Output>(
  schema: ZodType<Output, unknown>,
  input: Record<string, string>,
  kind: "path parameter" | "query parameter",
): Output {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = [...result.error.issues].sort(
    (a, b) => Number(b.code === "unrecognized_keys") - Number(a.code === "unrecognized_keys"),
  );
  throw refusalOf(issues[0], input, schema, kind);
}

function refusalOf(
  issue: z.core.$ZodIssue,
  input: Record<string, string>,
  schema: ZodType,
  kind: string,
) {
  if (issue.code === "unrecognized_keys") {
    const known = schema instanceof z.ZodObject ? Object.keys(schema.shape as object) : [];
    const expected =
      known.length === 0 ? "this endpoint takes none" : `expected ${known.join(", ")}`;
    return unknownField(issue.keys[0], `unknown ${kind} (${expected})`);
  }
  const path = issue.path.join(".");
  return invalidField(path, `${issue.message} (got ${showValue(input[path])})`);
}
