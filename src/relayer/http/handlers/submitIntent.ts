import { InvalidSignedIntentError } from "../../../protocol/errors/invalidDocumentErrors.js";
import { parseSignedIntent, type SerializableSignedIntent } from "../../../protocol/intent/json.js";
import type { Handler, HttpLimits } from "../handler.js";
import { showValue } from "../json.js";
import { emptyQuerySchema, parseParameters, queryObject } from "../params.js";
import { readJsonBody } from "../readJsonBody.js";
import { invalidField, unknownField } from "../refusals.js";

/**
 * `POST /v1/intents`: reads the body (JSON, within the limit), checks it against the schema
 * of docs/relayer-api.md section 2 with `parseSignedIntent` (the recomputed ID included) and
 * the relayer's limits on calls and dependencies, and only then hands it to the service.
 * Answers `202 { id, status }` for a new intent, `200` for one already known.
 */
export const submitIntent: Handler = async ({ request, query, service, limits }) => {
  const body = await readJsonBody(request, { limitBytes: limits.bodyLimitBytes });
  parseParameters(emptyQuerySchema, queryObject(query), "query parameter");
  const signed = parseSignedIntentBody(body, limits);
  const { record, alreadyKnown } = await service.submit(signed);
  const id = record.id.toLowerCase();
  return {
    status: alreadyKnown ? 200 : 202,
    json: { id, status: record.status },
    logFields: { id, wallet: signed.wallet, alreadyKnown },
  };
};

/**
 * The signed intent of a parsed body, or a `RelayerRefusal`: `unknown_field` for a field the
 * schema does not define, `invalid_field` for anything else (`path`, `reason`; for a
 * mismatching `id`, `expected` too).
 *
 * @example
 * const signed = parseSignedIntentBody(JSON.parse(text), { maxCalls: 64, maxDependencies: 16, bodyLimitBytes });
 */
export function parseSignedIntentBody(
  body: unknown,
  { maxCalls, maxDependencies }: Pick<HttpLimits, "maxCalls" | "maxDependencies">,
): SerializableSignedIntent {
  // parseSignedIntent would parse a string again as JSON: a JSON string is not an intent.
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    const got = Array.isArray(body) ? "an array" : showValue(body);
    throw invalidField("", `expected a JSON object (a signed intent), got ${got}`);
  }
  let signed: SerializableSignedIntent;
  try {
    signed = parseSignedIntent(body);
  } catch (error) {
    if (!(error instanceof InvalidSignedIntentError)) {
      // parseSignedIntent describes a bad value with JSON.stringify, which overflows the stack
      // on a value nested thousands of levels deep: that is a bad field, not a server error.
      const deep = error instanceof RangeError ? findDeepValue(body) : undefined;
      if (deep === undefined) throw error;
      throw invalidField(
        deep,
        `nested too deeply (more than ${DEEP_NESTING} levels of arrays and objects)`,
      );
    }
    if (error.reason.startsWith("unknown field")) throw unknownField(error.path, error.reason);
    const expected =
      error.path === "id" ? / is (0x[0-9a-f]{64})/.exec(error.reason)?.[1] : undefined;
    throw invalidField(error.path, error.reason, expected === undefined ? {} : { expected });
  }
  const { calls, dependencies } = signed.intent;
  if (calls.length > maxCalls) {
    throw invalidField(
      "intent.calls",
      `too many calls: ${calls.length} (this relayer takes at most ${maxCalls})`,
    );
  }
  if (dependencies.length > maxDependencies) {
    throw invalidField(
      "intent.dependencies",
      `too many dependencies: ${dependencies.length} (this relayer takes at most ${maxDependencies})`,
    );
  }
  return signed;
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
