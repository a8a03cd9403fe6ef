/**
 * The relayer's structured logger: a thin adapter over pino, writing one JSON object per line
 * (`level` as its name, `time` as an ISO date, the base fields, the call's fields, `msg`). Its
 * calls read `logger.info(message, fields)`; the pino logger underneath (`logger.pino`) is there
 * for what takes one, such as fastify's `loggerInstance`. Fields go through `loggableFields`.
 */

import { pino, type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from "pino";

import { loggableFields, loggableValue } from "./loggable.js";

/**
 * The levels, from the most verbose; `silent` writes nothing (tests).
 *
 * @example
 * z.enum(LOG_LEVELS).parse(process.env.RELAYER_LOG_LEVEL ?? "info");
 */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured fields of a log line. */
export type LogFields = Record<string, unknown>;

/** Where lines go: anything with `write(string)`; by default standard output. */
export interface LogStream {
  write(line: string): unknown;
}

/** The parameters of `createLogger`. */
export interface CreateLoggerParameters {
  /** The least severe level written; `silent` writes nothing. Default `info`. */
  level?: LogLevel;
  /** Where to write; default standard output, written synchronously (a crash loses no line). */
  stream?: LogStream;
  /** Fields written on every line (e.g. `{ service: "relayer" }`). */
  base?: LogFields;
  /** The clock for `time`; default `() => new Date()`. */
  now?: () => Date;
}

/**
 * A structured logger: the relayer's, over pino.
 *
 * @example
 * const http = logger.child({ component: "http" });
 * if (http.isLevelEnabled("debug")) http.debug("connection reset", { code: "ECONNRESET" });
 */
export interface Logger {
  /** The least severe level written (that of `pino`). */
  readonly level: LogLevel;
  /** The pino logger that writes the lines (same stream, level, fields and format). */
  readonly pino: PinoLogger;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Whether a line of `level` would be written. */
  isLevelEnabled(level: Exclude<LogLevel, "silent">): boolean;
  /** A logger writing to the same stream with `fields` added to every line. */
  child(fields: LogFields): Logger;
}

/**
 * Creates a JSON-lines logger on pino.
 *
 * @example
 * const logger = createLogger({ level: "info", base: { service: "relayer" } });
 * logger.info("intent accepted", { id, wallet, maxGasPrice: 20n * 10n ** 9n });
 * // {"level":"info","time":"2025-06-01T12:00:00.000Z","service":"relayer","id":"0x…","wallet":"0x…","maxGasPrice":"20000000000","msg":"intent accepted"}
 *
 * @example
 * const quiet = createLogger({ level: "silent" }); // for tests
 * const app = fastify({ loggerInstance: logger.pino });
 */
export function createLogger({
  level = "info",
  stream,
  base = {},
  now = () => new Date(),
}: CreateLoggerParameters = {}): Logger {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new RangeError(
      `unknown log level "${String(level)}" (expected ${LOG_LEVELS.join(", ")})`,
    );
  }
  const destination: DestinationStream = stream ?? pino.destination({ dest: 1, sync: true });
  return adapt(pino(pinoOptions(level, base, now), destination));
}

/**
 * The pino options of a relayer logger: levels by name, ISO times, `base` instead of pino's
 * `pid` and `hostname`, and errors under `err` or `error` serialized as `loggableValue` does
 * (for what logs through `logger.pino` directly).
 */
function pinoOptions(level: LogLevel, base: LogFields, now: () => Date): LoggerOptions {
  const serializeError = (value: unknown) =>
    value instanceof Error ? loggableValue(value) : value;
  return {
    level,
    base: loggableFields(base),
    messageKey: "msg",
    timestamp: () => `,"time":"${now().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: serializeError, error: serializeError },
  };
}

/** The `Logger` of a pino logger. */
function adapt(instance: PinoLogger): Logger {
  const write = (lineLevel: Exclude<LogLevel, "silent">, message: string, fields?: LogFields) => {
    if (!instance.isLevelEnabled(lineLevel)) return;
    if (fields === undefined) instance[lineLevel](message);
    else instance[lineLevel](loggableFields(fields), message);
  };
  return {
    get level() {
      return instance.level as LogLevel;
    },
    pino: instance,
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    isLevelEnabled: (candidate) => instance.isLevelEnabled(candidate),
    child: (fields) => adapt(instance.child(loggableFields(fields))),
  };
}
