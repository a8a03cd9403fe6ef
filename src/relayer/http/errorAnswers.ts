import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";

import { relayerErrorResponseSchema } from "../../protocol/relayerApi/schemas.js";
import type { RelayerErrorJson } from "../../protocol/relayerApi/types.js";
import type { Logger } from "../logger.js";
import { RelayerRefusal, type Refusal } from "../refusal.js";
import type { RelayerMetrics } from "../metrics.js";
import { toJsonValue } from "./json.js";
import { recordRequest, shorten, UNMATCHED } from "./observe.js";
import { parameterRefusal } from "./params.js";
import { REFUSAL_STATUS } from "./refusalStatus.js";
import { RPC_RETRY_AFTER_SECONDS } from "../rpcDeadline.js";
import { StoreUnavailableError } from "../store/errors.js";

/**
 * Every error answer of the API (docs/relayer-api.md section 5): a refusal with its code's
 * status (`REFUSAL_STATUS`), body `{ error: { code, message, details } }` and `Retry-After`;
 * Fastify's own errors (body too large, bad content type, bad JSON, a handler that took too
 * long, a bad URL) mapped to the documented codes; anything else `500 internal_error`, logged
 * in full, answered without its message.
 */

/**
 * The message of every `500 internal_error`.
 *
 * @example
 * errorBody("internal_error", INTERNAL_ERROR_MESSAGE);
 */
export const INTERNAL_ERROR_MESSAGE =
  "internal error: the request was not carried out; retrying it is safe";

/**
 * Answers `refusal`: its status, `Retry-After` (at least 1 s on a 429), `Allow` on a 405, and
 * `Connection: close` when the request's body was not read to its end (it is not read on).
 *
 * @example
 * return sendRefusal(request, reply, outcome.refusal);
 */
export function sendRefusal(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: Refusal,
): FastifyReply {
  // A code outside the table (none is expected) is a fault of the relayer's.
  const status: number = REFUSAL_STATUS[refusal.code] ?? 500;
  const retryAfter = refusal.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) {
    reply.header("retry-after", String(Math.max(0, Math.ceil(retryAfter))));
  }
  if (status === 405 && typeof refusal.details?.allow === "string") {
    reply.header("allow", refusal.details.allow);
  }
  request.notes.code = refusal.code;
  return sendError(
    request,
    reply,
    status,
    errorBody(refusal.code, refusal.message, refusal.details),
  );
}

/**
 * Fastify's error handler: the answer of whatever a hook, parser, validator or handler threw.
 *
 * @example
 * app.setErrorHandler(errorHandler(logger));
 */
export function errorHandler(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const refusal = refusalOf(error, request);
    if (refusal !== undefined) return sendRefusal(request, reply, refusal);
    logger.error("internal error while answering a request", {
      method: request.method,
      route: request.notes?.route,
      error,
    });
    request.notes.code = "internal_error";
    return sendError(request, reply, 500, errorBody("internal_error", INTERNAL_ERROR_MESSAGE));
  };
}

/**
 * The refusal `error` stands for, or undefined for a fault. The HTTP layer's checks throw
 * refusals before the route's handler runs; the service returns its own: a refusal thrown from
 * inside a handler is a fault.
 */
function refusalOf(error: FastifyError, request: FastifyRequest): Refusal | undefined {
  if (error instanceof RelayerRefusal) return request.notes?.handling ? undefined : error;
  if (hasZodFastifySchemaValidationErrors(error)) return parameterRefusal(error.validation);
  if (error instanceof StoreUnavailableError) return storeUnavailable(error);
  return FASTIFY_REFUSALS.get(error.code)?.(error, request);
}

/** The refusal a Fastify error stands for. */
type FastifyRefusal = (error: FastifyError, request: FastifyRequest) => RelayerRefusal;

/** A body over the route's limit: `body_too_large`, with the limit. */
const bodyTooLarge: FastifyRefusal = (_error, request) => {
  const limitBytes = request.routeOptions.bodyLimit;
  return new RelayerRefusal(
    "body_too_large",
    `the body is larger than the limit of ${limitBytes} bytes`,
    { limitBytes },
  );
};

