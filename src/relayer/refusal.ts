import type { RelayerApiErrorCode } from "../protocol/relayerApi/errorCodes.js";

/**
 * The code of a refusal: one of the protocol's `RELAYER_ERROR_CODES` (docs/relayer-api.md
 * section 5).
 *
 * @example
 * const code: RefusalCode = "wallet_not_served";
 */
export type RefusalCode = RelayerApiErrorCode;

/**
 * What the relayer will not do, said as an outcome: a stable `code`, one readable sentence that
 * names the problem, structured `details`, and for a limit that lifts with time
 * `retryAfterSeconds`. Only the HTTP layer turns it into a status (`http/refusalStatus.ts`).
 *
 * @example
 * throw new RelayerRefusal("wallet_not_served", `this relayer does not serve wallet ${wallet}`, { wallet });
 */
export class RelayerRefusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Seconds until trying again may succeed (a rate or a budget). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "RelayerRefusal";
  }
}
