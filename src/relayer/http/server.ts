import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

import { z } from "zod";

import { relayerErrorResponseSchema } from "../../protocol/relayerApi/schemas.js";
import type { RelayerErrorJson } from "../../protocol/relayerApi/types.js";

import type { Logger } from "../logger.js";
import type { RelayerMetrics } from "../metrics.js";
import type { Handler, HttpAnswer, HttpLimits } from "./handler.js";
import { getIntent } from "./handlers/getIntent.js";
import { health } from "./handlers/health.js";
import { listWalletIntents } from "./handlers/listWalletIntents.js";
import { metrics as metricsHandler } from "./handlers/metrics.js";
import { submitIntent } from "./handlers/submitIntent.js";
import { stringifyJson } from "./json.js";
import { RequestAbortedError } from "./readJsonBody.js";
import { methodNotAllowed, notFound } from "./refusals.js";
import { RelayerRefusal } from "../refusal.js";
import { REFUSAL_STATUS } from "./refusalStatus.js";
import type { RelayerService } from "./RelayerService.js";

export { renderIntent, type IntentStatusJson } from "./renderIntent.js";
export type { HttpLimits } from "./handler.js";

/** The `Content-Type` of every JSON answer, errors included. */
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** The default body limit: 128 KiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 128 * 1024;

/** The parameters of `createRelayerHttpServer`. */
export interface CreateRelayerHttpServerParameters {
  service: RelayerService;
  metrics: RelayerMetrics;
  logger: Logger;
  /** The largest request body; default 128 KiB. */
  bodyLimitBytes?: number;
  /** The most calls an intent may have; default 64. */
  maxCalls?: number;
  /** The most dependencies an intent may have; default 16. */
  maxDependencies?: number;
  /** How long a client may take to send a whole request; default 30 s. */
  requestTimeoutMs?: number;
}

/** A route: its template (the `route` label and log field), its pattern and its handlers. */
interface Route {
  route: string;
  pattern: RegExp;
  params: readonly string[];
  methods: Readonly<Record<string, Handler>>;
}

/** docs/relayer-api.md, the table at the top. */
const ROUTES: readonly Route[] = [
  { route: "/v1/intents", pattern: /^\/v1\/intents$/, params: [], methods: { POST: submitIntent } },
  {
    route: "/v1/intents/:id",
    pattern: /^\/v1\/intents\/([^/]+)$/,
    params: ["id"],
    methods: { GET: getIntent },
  },
  {
    route: "/v1/wallets/:address/intents",
    pattern: /^\/v1\/wallets\/([^/]+)\/intents$/,
    params: ["address"],
    methods: { GET: listWalletIntents },
  },
  { route: "/health", pattern: /^\/health$/, params: [], methods: { GET: health } },
  { route: "/metrics", pattern: /^\/metrics$/, params: [], methods: { GET: metricsHandler } },
];

/** The `route` of requests that match no route. */
const UNMATCHED = "unmatched";

/** The status logged and counted when the client went away before the answer (nginx's 499). */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * The relayer's HTTP JSON API (docs/relayer-api.md), on `node:http`. The caller listens:
 * `server.listen(8080, "127.0.0.1")`. Every request is routed to one handler per endpoint;
 * bodies are checked (content type, size, JSON, schema) before the service sees them; a
 * `RelayerRefusal` is answered with its code's status (`REFUSAL_STATUS`), its code, message,
 * details (and `Retry-After`);
 * anything else thrown is a `500 internal_error` with a generic message, logged in full.
 * Every request is counted (`relayer_http_requests_total{route,status}`, and for submissions
 * `relayer_intents_accepted_total` / `relayer_intents_refused_total{code}`) and logged with
 * its method, route, status and duration.
 *
 * @example
 * const server = createRelayerHttpServer({ service, metrics: new RelayerMetrics(), logger: createLogger({ level: "info" }) });
 * server.listen(8080, "127.0.0.1");
 */
export function createRelayerHttpServer({
  service,
  metrics,
  logger,
  bodyLimitBytes = DEFAULT_BODY_LIMIT_BYTES,
  maxCalls = 64,
  maxDependencies = 16,
  requestTimeoutMs = 30_000,
}: CreateRelayerHttpServerParameters): Server {
  for (const [name, value] of Object.entries({
    bodyLimitBytes,
    maxCalls,
    maxDependencies,
    requestTimeoutMs,
  })) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
  }
  const limits: HttpLimits = { bodyLimitBytes, maxCalls, maxDependencies };
  const server = createServer((request, response) => {
    handleRequest({ request, response, service, metrics, logger, limits }).catch(
      (error: unknown) => {
        // Not reached unless writing the answer itself failed: drop the connection.
        logger.error("could not answer a request", { method: request.method, error });
        response.destroy();
      },
    );
  });
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(server.headersTimeout, requestTimeoutMs);
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    answerClientError(error, socket, metrics, logger);
  });
  return server;
}

