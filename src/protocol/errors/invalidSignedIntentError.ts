import { IntentWalletSdkError } from "./baseError.js";

/** The parameters of `InvalidSignedIntentError`. */
export interface InvalidSignedIntentErrorParameters {
  /** Where the problem is, e.g. `"intent.calls[0].value"`; `""` for the document as a whole. */
  path: string;
  /** What is wrong there, e.g. `"must not be negative (got \"-1\")"`. */
  reason: string;
  cause?: unknown;
}

/**
 * A signed intent that cannot be parsed or is not valid: wrong version, missing or unknown
 * field, bad address, bad hex, integer out of range, no calls, an ID that does not match the
 * intent, and so on. `path` names the field, `reason` says what is wrong with it.
 *
 * @example
 * try {
 *   parseSignedIntent(requestBody);
 * } catch (error) {
 *   if (error instanceof InvalidSignedIntentError) {
 *     return reply(400, { field: error.path, error: error.reason });
 *   }
 *   throw error;
 * }
 */
export class InvalidSignedIntentError extends IntentWalletSdkError {
  override readonly name = "InvalidSignedIntentError";
  /** Where the problem is, e.g. `"intent.calls[0].value"`; `""` for the document as a whole. */
  readonly path: string;
  /** What is wrong there. */
  readonly reason: string;

  constructor({ path, reason, cause }: InvalidSignedIntentErrorParameters) {
    super({
      shortMessage: `Invalid signed intent${path === "" ? "" : ` at ${path}`}: ${reason}`,
      cause,
    });
    this.path = path;
    this.reason = reason;
  }
}
