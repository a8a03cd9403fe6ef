import type { FastifyInstance, FastifyBaseLogger, RawServerDefault } from "fastify";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ZodTypeProvider } from "fastify-type-provider-zod";

import { relayerErrorResponseSchema } from "../../protocol/relayerApi/schemas.js";
import type { RelayerService } from "./RelayerService.js";
import type { HttpLimits } from "./limits.js";
import type { RateCounter } from "../rates/RateCounter.js";

/**
 * The Fastify instance the routes are declared on: zod schemas for every part.
 *
 * @example
 * export function healthRoute(app: RelayerApp, dependencies: RouteDependencies): void {}
 */
export type RelayerApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/**
 * What every route is given.
 *
 * @example
 * const dependencies: RouteDependencies = { service, limits: DEFAULT_HTTP_LIMITS, rates: new MemoryRateCounter() };
 */
export interface RouteDependencies {
  service: RelayerService;
  limits: HttpLimits;
  /** Where the clients' submissions are counted (`limits.clientRatePerMinute`). */
  rates: RateCounter;
}

/** What each error status of the API stands for (docs/relayer-api.md section 5). */
const ERROR_MEANINGS: Record<number, string> = {
  400: "the request is malformed, or a field or parameter is invalid or unknown (malformed_json, invalid_field, unknown_field, wrong_chain, invalid_window, invalid_signature, expired, dependency_cycle)",
  403: "the spending policy does not serve this wallet (wallet_not_served)",
  404: "no such intent (not_found)",
  409: "the intent conflicts with what is known (already_relayed, canceled, duplicate, dependency_failed)",
  413: "the body is over the limit (body_too_large)",
  415: "the body is not application/json (unsupported_media_type)",
  429: "a rate or the gas budget is used up (rate_limited, budget_exhausted); see Retry-After",
  500: "a bug: nothing half-done was stored, a retry is safe (internal_error)",
  503: "the relayer cannot serve now: its node does not answer, or its store (unavailable); see Retry-After",
};

/**
 * The error answers of a route, for its `response` schema: each status with the protocol's
 * error body (`relayerErrorResponseSchema`) and what it means.
 *
 * @example
 * const response = { 200: intentStatusResponseSchema, ...errorResponses(400, 404, 500) };
 */
export function errorResponses<Status extends keyof typeof ERROR_MEANINGS>(...statuses: Status[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, relayerErrorResponseSchema.describe(ERROR_MEANINGS[status])]),
  ) as Record<Status, typeof relayerErrorResponseSchema>;
}
