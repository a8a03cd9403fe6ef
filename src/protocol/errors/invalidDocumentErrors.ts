import {
  InvalidDocumentError,
  type InvalidDocumentErrorParameters,
} from "./invalidDocumentError.js";

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
export class InvalidSignedIntentError extends InvalidDocumentError {
  override readonly name = "InvalidSignedIntentError";

  constructor(parameters: InvalidDocumentErrorParameters) {
    super("signed intent", parameters);
  }
}

/**
 * A signed session grant that cannot be parsed or is not valid: wrong version, missing or
 * unknown field, bad address, integer out of range, an ID that does not match the grant.
 *
 * @example
 * try {
 *   parseSignedGrant(await readFile("grant.json", "utf8"));
 * } catch (error) {
 *   if (error instanceof InvalidSignedGrantError) console.error(error.path, error.reason);
 * }
 */
export class InvalidSignedGrantError extends InvalidDocumentError {
  override readonly name = "InvalidSignedGrantError";

  constructor(parameters: InvalidDocumentErrorParameters) {
    super("signed grant", parameters);
  }
}
