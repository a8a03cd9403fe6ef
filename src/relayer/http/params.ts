import { z } from "zod";

import { address, bytes32 } from "../../protocol/schema/primitives.js";
import { showValue } from "../../protocol/schema/show.js";
import type { RelayerRefusal } from "../refusal.js";
import { invalidField, unknownField } from "./refusals.js";

/**
 * The zod schemas of the path and query parameters (docs/relayer-api.md section 3), on the
 * protocol's primitives (an `:id` is a `bytes32`, an `:address` an `address`, read as a signed
 * intent's are). Fastify validates them through fastify-type-provider-zod's validator; each
 * schema carries the messages of its refusals, and `parameterRefusal` maps the first problem
 * to `400 unknown_field` or `400 invalid_field` with `details: { path, reason }`.
 */

/** The largest page of `GET /v1/wallets/:address/intents`, and its default. */
export const MAX_PAGE_LIMIT = 500;
export const DEFAULT_PAGE_LIMIT = 100;
const MAX_CURSOR_LENGTH = 1024;

/**
 * A query parameter's string, refused with `problem`'s reason (the value shown after it); a
 * name given twice (which the query parser reads as an array) is refused as such.
 *
 * @example
 * const flag = queryString((value) => (value === "1" ? undefined : "expected 1"));
 */
function queryString(problem: (value: string) => string | undefined) {
  return z
    .string({
      error: (issue) =>
        Array.isArray(issue.input)
          ? "query parameter given more than once"
          : `expected a string, got ${showValue(issue.input)}`,
    })
    .check((context) => {
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

/**
 * A strict object of parameters of `kind`: an unknown name is refused naming the known ones.
 *
 * @example
 * const query = parameters("query parameter", { limit: z.string() });
 */
function parameters<Shape extends z.core.$ZodLooseShape>(kind: string, shape: Shape) {
  const known = Object.keys(shape);
  const expected = known.length === 0 ? "this endpoint takes none" : `expected ${known.join(", ")}`;
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `unknown ${kind} (${expected})` : undefined,
  });
}

/**
 * `GET /v1/intents/:id`: a bytes32, any hex case; lowercase out.
 *
 * @example
 * intentPathSchema.parse({ id: "0xAB…" }); // { id: "0xab…" }
 */
export const intentPathSchema = parameters("path parameter", { id: bytes32 });

/**
 * `GET /v1/wallets/:address/intents`: an address, checksummed or all lowercase; checksummed out.
 *
 * @example
 * walletPathSchema.parse({ address: "0x8464135c8f25da09e49bc8782676a84730c318bc" }); // checksummed
 */
export const walletPathSchema = parameters("path parameter", { address });

/**
 * The query of `GET /v1/wallets/:address/intents`: `limit` 1 to 500 (default 100), `cursor`.
 *
 * @example
 * listQuerySchema.parse({ limit: "5" }); // { limit: 5 }
 */
export const listQuerySchema = parameters("query parameter", {
  limit: queryString((limit) =>
    /^[0-9]+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= MAX_PAGE_LIMIT
      ? undefined
      : `expected an integer from 1 to ${MAX_PAGE_LIMIT}`,
  )
    .transform(Number)
    .default(DEFAULT_PAGE_LIMIT)
    .describe(`page size, 1 to ${MAX_PAGE_LIMIT}`),
  cursor: queryString((cursor) => {
    if (cursor.length === 0) return "must not be empty (omit it for the first page)";
    if (cursor.length > MAX_CURSOR_LENGTH) {
      return `too long (at most ${MAX_CURSOR_LENGTH} characters)`;
    }
    return undefined;
  })
    .optional()
    .describe("the previous page's nextCursor"),
});

/**
 * A query for an endpoint that takes no query parameter.
 *
 * @example
 * emptyQuerySchema.safeParse({ verbose: "1" }).success; // false
 */
export const emptyQuerySchema = parameters("query parameter", {});

/**
 * One problem of fastify-type-provider-zod's validation error: a zod issue, reshaped.
 *
 * @example
 * const problem: ParameterProblem = { keyword: "unrecognized_keys", instancePath: "/", params: { keys: ["verbose"] } };
 */
export interface ParameterProblem {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * The refusal of the first problem (unknown names before bad values) that the validator found
 * in the path or query parameters: `unknown_field` or `invalid_field`, `details: { path, reason }`.
 *
 * @example
 * const refusal = parameterRefusal(error.validation); // e.g. unknown_field at "verbose"
 */
export function parameterRefusal(problems: readonly ParameterProblem[]): RelayerRefusal {
  const first = problems.find((problem) => problem.keyword === "unrecognized_keys") ?? problems[0];
  const reason = first.message ?? "invalid";
  if (first.keyword === "unrecognized_keys") {
    const keys = first.params?.keys;
    return unknownField(Array.isArray(keys) ? String(keys[0]) : "", reason);
  }
  const path = first.instancePath
    .split("/")
    .filter((step) => step !== "")
    .join(".");
  return invalidField(path, reason);
}
