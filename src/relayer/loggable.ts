/**
 * What the relayer's log lines hold, made safe for JSON before pino writes it: bigints as
 * decimal strings (never rounded numbers), errors as objects (pino's `errWithCause`, with their
 * `name`), Maps and Sets as objects and arrays, cycles cut. So a log line never throws and never
 * loses precision.
 */

import { pino } from "pino";

/**
 * The fields pino writes itself; a call's fields of these names are left out.
 *
 * @example
 * RESERVED_LOG_FIELDS.has("msg"); // true
 */
export const RESERVED_LOG_FIELDS: ReadonlySet<string> = new Set(["time", "level", "msg"]);

/**
 * `fields` without the reserved names, each value made loggable (`loggableValue`).
 *
 * @example
 * loggableFields({ level: "x", gasPrice: 20n * 10n ** 9n }); // { gasPrice: "20000000000" }
 */
export function loggableFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const loggable: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (!RESERVED_LOG_FIELDS.has(key)) loggable[key] = loggableValue(value);
  }
  return loggable;
}

/**
 * `value` as JSON can hold it: bigints as decimal strings, symbols and functions as their
 * text, errors as `{ name, type, message, stack, …their own fields, cause }`, `toJSON()` applied,
 * Maps as objects, Sets as arrays, and a reference back to an enclosing object as
 * `"[Circular]"`.
 *
 * @example
 * loggableValue({ value: 1n, error: new Error("boom") });
 * // { value: "1", error: { name: "Error", type: "Error", message: "boom", stack: "Error: boom\n    at …" } }
 */
export function loggableValue(value: unknown): unknown {
  return walk(value, new Set());
}

/** `loggableValue` inside the objects of `enclosing` (the path from the root). */
function walk(value: unknown, enclosing: Set<object>): unknown {
  if (typeof value === "bigint") return value.toString(10);
  if (typeof value === "symbol" || typeof value === "function") return String(value);
  if (typeof value !== "object" || value === null) return value;
  if (enclosing.has(value)) return "[Circular]";
  enclosing.add(value);
  try {
    return walkObject(value, enclosing);
  } finally {
    enclosing.delete(value);
  }
}

/** An object made loggable, as `JSON.stringify` sees it (after `toJSON`), errors and collections included. */
function walkObject(object: object, enclosing: Set<object>): unknown {
  if (object instanceof Error) return walkEntries(errorEntries(object), enclosing);
  if (hasToJson(object)) return walk(object.toJSON(), enclosing);
  if (object instanceof Map) {
    return walkEntries(
      [...object].map(([key, item]) => [String(key), item]),
      enclosing,
    );
  }
  if (object instanceof Set || Array.isArray(object)) {
    return [...object].map((item) => walk(item, enclosing));
  }
  return walkEntries(Object.entries(object), enclosing);
}

function walkEntries(
  entries: readonly (readonly [string, unknown])[],
  enclosing: Set<object>,
): Record<string, unknown> {
  return Object.fromEntries(entries.map(([key, item]) => [key, walk(item, enclosing)]));
}

/**
 * The fields of `error`: its `name`, then pino's `errWithCause` serializer's (`type`, `message`,
 * `stack`, aggregated errors, its own fields), and its `cause` as it is, to be walked in turn
 * (an error cause gets its `name` too, anything else is kept).
 */
function errorEntries(error: Error): [string, unknown][] {
  const serialized: Record<string, unknown> = { ...pino.stdSerializers.errWithCause(error) };
  if (error.cause === undefined) delete serialized.cause;
  else serialized.cause = error.cause;
  return [["name", error.name], ...Object.entries(serialized)];
}

function hasToJson(object: object): object is { toJSON(): unknown } {
  return typeof (object as { toJSON?: unknown }).toJSON === "function";
}
