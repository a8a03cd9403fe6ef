import type { RefusalCode } from "../refusal.js";

/**
 * The HTTP status of each refusal code, as docs/relayer-api.md section 5 lists them: the one
 * place where the relayer's outcomes meet HTTP.
 *
 * @example
 * response.writeHead(REFUSAL_STATUS[refusal.code]);
 */
export const REFUSAL_STATUS = {
  malformed_json: 400,
  body_too_large: 413,
  unsupported_media_type: 415,
  unknown_field: 400,
  invalid_field: 400,
  wrong_chain: 400,
  invalid_window: 400,
  invalid_signature: 400,
  expired: 400,
  already_relayed: 409,
  canceled: 409,
  duplicate: 409,
  dependency_cycle: 400,
  dependency_failed: 409,
  wallet_not_served: 403,
  rate_limited: 429,
  budget_exhausted: 429,
  not_found: 404,
  method_not_allowed: 405,
  internal_error: 500,
  unavailable: 503,
} as const satisfies Record<RefusalCode, number>;
