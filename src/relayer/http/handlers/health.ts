import { relayerHealthResponseSchema } from "../../../protocol/relayerApi/schemas.js";
import { sendRefusal } from "../errorAnswers.js";
import { emptyQuerySchema } from "../params.js";
import { errorResponses, type RelayerApp, type RouteDependencies } from "../responses.js";

/**
 * How long `/health` may take in all: Fastify answers `503 unavailable` after it.
 *
 * @example
 * app.get("/health", { handlerTimeout: HEALTH_HANDLER_TIMEOUT_MS }, handler);
 */
export const HEALTH_HANDLER_TIMEOUT_MS = 1_000;

/**
 * `GET /health`: `200` with the service's health (chain, relayer account, block, balance,
 * pending), encoded through the protocol's `relayerHealthResponseSchema` (bigints as decimal
 * strings), or the service's `503 unavailable` naming the failing component and why. Answers
 * within 1 s in every state: the service gives the node less than that, and Fastify's handler
 * timeout stands behind it.
 *
 * @example
 * healthRoute(app, { service, limits });
 */
export function healthRoute(app: RelayerApp, { service }: RouteDependencies): void {
  app.route({
    method: "GET",
    url: "/health",
    handlerTimeout: HEALTH_HANDLER_TIMEOUT_MS,
    schema: {
      summary: "Liveness: the chain, the relayer account and its balance, pending intents",
      querystring: emptyQuerySchema,
      response: {
        200: relayerHealthResponseSchema.describe("the relayer can serve"),
        ...errorResponses(500, 503),
      },
    },
    handler: async (request, reply) => {
      const outcome = await service.health();
      if (!outcome.ok) return sendRefusal(request, reply, outcome.refusal);
      return reply.code(200).send(outcome.health);
    },
  });
}
