import type { IncomingMessage } from "node:http";

import type { Logger } from "../logger.js";
import type { RelayerService } from "./RelayerService.js";

/** What every endpoint handler is given. */
export interface HandlerContext {
  request: IncomingMessage;
  /** The route's path parameters, percent-decoded, not yet validated. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  service: RelayerService;
  logger: Logger;
  limits: HttpLimits;
}

/** The request limits of the HTTP layer (docs/relayer-api.md sections 1 and 2). */
export interface HttpLimits {
  /** The largest request body, in bytes. */
  bodyLimitBytes: number;
  /** The most calls one intent may have. */
  maxCalls: number;
  /** The most dependencies one intent may have. */
  maxDependencies: number;
}

/** A successful answer: JSON (`json`) or text (`text` with its `contentType`). */
export type HttpAnswer =
  | { status: number; json: unknown; headers?: Record<string, string>; logFields?: LogFieldsOf }
  | {
      status: number;
      text: string;
      contentType: string;
      headers?: Record<string, string>;
      logFields?: LogFieldsOf;
    };

/** Extra fields for the request's log line (e.g. the intent's ID). */
type LogFieldsOf = Record<string, unknown>;

/**
 * An endpoint: checks its inputs (throwing a `RelayerRefusal` for a bad one), asks the
 * service, and returns the answer. Anything else thrown is a bug (`500 internal_error`).
 */
export type Handler = (context: HandlerContext) => Promise<HttpAnswer>;
