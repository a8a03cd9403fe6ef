import { RelayerRefusal } from "../refusal.js";

/**
 * The refusals the HTTP layer itself answers (docs/relayer-api.md section 5), before the
 * service sees anything. Each `message` is one sentence naming the problem, the field and the
 * value.
 */

/**
 * `400 invalid_field`: a missing field, a wrong type or format, a bad path or query parameter.
 *
 * @example
 * throw invalidField("intent.calls", "too many calls: 65 (this relayer takes at most 64)");
 */
export function invalidField(
  path: string,
  reason: string,
  extra: Record<string, unknown> = {},
): RelayerRefusal {
  return new RelayerRefusal("invalid_field", `${describePath(path)}: ${reason}`, {
    path,
    reason,
    ...extra,
  });
}

/**
 * `400 unknown_field`: a field or query parameter the schema does not define.
 *
 * @example
 * throw unknownField("intent.foo", "unknown field (expected only calls, dependencies, …)");
 */
export function unknownField(path: string, reason: string): RelayerRefusal {
  return new RelayerRefusal("unknown_field", `${describePath(path)}: ${reason}`, {
    path,
    reason,
  });
}

/**
 * `404 not_found`.
 *
 * @example
 * throw notFound(`no intent ${id} was accepted by this relayer`, { id });
 */
export function notFound(message: string, details?: Record<string, unknown>): RelayerRefusal {
  return new RelayerRefusal("not_found", message, details);
}

/**
 * `405 method_not_allowed`, with the methods to use (the `Allow` header repeats them).
 *
 * @example
 * throw methodNotAllowed("GET", "/v1/intents", "POST");
 */
export function methodNotAllowed(method: string, route: string, allow: string): RelayerRefusal {
  return new RelayerRefusal(
    "method_not_allowed",
    `${method} is not allowed on ${route}: use ${allow}`,
    { allow },
  );
}

function describePath(path: string): string {
  return path === "" ? "the body" : path;
}
