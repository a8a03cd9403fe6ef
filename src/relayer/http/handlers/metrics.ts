import { z } from "zod";

import { PROMETHEUS_CONTENT_TYPE } from "../../metrics.js";
import { errorResponses, type RelayerApp, type RouteDependencies } from "../responses.js";

/**
 * `GET /metrics`: what the service's `RelayerMetrics` render, in the Prometheus text format,
 * with its content type.
 *
 * @example
 * metricsRoute(app, { service, limits });
 */
export function metricsRoute(app: RelayerApp, { service }: RouteDependencies): void {
  app.route({
    method: "GET",
    url: "/metrics",
    schema: {
      summary: "Prometheus metrics",
      response: {
        200: {
          description: "the Prometheus text exposition format",
          content: { [PROMETHEUS_CONTENT_TYPE]: { schema: z.string() } },
        },
        ...errorResponses(500),
      },
    },
    handler: async (_request, reply) => {
      const text = await service.metrics();
      return reply.code(200).type(PROMETHEUS_CONTENT_TYPE).send(text);
    },
  });
}
