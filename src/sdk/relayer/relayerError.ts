import { IntentWalletSdkError } from "../../protocol/errors/baseError.js";

/**
 * The error codes the relayer answers with (docs/relayer-api.md, "Errors").
 *
 * @example
 * const fromRelayer = (RELAYER_ERROR_CODES as readonly string[]).includes(error.code);
 */
export const RELAYER_ERROR_CODES = [
  "malformed_json",
  "body_too_large",
  "unsupported_media_type",
  "unknown_field",
  "invalid_field",
  "wrong_chain",
  "invalid_window",
  "invalid_signature",
  "expired",
  "already_relayed",
  "canceled",
  "duplicate",
  "dependency_cycle",
  "dependency_failed",
  "wallet_not_served",
  "rate_limited",
  "budget_exhausted",
  "not_found",
  "method_not_allowed",
  "internal_error",
  "unavailable",
] as const;

/**
 * The codes the client itself uses when no error body came from the relayer.
 *
 * @example
 * const noAnswer = error.code === "timeout" || error.code === "network_error";
 */
export const RELAYER_CLIENT_ERROR_CODES = [
  /** No answer within `timeoutMs`. */
  "timeout",
  /** The request could not be sent or the connection broke (DNS, refused, reset, aborted). */
  "network_error",
  /** A non-2xx answer without the `{ error: { code, message } }` body. */
  "http_error",
  /** A 2xx answer the client cannot read (not JSON, or not the documented shape). */
  "invalid_response",
  /** `waitFor` gave up: the intent did not reach the awaited status within its `timeoutMs`. */
  "wait_timeout",
] as const;

/**
 * A code of `RELAYER_ERROR_CODES` or `RELAYER_CLIENT_ERROR_CODES`; other strings stay possible for codes added later.
 *
 * @example
 * const retryable: RelayerErrorCode[] = ["rate_limited", "unavailable", "timeout"];
 */
export type RelayerErrorCode =
  | (typeof RELAYER_ERROR_CODES)[number]
  | (typeof RELAYER_CLIENT_ERROR_CODES)[number]
  | (string & {});

/**
 * The parameters of the `RelayerError` constructor.
 *
 * @example
 * new RelayerError({ status: 429, code: "rate_limited", message: "slow down", retryAfterSeconds: 2 });
 */
export interface RelayerErrorParameters {
  /** The HTTP status, or 0 when there was no HTTP answer (timeout, network error, wait timeout). */
  status: number;
  code: RelayerErrorCode;
  /** The relayer's `error.message`, or the client's own one-line explanation. */
  message: string;
  /** The relayer's `error.details`, as it sent them (or the client's, e.g. `{ lastStatus }`). */
  errorDetails?: Record<string, unknown>;
  /** For 429 (and 503) answers: the `Retry-After` header, in seconds. */
  retryAfterSeconds?: number;
  /** The HTTP method and path of the request that failed, e.g. `"POST /v1/intents"`. */
  request?: string;
  cause?: unknown;
}

/**
 * Any failure of a `RelayerClient` call: an error answer of the relayer (`status` is its HTTP
 * status, `code` its error code, `shortMessage` its message, `errorDetails` its details), or a
 * failure on the way (`status` 0 or the 2xx status, `code` `timeout`, `network_error`,
 * `invalid_response`, `wait_timeout`). An `IntentWalletSdkError`, like every SDK error; its
 * `details` string repeats the code, the request and the relayer's details for logs.
 *
 * @example
 * try {
 *   await relayer.submit(signed);
 * } catch (error) {
 *   if (error instanceof RelayerError && error.code === "rate_limited") {
 *     await sleep((error.retryAfterSeconds ?? 1) * 1000);
 *   } else if (error instanceof RelayerError && error.code === "unknown_field") {
 *     console.error(error.shortMessage, error.errorDetails?.fields);
 *   } else throw error;
 * }
 */
export class RelayerError extends IntentWalletSdkError {
  override readonly name = "RelayerError";
  /** The HTTP status, or 0 when no HTTP answer came. */
  readonly status: number;
  /** The relayer's error code (e.g. `invalid_signature`), or the client's (e.g. `timeout`). */
  readonly code: RelayerErrorCode;
  /** The relayer's `error.details`, structured as it sent them. */
  readonly errorDetails?: Record<string, unknown>;
  /** For 429 answers: how many seconds the relayer asks to wait (`Retry-After`). */
  readonly retryAfterSeconds?: number;
  /** The request that failed, e.g. `"POST /v1/intents"`. */
  readonly request?: string;

  /**
   * @example
   * throw new RelayerError({ status: 0, code: "timeout", message: "no answer within 10000 ms" });
   */
  constructor({
    status,
    code,
    message,
    errorDetails,
    retryAfterSeconds,
    request,
    cause,
  }: RelayerErrorParameters) {
    const answer = status === 0 ? "" : `HTTP ${status}`;
    const where = [request, answer].filter((part) => part !== undefined && part !== "").join(" → ");
    super({
      shortMessage: message,
      details:
        `relayer error ${code}${where === "" ? "" : ` (${where})`}` +
        (errorDetails === undefined ? "" : `: ${stringify(errorDetails)}`),
      cause,
    });
    this.status = status;
    this.code = code;
    if (errorDetails !== undefined) this.errorDetails = errorDetails;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
    if (request !== undefined) this.request = request;
  }
}

/** JSON for a log line; bigints as decimal strings, anything unserializable as `[object]`. */
function stringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) =>
      typeof item === "bigint" ? item.toString(10) : item,
    );
  } catch {
    return "[unserializable]";
  }
}
