/**
 * The request limits of the HTTP layer (docs/relayer-api.md sections 1 to 3).
 *
 * @example
 * const limits: HttpLimits = { bodyLimitBytes: 131072, maxCalls: 64, maxDependencies: 16, clientRatePerMinute: 300, requestTimeoutMs: 30000 };
 */
export interface HttpLimits {
  /** The largest request body, in bytes. */
  bodyLimitBytes: number;
  /** The most calls one intent may have. */
  maxCalls: number;
  /** The most dependencies one intent may have. */
  maxDependencies: number;
  /** Submissions one client address may make per minute, refused ones included. */
  clientRatePerMinute: number;
  /** How long a client may take to send a whole request, in ms. */
  requestTimeoutMs: number;
}

/**
 * The default body limit: 128 KiB.
 *
 * @example
 * createRelayerHttpServer({ service, metrics, logger, bodyLimitBytes: 2 * DEFAULT_BODY_LIMIT_BYTES });
 */
export const DEFAULT_BODY_LIMIT_BYTES = 128 * 1024;

/**
 * The defaults of `HttpLimits`: 128 KiB, 64 calls, 16 dependencies, 300 submissions per client
 * per minute (below the 600 per wallet, so that one client alone cannot use up a wallet's
 * rate), 30 s to send a request.
 *
 * @example
 * const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, maxCalls: 8 };
 */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = {
  bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
  maxCalls: 64,
  maxDependencies: 16,
  clientRatePerMinute: 300,
  requestTimeoutMs: 30_000,
};

/**
 * The limits named in `given` (other fields are ignored) over the defaults, each a positive
 * safe integer (a `RangeError` names the first that is not).
 *
 * @example
 * const limits = resolveHttpLimits({ bodyLimitBytes: 64 * 1024 });
 */
export function resolveHttpLimits(given: Partial<HttpLimits>): HttpLimits {
  const limits = { ...DEFAULT_HTTP_LIMITS };
  for (const name of Object.keys(DEFAULT_HTTP_LIMITS) as (keyof HttpLimits)[]) {
    const value = given[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
    limits[name] = value;
  }
  return limits;
}
