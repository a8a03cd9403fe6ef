/**
 * A tiny structured logger: one JSON object per line (`time`, `level`, `msg`, then the base
 * fields, then the call's fields). Bigints are written as decimal strings, errors as
 * `{ name, message, stack, …their own fields, cause }`, so a log line never throws and never
 * loses precision.
 */

/** The levels, from the most verbose; `silent` writes nothing (tests). */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured fields of a log line. */
export type LogFields = Record<string, unknown>;

/** Where lines go: `process.stdout` by default; anything with `write(string)`. */
export interface LogStream {
  write(line: string): unknown;
}

/** The parameters of `createLogger`. */
export interface CreateLoggerParameters {
  /** The least severe level written; `silent` writes nothing. Default `info`. */
  level?: LogLevel;
  /** Where to write; default `process.stdout`. */
  stream?: LogStream;
  /** Fields written on every line (e.g. `{ service: "relayer" }`). */
  base?: LogFields;
  /** The clock for `time`; default `() => new Date()`. */
  now?: () => Date;
}

/** A structured logger. */
export interface Logger {
  readonly level: LogLevel;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Whether a line of `level` would be written. */
  isLevelEnabled(level: Exclude<LogLevel, "silent">): boolean;
  /** A logger writing to the same stream with `fields` added to every line. */
  child(fields: LogFields): Logger;
}

const SEVERITY: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 100,
};
const RESERVED = new Set(["time", "level", "msg"]);

/**
 * Creates a JSON-lines logger.
 *
 * @example
 * const logger = createLogger({ level: "info", base: { service: "relayer" } });
 * logger.info("intent accepted", { id, wallet, maxGasPrice: 20n * 10n ** 9n });
 * // {"time":"2025-06-01T12:00:00.000Z","level":"info","msg":"intent accepted","service":"relayer","id":"0x…","wallet":"0x…","maxGasPrice":"20000000000"}
 *
 * @example
 * const quiet = createLogger({ level: "silent" }); // for tests
 */
export function createLogger({
  level = "info",
  stream = process.stdout,
  base = {},
  now = () => new Date(),
}: CreateLoggerParameters = {}): Logger {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new RangeError(
      `unknown log level "${String(level)}" (expected ${LOG_LEVELS.join(", ")})`,
    );
  }
  const threshold = SEVERITY[level];
  const isLevelEnabled = (candidate: Exclude<LogLevel, "silent">) =>
    SEVERITY[candidate] >= threshold;
  const write = (lineLevel: Exclude<LogLevel, "silent">, message: string, fields?: LogFields) => {
    if (!isLevelEnabled(lineLevel)) return;
    stream.write(`${formatLine(now(), lineLevel, message, base, fields)}\n`);
  };
  return {
    level,
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    isLevelEnabled,
    child: (fields) => createLogger({ level, stream, now, base: { ...base, ...fields } }),
  };
}

/** One JSON line (without the newline). Never throws. */
function formatLine(
  time: Date,
  level: string,
  message: string,
  base: LogFields,
  fields: LogFields = {},
): string {
  const line: LogFields = { time: time.toISOString(), level, msg: message };
  for (const source of [base, fields]) {
    for (const [key, value] of Object.entries(source)) {
      if (!RESERVED.has(key)) line[key] = value;
    }
  }
  try {
    return JSON.stringify(line, jsonReplacer());
  } catch (error) {
    return JSON.stringify({
      time: line.time,
      level,
      msg: message,
      logError: `fields not serializable: ${(error as Error).message}`,
    });
  }
}

/** A `JSON.stringify` replacer: bigints as decimal strings, errors as objects, cycles cut. */
function jsonReplacer(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, value) => {
    if (typeof value === "bigint") return value.toString(10);
    if (typeof value === "symbol" || typeof value === "function") return String(value);
    if (typeof value !== "object" || value === null) return value;
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    if (value instanceof Error) return errorToObject(value);
    if (value instanceof Map) return Object.fromEntries(value);
    if (value instanceof Set) return [...value];
    return value;
  };
}

function errorToObject(error: Error): LogFields {
  const object: LogFields = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) object[key] = value;
  if (error.stack !== undefined) object.stack = error.stack;
  if (error.cause !== undefined) object.cause = error.cause;
  return object;
}
