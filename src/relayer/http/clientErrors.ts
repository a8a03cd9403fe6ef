import type { Duplex } from "node:stream";

import type { Logger } from "../logger.js";
import type { RelayerMetrics } from "../metrics.js";
import { errorBody } from "./errorAnswers.js";
import { stringifyJson } from "./json.js";
import { UNMATCHED } from "./observe.js";

/**
 * The `Content-Type` of every JSON answer, errors included.
 *
 * @example
 * expect(response.headers.get("content-type")).to.equal(JSON_CONTENT_TYPE);
 */
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** The answer to each kind of request Node's HTTP parser refuses before Fastify sees it. */
const PARSER_ANSWERS: Record<
  string,
  [status: number, reason: string, code: string, message: string]
> = {
  HPE_HEADER_OVERFLOW: [
    431,
    "Request Header Fields Too Large",
    "headers_too_large",
    "the request headers are too large",
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    "Request Timeout",
    "request_timeout",
    "the request took too long to arrive",
  ],
};

const MALFORMED: [number, string, string, string] = [
  400,
  "Bad Request",
  "malformed_request",
  "the request is not valid HTTP/1.1",
];

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refused (malformed, headers too
 * large, too slow to arrive) is answered with the API's error body too (`400
 * malformed_request`, `431 headers_too_large`, `408 request_timeout`), counted and logged,
 * then the connection is closed. A connection the client reset is only closed.
 *
 * @example
 * Fastify({ clientErrorHandler: clientErrorHandler({ metrics, logger }) });
 */
export function clientErrorHandler({
  metrics,
  logger,
}: {
  metrics: RelayerMetrics;
  logger: Logger;
}): (error: NodeJS.ErrnoException, socket: Duplex) => void {
  return (error, socket) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      logger.debug("connection reset by the client", { parserError: error.code });
      socket.destroy();
      return;
    }
    const [status, reason, code, message] = PARSER_ANSWERS[error.code ?? ""] ?? MALFORMED;
    logger.info("http request refused by the parser", { status, code, parserError: error.code });
    metrics.httpRequest(UNMATCHED, status);
    const body = Buffer.from(stringifyJson(errorBody(code, message)), "utf8");
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${JSON_CONTENT_TYPE}\r\n` +
        `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body.toString("utf8")}`,
    );
  };
}
