import type { FastifySchemaCompiler } from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import { z } from "zod";

import { InvalidSignedIntentError } from "../../protocol/errors/invalidDocumentErrors.js";
import {
  parseSignedIntent,
  SIGNED_INTENT_JSON_VERSION,
  signedIntentJsonSchema,
  type SerializableSignedIntent,
} from "../../protocol/intent/json.js";
import { showValue } from "../../protocol/schema/show.js";
import type { HttpLimits } from "./limits.js";
import { invalidField, unknownField } from "./refusals.js";

/**
 * The body of `POST /v1/intents`: the protocol's signed intent (`signedIntentJsonSchema`, read
 * by `parseSignedIntent`) within the relayer's limits on calls and dependencies. The limits
 * are checked first, on the raw JSON: counting costs nothing, while the schema hashes every
 * address (its checksum) and `parseSignedIntent` then hashes the whole intent (its ID), so a
 * 90 KiB body of 1,200 calls is refused before any of that work.
 */

/**
 * The body's schema as the API documents it (OpenAPI): the protocol's codec, with the calls
 * and dependencies capped at the relayer's limits.
 *
 * @example
 * const schema = signedIntentBodySchema({ maxCalls: 64, maxDependencies: 16 });
 */
export function signedIntentBodySchema({
  maxCalls,
  maxDependencies,
}: Pick<HttpLimits, "maxCalls" | "maxDependencies">) {
  const intent = signedIntentJsonSchema.shape.intent;
  return signedIntentJsonSchema.extend({
    intent: intent.extend({
      calls: intent.shape.calls.max(maxCalls),
      dependencies: intent.shape.dependencies.max(maxDependencies),
    }),
  });
}

/**
 * Fastify's validator compiler for the submission route: the body is read by
 * `readSignedIntentBody` (its refusal is the validation error), the other parts by
 * fastify-type-provider-zod's validator.
 *
 * @example
 * app.post("/v1/intents", { schema, validatorCompiler: signedIntentValidatorCompiler(limits) }, handler);
 */
export function signedIntentValidatorCompiler<RouteSchema>(
  limits: Pick<HttpLimits, "maxCalls" | "maxDependencies">,
): FastifySchemaCompiler<RouteSchema> {
  return (route) => {
    if (route.httpPart !== "body") {
      return validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]);
    }
    return (body: unknown) => {
      try {
        return { value: readSignedIntentBody(body, limits) };
      } catch (error) {
        return { error: error as Error };
      }
    };
  };
}

/**
 * The signed intent of a parsed body, or a thrown `RelayerRefusal`: `invalid_field` for a body
 * that is no object, then (after `version`) for more calls or dependencies than the limits,
 * then `parseSignedIntent`'s first problem: `unknown_field` for a field the schema does not
 * define, `invalid_field` for anything else (`path`, `reason`; for a mismatching `id`,
 * `expected` too).
 *
 * @example
 * const signed = readSignedIntentBody(JSON.parse(text), { maxCalls: 64, maxDependencies: 16 });
 */
export function readSignedIntentBody(
  body: unknown,
  limits: Pick<HttpLimits, "maxCalls" | "maxDependencies">,
): SerializableSignedIntent {
  // parseSignedIntent would parse a string again as JSON: a JSON string is not an intent.
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidField("", `expected a JSON object (a signed intent), got ${showValue(body)}`);
  }
  // The version is named first, as parseSignedIntent names it; then the limits.
  if ((body as { version?: unknown }).version === SIGNED_INTENT_JSON_VERSION) {
    checkCounts((body as { intent?: unknown }).intent, limits);
  }
  try {
    return parseSignedIntent(body);
  } catch (error) {
    throw refusalOfParse(error, body);
  }
}

/** Refuses more calls or dependencies than the limits, counted on the raw JSON. */
function checkCounts(
  intent: unknown,
  { maxCalls, maxDependencies }: Pick<HttpLimits, "maxCalls" | "maxDependencies">,
): void {
  const { calls, dependencies } = (typeof intent === "object" && intent !== null ? intent : {}) as {
    calls?: unknown;
    dependencies?: unknown;
  };
  if (Array.isArray(calls) && calls.length > maxCalls) {
    throw invalidField(
      "intent.calls",
      `too many calls: ${calls.length} (this relayer takes at most ${maxCalls})`,
    );
  }
  if (Array.isArray(dependencies) && dependencies.length > maxDependencies) {
    throw invalidField(
      "intent.dependencies",
      `too many dependencies: ${dependencies.length} (this relayer takes at most ${maxDependencies})`,
    );
  }
}

/** The refusal of what `parseSignedIntent` threw; anything but a bad document is thrown on. */
function refusalOfParse(error: unknown, body: object): Error {
  if (!(error instanceof InvalidSignedIntentError)) {
    // parseSignedIntent describes a bad value with JSON.stringify, which overflows the stack
    // on a value nested thousands of levels deep: that is a bad field, not a server error.
    const deep = error instanceof RangeError ? findDeepValue(body) : undefined;
    if (deep === undefined) throw error;
    return invalidField(
      deep,
      `nested too deeply (more than ${DEEP_NESTING} levels of arrays and objects)`,
    );
  }
  if (error.reason.startsWith("unknown field")) return unknownField(error.path, error.reason);
  const expected = error.path === "id" ? / is (0x[0-9a-f]{64})/.exec(error.reason)?.[1] : undefined;
  return invalidField(error.path, error.reason, expected === undefined ? {} : { expected });
}

/** Nesting that makes `JSON.stringify` overflow is far deeper; a signed intent has 4 levels. */
const DEEP_NESTING = 1000;

/**
 * The path (its first four steps) of the first value nested more than `DEEP_NESTING` levels
 * deep, if any. Iterative: the value may be nested deeper than the call stack allows.
 */
function findDeepValue(root: object): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value: root, path: "", depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth > DEEP_NESTING) return path;
    const children: [string, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [`[${i}]`, item])
      : Object.entries(value).map(([key, item]) => [`.${key}`, item]);
    for (const [step, child] of children.reverse()) {
      const childPath = depth >= 4 ? path : `${path}${step}`.replace(/^\./, "");
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}
