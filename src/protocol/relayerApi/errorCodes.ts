/**
 * The error codes the relayer answers with (docs/relayer-api.md section 5), defined once for
 * the relayer, which refuses with them, and the SDK's `RelayerError`, which reports them.
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
 * One of `RELAYER_ERROR_CODES`: the `error.code` of an error answer.
 *
 * @example
 * const retryable: RelayerApiErrorCode[] = ["rate_limited", "budget_exhausted", "unavailable"];
 */
export type RelayerApiErrorCode = (typeof RELAYER_ERROR_CODES)[number];
