import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { RelayerConfig } from "../config.js";
import type { RelayerService } from "../http/RelayerService.js";
import { createRelayerHttpServer } from "../http/server.js";
import type { Logger } from "../logger.js";
import type { RelayerMetrics } from "../metrics.js";
import type { RateCounter } from "../rates/RateCounter.js";

/**
 * The relayer's HTTP server, listening, and the URL it answers at.
 *
 * @example
 * const { server, url } = await serveHttp({ service, metrics, log, config, rates });
 */
export interface ServedHttp {
  server: Server;
  url: string;
}

/**
 * The parameters of `serveHttp`.
 *
 * @example
 * const parameters: ServeHttpParameters = { service, metrics, log, config, rates };
 */
export interface ServeHttpParameters {
  service: RelayerService;
  metrics: RelayerMetrics;
  log: Logger;
  config: RelayerConfig;
  /** Where the clients' submissions are counted (`rateCounterOf(store)`). */
  rates: RateCounter;
}

/**
 * Serves `service` over HTTP on RELAYER_HOST:RELAYER_PORT (port 0: any free port), with the
 * configured body limit and per-client rate (counted in `rates`); a port that cannot be
 * listened on is an error.
 *
 * @example
 * const { server, url } = await serveHttp({ service, metrics, log, config, rates }); // url: "http://127.0.0.1:8546"
 */
export async function serveHttp({
  service,
  metrics,
  log,
  config,
  rates,
}: ServeHttpParameters): Promise<ServedHttp> {
  const server = createRelayerHttpServer({
    service,
    metrics,
    logger: log,
    rates,
    bodyLimitBytes: config.RELAYER_BODY_LIMIT_BYTES,
    clientRatePerMinute: config.RELAYER_CLIENT_RATE_PER_MINUTE,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.RELAYER_PORT, config.RELAYER_HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${config.RELAYER_HOST}:${port}` };
}

/**
 * Stops `server` listening, waits for the requests it is answering, then drops the idle
 * connections that remain.
 *
 * @example
 * await closeServer(server);
 */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections?.();
}