/** A body that is not JSON by its Content-Type: `unsupported_media_type`, with the type sent. */
const unsupportedMediaType: FastifyRefusal = (_error, request) => {
  const contentType = request.headers["content-type"] ?? null;
  return new RelayerRefusal(
    "unsupported_media_type",
    `Content-Type ${JSON.stringify(contentType)} is not supported: send the body as application/json`,
    { contentType },
  );
};

/** An empty or unparsable JSON body, or a bad Content-Length: `malformed_json`. */
const malformedJson: FastifyRefusal = (error) =>
  new RelayerRefusal("malformed_json", `the body is not valid JSON: ${error.message}`, {});

/** A path that is not valid percent-encoding: `not_found`. */
const badUrl: FastifyRefusal = (_error, request) =>
  new RelayerRefusal(
    "not_found",
    `no route ${request.method} with a path that is not valid percent-encoding`,
  );

/** A shared store that did not answer: `unavailable` (component `store`), with `Retry-After`. */
function storeUnavailable(error: StoreUnavailableError): RelayerRefusal {
  return new RelayerRefusal(
    "unavailable",
    `the relayer's database does not answer; nothing was stored: ${error.message}`,
    { component: "store", reason: "unreachable" },
    RPC_RETRY_AFTER_SECONDS,
  );
}

/** A handler that took too long: `unavailable` (component `relayer`), with `Retry-After`. */
const handlerTimeout: FastifyRefusal = (error) =>
  new RelayerRefusal(
    "unavailable",
    `the relayer did not answer in time: ${error.message}`,
    { component: "relayer", reason: "timeout" },
    RPC_RETRY_AFTER_SECONDS,
  );

/** Fastify's own errors that are refusals, by their code; any other error is a fault. */
const FASTIFY_REFUSALS: ReadonlyMap<string, FastifyRefusal> = new Map([
  ["FST_ERR_CTP_BODY_TOO_LARGE", bodyTooLarge],
  ["FST_ERR_CTP_INVALID_MEDIA_TYPE", unsupportedMediaType],
  ["FST_ERR_CTP_EMPTY_JSON_BODY", malformedJson],
  ["FST_ERR_CTP_INVALID_JSON_BODY", malformedJson],
  ["FST_ERR_CTP_INVALID_CONTENT_LENGTH", malformedJson],
  ["FST_ERR_BAD_URL", badUrl],
  ["FST_ERR_HANDLER_TIMEOUT", handlerTimeout],
]);

/** What the router could not route, by Fastify's error code. */
const UNROUTABLE: Record<string, string> = {
  FST_ERR_BAD_URL: "the path is not valid percent-encoding",
  FST_ERR_MAX_PARAM_LENGTH: "a path segment is too long",
};

/**
 * Fastify's `frameworkErrors` handler: a path the router cannot read (bad percent-encoding, a
 * segment too long) is `404 not_found`, counted and logged like any request.
 *
 * @example
 * Fastify({ frameworkErrors: frameworkErrorHandler({ metrics, logger }) });
 */
export function frameworkErrorHandler({
  metrics,
  logger,
}: {
  metrics: RelayerMetrics;
  logger: Logger;
}) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    request.notes = { route: UNMATCHED, fields: {}, handling: false };
    reply.raw.once("finish", () => recordRequest(request, reply, { metrics, logger }));
    const path = shorten(request.url.split("?")[0]);
    const why = UNROUTABLE[error.code] ?? error.message;
    sendRefusal(
      request,
      reply,
      new RelayerRefusal("not_found", `no route ${request.method} ${path}: ${why}`),
    );
  };
}

/** Writes an error body; a request whose body was not read to its end is not read on. */
function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body: RelayerErrorJson,
): FastifyReply {
  if (!request.raw.complete) {
    request.raw.pause();
    reply.header("connection", "close");
  }
  return reply.code(status).send(body);
}

/**
 * The body of an error answer, `{ error: { code, message, details? } }`: `details` as plain
 * JSON (bigints as decimal strings), encoded through the protocol's `relayerErrorResponseSchema`.
 *
 * @example
 * errorBody("not_found", "no intent 0x…", { id }); // { error: { code: "not_found", message: "no intent 0x…", details: { id } } }
 */
export function errorBody(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): RelayerErrorJson {
  const plain =
    details === undefined ? undefined : (toJsonValue(details) as Record<string, unknown>);
  return z.encode(relayerErrorResponseSchema, {
    error: { code, message, ...(plain === undefined ? {} : { details: plain }) },
  });
}