/** Routes one request, answers it, counts it and logs it. Rejects only if writing fails. */
async function handleRequest({
  request,
  response,
  service,
  metrics,
  logger,
  limits,
}: {
  request: IncomingMessage;
  response: ServerResponse;
  service: RelayerService;
  metrics: RelayerMetrics;
  logger: Logger;
  limits: HttpLimits;
}): Promise<void> {
  const started = performance.now();
  const method = request.method ?? "";
  const { pathname, query } = splitUrl(request.url ?? "/");
  const match = matchRoute(pathname);
  const route = match?.route.route ?? UNMATCHED;
  let answer: HttpAnswer;
  let code: string | undefined;
  try {
    if (match === undefined) throw notFound(`no route ${method} ${shorten(pathname)}`);
    const handler = match.route.methods[method];
    if (handler === undefined) {
      throw methodNotAllowed(method, route, Object.keys(match.route.methods).join(", "));
    }
    answer = await handler({ request, params: match.params, query, service, logger, limits });
  } catch (error) {
    if (error instanceof RequestAbortedError) {
      finish(CLIENT_CLOSED_REQUEST, { code: "client_closed_request" });
      return;
    }
    ({ answer, code } = errorAnswer(error, { method, route, logger }));
  }
  if (!send(request, response, answer)) {
    ({ answer, code } = errorAnswer(new Error("the answer is not serializable"), {
      method,
      route,
      logger,
    }));
    send(request, response, answer);
  }
  finish(answer.status, { ...answer.logFields, ...(code === undefined ? {} : { code }) });

  function finish(status: number, fields: Record<string, unknown>) {
    metrics.httpRequest(route, status);
    if (route === "/v1/intents" && method === "POST") {
      if (status === 202) metrics.intentAccepted();
      else if (code !== undefined) metrics.intentRefused(code);
    }
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const level = status >= 500 ? "warn" : "info";
    logger[level]("http request", {
      method,
      route,
      ...(route === UNMATCHED || match?.route.params.length ? { path: shorten(pathname) } : {}),
      status,
      ms,
      ...fields,
    });
  }
}

/** The error answer of `error`: a refusal as it says, anything else a generic 500 (logged). */
function errorAnswer(
  error: unknown,
  { method, route, logger }: { method: string; route: string; logger: Logger },
): { answer: HttpAnswer; code: string } {
  if (error instanceof RelayerRefusal && Object.hasOwn(REFUSAL_STATUS, error.code)) {
    const status = REFUSAL_STATUS[error.code];
    const headers: Record<string, string> = {};
    const retryAfter = error.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
    if (retryAfter !== undefined) {
      headers["retry-after"] = String(Math.max(0, Math.ceil(retryAfter)));
    }
    if (status === 405 && typeof error.details?.allow === "string") {
      headers.allow = error.details.allow;
    }
    const body = errorBody(error.code, error.message, error.details);
    return { answer: { status, json: body, headers }, code: error.code };
  }
  logger.error("internal error while answering a request", { method, route, error });
  const body = errorBody(
    "internal_error",
    "internal error: the request was not carried out; retrying it is safe",
  );
  return { answer: { status: 500, json: body }, code: "internal_error" };
}

/**
 * The body of an error answer, `{ error: { code, message, details? } }`, encoded through the
 * protocol's `relayerErrorResponseSchema`.
 */
function errorBody(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): RelayerErrorJson {
  return z.encode(relayerErrorResponseSchema, {
    error: { code, message, ...(details === undefined ? {} : { details }) },
  });
}

/**
 * Writes `answer`, and closes the connection when the request body was not read to its end.
 * Returns false, writing nothing, when the JSON of `answer` cannot be written (a cycle).
 */
function send(request: IncomingMessage, response: ServerResponse, answer: HttpAnswer): boolean {
  if (response.headersSent || response.destroyed) return true;
  let body: string;
  try {
    body = "json" in answer ? stringifyJson(answer.json) : answer.text;
  } catch {
    return false;
  }
  const contentType = "json" in answer ? JSON_CONTENT_TYPE : answer.contentType;
  const payload = Buffer.from(body, "utf8");
  response.writeHead(answer.status, {
    ...answer.headers,
    "content-type": contentType,
    "content-length": String(payload.length),
    "cache-control": "no-store",
    // An unread body (413, 415, …) is not read on: the connection closes after the answer.
    ...(request.complete ? {} : { connection: "close" }),
  });
  response.end(payload);
  return true;
}

/** The route of `pathname` and its path parameters (percent-decoded), if any route matches. */
function matchRoute(
  pathname: string,
): { route: Route; params: Readonly<Record<string, string>> } | undefined {
  for (const route of ROUTES) {
    const found = route.pattern.exec(pathname);
    if (found === null) continue;
    const params: Record<string, string> = {};
    route.params.forEach((name, i) => {
      params[name] = safeDecode(found[i + 1]);
    });
    return { route, params };
  }
  return undefined;
}

/** The path and query of a request target (origin form `/a?b`, or absolute form). */
function splitUrl(target: string): { pathname: string; query: URLSearchParams } {
  let path = target;
  if (!target.startsWith("/")) {
    try {
      const url = new URL(target);
      path = `${url.pathname}${url.search}`;
    } catch {
      return { pathname: target, query: new URLSearchParams() };
    }
  }
  const mark = path.indexOf("?");
  return mark === -1
    ? { pathname: path, query: new URLSearchParams() }
    : { pathname: path.slice(0, mark), query: new URLSearchParams(path.slice(mark + 1)) };
}

/** Percent-decodes a path segment; a bad escape is left as it came (and then fails its schema). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * A request Node's HTTP parser refused (malformed, headers too large, too slow): answered with
 * the error body too, then the connection is closed.
 */
function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Duplex,
  metrics: RelayerMetrics,
  logger: Logger,
): void {
  const [status, reason, code, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [
          431,
          "Request Header Fields Too Large",
          "headers_too_large",
          "the request headers are too large",
        ]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request Timeout", "request_timeout", "the request took too long to arrive"]
        : [400, "Bad Request", "malformed_request", "the request is not valid HTTP/1.1"];
  if (error.code === "ECONNRESET" || !socket.writable) {
    logger.debug("connection reset by the client", { parserError: error.code });
    socket.destroy();
    return;
  }
  logger.info("http request refused by the parser", { status, code, parserError: error.code });
  metrics.httpRequest(UNMATCHED, status);
  const body = Buffer.from(stringifyJson(errorBody(code, message)), "utf8");
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${JSON_CONTENT_TYPE}\r\n` +
      `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body.toString("utf8")}`,
  );
}
