import { z, type ZodType } from "zod";

import { address, bytes32 } from "../../protocol/schema/primitives.js";
import { showValue } from "../../protocol/schema/show.js";
import { invalidField, unknownField } from "./refusals.js";

/**
 * The zod schemas of the path and query parameters (docs/relayer-api.md section 3), on the
 * protocol's primitives (an `:id` is a `bytes32`, an `:address` an `address`, read as a signed
 * intent's are), and `parseParameters`, which maps their first problem to `400 unknown_field` or
 * `400 invalid_field` with `details: { path, reason }`.
 */

/** The largest page of `GET /v1/wallets/:address/intents`, and its default. */
export const MAX_PAGE_LIMIT = 500;
export const DEFAULT_PAGE_LIMIT = 100;
const MAX_CURSOR_LENGTH = 1024;

/**
 * A query parameter's string, refused with `problem`'s reason (the value shown after it).
 *
 * @example
 * const flag = queryString((value) => (value === "1" ? undefined : "expected 1"));
 */
function queryString(problem: (value: string) => string | undefined) {
  return z.string().check((context) => {
    const reason = problem(context.value);
    if (reason !== undefined) {
      context.issues.push({
        code: "custom",
        message: `${reason} (got ${showValue(context.value)})`,
        input: context.value,
      });
    }
  });
}

/** `GET /v1/intents/:id`: a bytes32, any hex case; lowercase out. */
export const intentPathSchema = z.strictObject({ id: bytes32 });

/** `GET /v1/wallets/:address/intents`: an address, checksummed or all lowercase; checksummed out. */
export const walletPathSchema = z.strictObject({ address });

/** The query of `GET /v1/wallets/:address/intents`: `limit` 1 to 500 (default 100), `cursor`. */
export const listQuerySchema = z.strictObject({
  limit: queryString((limit) =>
    /^[0-9]+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= MAX_PAGE_LIMIT
      ? undefined
      : `expected an integer from 1 to ${MAX_PAGE_LIMIT}`,
  )
    .transform(Number)
    .default(DEFAULT_PAGE_LIMIT),
  cursor: queryString((cursor) => {
    if (cursor.length === 0) return "must not be empty (omit it for the first page)";
    if (cursor.length > MAX_CURSOR_LENGTH) {
      return `too long (at most ${MAX_CURSOR_LENGTH} characters)`;
    }
    return undefined;
  }).optional(),
});

/** A query for an endpoint that takes no query parameter. */
export const emptyQuerySchema = z.strictObject({});

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
  throw refusalOf(issues[0], schema, kind);
}

function refusalOf(issue: z.core.$ZodIssue, schema: ZodType, kind: string) {
  if (issue.code === "unrecognized_keys") {
    const known = schema instanceof z.ZodObject ? Object.keys(schema.shape as object) : [];
    const expected =
      known.length === 0 ? "this endpoint takes none" : `expected ${known.join(", ")}`;
    return unknownField(issue.keys[0], `unknown ${kind} (${expected})`);
  }
  return invalidField(issue.path.join("."), issue.message);
}
