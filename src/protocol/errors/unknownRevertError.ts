import { IntentWalletSdkError } from "./baseError.js";

/** The parameters of `UnknownRevertError`. */
export interface UnknownRevertErrorParameters {
  /** The raw revert data (`"0x"` for a revert without data). */
  data: string;
  /** The message, if the data is Solidity's built-in `Error(string)`. */
  reason?: string;
  /** The panic code, if the data is Solidity's built-in `Panic(uint256)`. */
  panicCode?: bigint;
  cause?: unknown;
}

/**
 * A revert the SDK could not decode into one of the wallet's, the session-key module's or the
 * factory's custom errors: a target contract's own error, a `require` message, a panic, a
 * revert without data, or data cut short. `data` keeps the raw bytes, so an app can decode
 * them against its own ABI (`contractInterface.parseError(error.data)`).
 *
 * @example
 * const decoded = decodeRevert(error);
 * if (decoded instanceof UnknownRevertError) {
 *   console.log(exchange.interface.parseError(decoded.data)?.name ?? decoded.shortMessage);
 * }
 */
export class UnknownRevertError extends IntentWalletSdkError {
  override readonly name = "UnknownRevertError";
  /** The raw revert data (`"0x"` for a revert without data). */
  readonly data: string;
  /** The message, if the data is Solidity's built-in `Error(string)`. */
  readonly reason?: string;
  /** The panic code, if the data is Solidity's built-in `Panic(uint256)`. */
  readonly panicCode?: bigint;

  constructor({ data, reason, panicCode, cause }: UnknownRevertErrorParameters) {
    super({
      shortMessage: `Reverted with ${describeUnknownRevert({ data, reason, panicCode })}`,
      cause,
    });
    this.data = data;
    this.reason = reason;
    this.panicCode = panicCode;
  }
}

/**
 * A short description of revert data the SDK has no custom error for: `Error("…")`,
 * `Panic(0x11)`, `no data`, or `unknown data 0x…`.
 *
 * @example
 * describeUnknownRevert({ data: "0x" }); // "no data"
 * describeUnknownRevert({ data, panicCode: 0x11n }); // "Panic(0x11)"
 */
export function describeUnknownRevert({
  data,
  reason,
  panicCode,
}: Pick<UnknownRevertErrorParameters, "data" | "reason" | "panicCode">): string {
  if (reason !== undefined) return `Error(${JSON.stringify(reason)})`;
  if (panicCode !== undefined) return `Panic(0x${panicCode.toString(16)})`;
  if (data === "0x") return "no data";
  return `unknown data ${data}`;
}
