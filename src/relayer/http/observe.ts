import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

import type { Logger } from "../logger.js";
import type { RelayerMetrics } from "../metrics.js";

/**
 * The `route` label of requests that match no route.
 *
 * @example
 * metrics.httpRequest(UNMATCHED, 404);
 */
export const UNMATCHED = "unmatched";

/**
 * The status logged and counted when the client went away before the answer (nginx's 499).
 *
 * @example
 * metrics.httpRequest("/v1/intents", CLIENT_CLOSED_REQUEST);
 */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * What a request's log line and metrics say beyond its method and status.
 *
 * @example
 * request.notes.fields = { id, wallet };
 */
export interface RequestNotes {
  /** The route template (`/v1/intents/:id`), or `unmatched`. */
  route: string;
  /** The error code answered, if any. */
  code?: string;
  /** Extra fields for the log line (the intent's ID, the wallet, …). */
  fields: Record<string, unknown>;
  /**
   * Whether the route's handler runs: every check before it has passed. A refusal thrown from
   * then on is a fault (the service returns its refusals), answered `500 internal_error`.
   */
  handling: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Filled along the request; read when it is answered (`observeRequests`). */
    notes: RequestNotes;
  }
}

/**
 * Counts and logs every request once answered: `relayer_http_requests_total{route,status}`,
 * for submissions `relayer_intents_accepted_total` or `relayer_intents_refused_total{code}`,
 * and one `http request` log line with the method, route, path (for routes with parameters,
 * and unmatched ones), status, duration and the notes' fields.
 *
 * @example
 * observeRequests(app, { metrics, logger });
 */
export function observeRequests(
  app: FastifyInstance,
  { metrics, logger }: { metrics: RelayerMetrics; logger: Logger },
): void {
  app.decorateRequest("notes", null as unknown as RequestNotes);
  app.addHook("onRequest", async (request) => {
    const route = request.is404 ? UNMATCHED : request.routeOptions.url!;
    request.notes = { route, fields: {}, handling: false };
  });
  app.addHook("preHandler", async (request) => {
    request.notes.handling = !request.is404;
  });
  app.addHook("onResponse", async (request, reply) =>
    recordRequest(request, reply, { metrics, logger }),
  );
}

/**
 * Counts and logs one answered request (`observeRequests` does it for every request that went
 * through Fastify's lifecycle).
 *
 * @example
 * reply.raw.once("finish", () => recordRequest(request, reply, { metrics, logger }));
 */
export function recordRequest(
  request: FastifyRequest,
  reply: FastifyReply,
  { metrics, logger }: { metrics: RelayerMetrics; logger: Logger },
): void {
  const gone = !reply.raw.writableFinished && reply.raw.destroyed;
  const status = gone ? CLIENT_CLOSED_REQUEST : reply.statusCode;
  const { route, code, fields } = request.notes ?? { route: UNMATCHED, fields: {} };
  metrics.httpRequest(route, status);
  if (route === "/v1/intents" && request.method === "POST") {
    if (status === 202) metrics.intentAccepted();
    else if (code !== undefined) metrics.intentRefused(code);
  }
  const path = request.url.split("?")[0];
  const showPath = route === UNMATCHED || route.includes(":");
  logger[status >= 500 ? "warn" : "info"]("http request", {
    method: request.method,
    route,
    ...(showPath ? { path: shorten(path) } : {}),
    status,
    ms: Math.round(reply.elapsedTime * 10) / 10,
    ...fields,
    ...(code === undefined ? {} : { code }),
  });
}

/**
 * `text`, cut to 200 characters for a log line or a message.
 *
 * @example
 * shorten("/v1/intents/" + "x".repeat(500)); // 197 characters and "..."
 */
export function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
