import { IntentWalletSdkError } from "./baseError.js";

/** The parameters of `InvalidDocumentError` and its subclasses. */
export interface InvalidDocumentErrorParameters {
  /** Where the problem is, e.g. `"intent.calls[0].value"`; `""` for the document as a whole. */
  path: string;
  /** What is wrong there, e.g. `"must not be negative (got \"-1\")"`. */
  reason: string;
  cause?: unknown;
}

/**
 * A JSON document of the protocol (a signed intent, a signed grant, ...) that cannot be read:
 * `path` names the first bad field, `reason` says what is wrong with it. Each kind of document
 * has its own subclass, so callers can tell them apart.
 *
 * @example
 * if (error instanceof InvalidDocumentError) reply(400, { path: error.path, reason: error.reason });
 */
export class InvalidDocumentError extends IntentWalletSdkError {
  override readonly name: string = "InvalidDocumentError";
  /** Where the problem is, e.g. `"intent.calls[0].value"`; `""` for the document as a whole. */
  readonly path: string;
  /** What is wrong there. */
  readonly reason: string;

  /** `document` names the kind of document in the message, e.g. "signed intent". */
  constructor(document: string, { path, reason, cause }: InvalidDocumentErrorParameters) {
    super({
      shortMessage: `Invalid ${document}${path === "" ? "" : ` at ${path}`}: ${reason}`,
      cause,
    });
    this.path = path;
    this.reason = reason;
  }
}
