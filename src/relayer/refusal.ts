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
 * const refusal: Refusal = { code: "wallet_not_served", message: `this relayer does not serve wallet ${wallet}`, details: { wallet } };
 */
export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
  readonly details?: Record<string, unknown>;
  /** Seconds until trying again may succeed (a rate, a budget, a node that does not answer). */
  readonly retryAfterSeconds?: number;
}

/**
 * The outcome of asking the relayer something it may refuse: `{ ok: true, ...value }` or
 * `{ ok: false, refusal }`. A refusal is an answer, never thrown; a thrown error is a fault.
 *
 * @example
 * const outcome: Outcome<{ page: IntentPage }> = { ok: true, page };
 * if (!outcome.ok) console.log(outcome.refusal.code);
 */
export type Outcome<Value extends object> = ({ ok: true } & Value) | Refused;

/**
 * The refused side of an `Outcome`.
 *
 * @example
 * const outcome: Refused = { ok: false, refusal: { code: "expired", message: "intent 0x… expired" } };
 */
export interface Refused {
  ok: false;
  refusal: Refusal;
}

/**
 * A refusal as an `Outcome`.
 *
 * @example
 * if (signed.chainId !== chainId) return refused("wrong_chain", `chain ${signed.chainId} is not ours`, { expected, received });
 */
export function refused(
  code: RefusalCode,
  message: string,
  details?: Record<string, unknown>,
  retryAfterSeconds?: number,
): Refused {
  return {
    ok: false,
    refusal: {
      code,
      message,
      ...(details === undefined ? {} : { details }),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    },
  };
}

/**
 * A `Refusal` thrown: for the HTTP layer's own checks, which refuse from inside Fastify's
 * request lifecycle (a hook, a body parser, a validator) and are answered by its error
 * handler. The service never throws one: it returns `Refused` outcomes.
 *
 * @example
 * throw new RelayerRefusal("unsupported_media_type", "Content-Type is missing", { contentType: null });
 */
export class RelayerRefusal extends Error implements Refusal {
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

  /**
   * `refusal` as a throwable `RelayerRefusal`.
   *
   * @example
   * throw RelayerRefusal.of(outcome.refusal);
   */
  static of(refusal: Refusal): RelayerRefusal {
    return refusal instanceof RelayerRefusal
      ? refusal
      : new RelayerRefusal(
          refusal.code,
          refusal.message,
          refusal.details,
          refusal.retryAfterSeconds,
        );
  }
}
