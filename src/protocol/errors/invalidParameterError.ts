import { IntentWalletSdkError } from "./baseError.js";

/**
 * A value given to an SDK function that it cannot use: `parameter` names it, `shortMessage`
 * says why. Nothing was sent or signed.
 *
 * @example
 * try {
 *   buildIntent({ calls: [] });
 * } catch (error) {
 *   if (error instanceof InvalidParameterError) console.error(error.parameter, error.shortMessage);
 * }
 */
export class InvalidParameterError extends IntentWalletSdkError {
  override readonly name = "InvalidParameterError";
  /** The parameter at fault, e.g. `"salt"` or `"permissions[0].functionSignature"`. */
  readonly parameter: string;

  constructor({
    parameter,
    shortMessage,
    cause,
  }: {
    parameter: string;
    shortMessage: string;
    cause?: unknown;
  }) {
    super({ shortMessage, cause });
    this.parameter = parameter;
  }
}
