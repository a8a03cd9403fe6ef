import { createServer, type Server } from "node:http";

import Fastify, { type FastifyServerFactory } from "fastify";
import {
  createSerializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";

import type { Logger } from "../logger.js";
import type { RelayerMetrics } from "../metrics.js";
import { MemoryRateCounter } from "../rates/MemoryRateCounter.js";
import type { RateCounter } from "../rates/RateCounter.js";
import { clientErrorHandler } from "./clientErrors.js";
import { errorHandler, frameworkErrorHandler } from "./errorAnswers.js";
import { getIntentRoute } from "./handlers/getIntent.js";
import { healthRoute } from "./handlers/health.js";
import { listWalletIntentsRoute } from "./handlers/listWalletIntents.js";
import { metricsRoute } from "./handlers/metrics.js";
import { openApiRoute, registerOpenApi } from "./handlers/openapi.js";
import { submitIntentRoute } from "./handlers/submitIntent.js";
import { jsonBodyParser } from "./jsonBody.js";
import { resolveHttpLimits, type HttpLimits } from "./limits.js";
import { observeRequests } from "./observe.js";
import type { RelayerApp, RouteDependencies } from "./responses.js";
import type { RelayerService } from "./RelayerService.js";
import { refuseUnrouted } from "./unrouted.js";

export { renderIntent, type IntentStatusJson } from "./renderIntent.js";
export { DEFAULT_BODY_LIMIT_BYTES, type HttpLimits } from "./limits.js";
export { JSON_CONTENT_TYPE } from "./clientErrors.js";

/**
 * The parameters of `createRelayerHttpServer` and `buildRelayerApp`.
 *
 * @example
 * const parameters: CreateRelayerHttpServerParameters = { service, metrics, logger, clientRatePerMinute: 60 };
 */
export interface CreateRelayerHttpServerParameters extends Partial<HttpLimits> {
  service: RelayerService;
  metrics: RelayerMetrics;
  logger: Logger;
  /**
   * Where the clients' submissions are counted: the fleet's shared counter, or by default a
   * `MemoryRateCounter` of the server's own.
   */
  rates?: RateCounter;
}

/** The longest path parameter the router takes (an ID is 66 characters; a bad one may be longer). */
const MAX_PARAM_LENGTH = 2_048;

/**
 * The relayer's HTTP JSON API (docs/relayer-api.md) as a Fastify app, not yet listening: zod
 * schemas (fastify-type-provider-zod) for every route's parameters, body and answers, built on
 * the protocol's; an OpenAPI document of them at `GET /v1/openapi.json`; every check of a
 * request in the documented order; every error answered with the documented body.
 *
 * @example
 * const app = buildRelayerApp({ service, metrics, logger });
 * const answer = await app.inject({ method: "GET", url: "/health" });
 */
export function buildRelayerApp({
  service,
  metrics,
  logger,
  serverFactory,
  rates = new MemoryRateCounter(),
  ...given
}: CreateRelayerHttpServerParameters & { serverFactory?: FastifyServerFactory }): RelayerApp {
  const limits = resolveHttpLimits(given);
  const app = Fastify({
    logger: false,
    bodyLimit: limits.bodyLimitBytes,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler: clientErrorHandler({ metrics, logger }),
    frameworkErrors: frameworkErrorHandler({ metrics, logger }),
    ...(serverFactory === undefined ? {} : { serverFactory }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(createSerializerCompiler({ replacer: bigintsAsDecimals }));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, jsonBodyParser);
  observeRequests(app, { metrics, logger });
  refuseUnrouted(app);
  app.setErrorHandler(errorHandler(logger));
  app.addHook("onSend", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  registerOpenApi(app);
  app.register(async (api: RelayerApp) => registerRoutes(api, { service, limits, rates }));
  return app;
}

/** The API's routes (docs/relayer-api.md, the table at the top). */
function registerRoutes(api: RelayerApp, dependencies: RouteDependencies): void {
  submitIntentRoute(api, dependencies);
  getIntentRoute(api, dependencies);
  listWalletIntentsRoute(api, dependencies);
  healthRoute(api, dependencies);
  metricsRoute(api, dependencies);
  openApiRoute(api);
}

/**
 * The relayer's HTTP server (`buildRelayerApp` on a `node:http` server), for the caller to
 * listen on: `server.listen(8080, "127.0.0.1")`. Requests wait for the app to be ready; a
 * client has `requestTimeoutMs` (default 30 s) to send a whole request.
 *
 * @example
 * const server = createRelayerHttpServer({ service, metrics: new RelayerMetrics(), logger: createLogger({ level: "info" }) });
 * server.listen(8080, "127.0.0.1");
 */
export function createRelayerHttpServer(parameters: CreateRelayerHttpServerParameters): Server {
  let server: Server | undefined;
  let booted = false;
  const app = buildRelayerApp({
    ...parameters,
    serverFactory: (handler) => {
      server = createServer((request, response) => {
        if (booted) return handler(request, response);
        ready.then(
          () => handler(request, response),
          () => response.destroy(),
        );
      });
      return server;
    },
  });
  const ready = Promise.resolve(app.ready()).then(() => {
    booted = true;
  });
  ready.catch((error: unknown) => {
    parameters.logger.error("the relayer's HTTP app failed to start", { error });
  });
  const { requestTimeoutMs } = resolveHttpLimits(parameters);
  server!.requestTimeout = requestTimeoutMs;
  server!.headersTimeout = Math.min(server!.headersTimeout, requestTimeoutMs);
  return server!;
}

/** JSON.stringify's replacer for answers: a bigint is written as its decimal string. */
function bigintsAsDecimals(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString(10) : value;
}
