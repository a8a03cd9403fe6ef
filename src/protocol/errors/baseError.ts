/** The parameters of every SDK error: a one-line message, optional details and the error it wraps. */
export interface IntentWalletSdkErrorParameters {
  /** One line saying what went wrong, e.g. `IntentExpired(id=0x12…, expiration=1732000000)`. */
  shortMessage: string;
  /** More context, appended to `message` after a blank line. */
  details?: string;
  /** The error this one explains (an ethers error, a JSON parse error, …). */
  cause?: unknown;
}

/**
 * The base class of every error the SDK throws: catch it to catch them all. `message` is
 * `shortMessage`, followed by `details` when there are any; `cause` is the wrapped error.
 *
 * @example
 * try {
 *   parseSignedIntent(body);
 * } catch (error) {
 *   if (error instanceof IntentWalletSdkError) console.error(error.shortMessage);
 *   else throw error;
 * }
 */
export class IntentWalletSdkError extends Error {
  override readonly name: string = "IntentWalletSdkError";
  /** One line saying what went wrong. */
  readonly shortMessage: string;
  /** More context, if any. */
  readonly details?: string;
  /** The error this one explains, if any. */
  declare readonly cause?: unknown;

  constructor({ shortMessage, details, cause }: IntentWalletSdkErrorParameters) {
    super(
      details === undefined ? shortMessage : `${shortMessage}\n\nDetails: ${details}`,
      cause === undefined ? undefined : { cause },
    );
    this.shortMessage = shortMessage;
    this.details = details;
  }
}
