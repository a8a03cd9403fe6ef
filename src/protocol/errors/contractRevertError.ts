import { IntentWalletSdkError } from "./baseError.js";
import type {
  ContractErrorArgList,
  ContractErrorArgs,
  ContractErrorName,
  ContractOfError,
} from "./contractErrors.js";
import { describeUnknownRevert, type UnknownRevertError } from "./unknownRevertError.js";

/** The parameters of `ContractRevertError`: a custom error decoded from revert data. */
export interface ContractRevertErrorParameters<Name extends ContractErrorName = ContractErrorName> {
  /** The contract that declares the error. */
  contract: ContractOfError<Name>;
  errorName: Name;
  /** The error's signature, e.g. `"IntentExpired(bytes32,uint256)"`. */
  signature: string;
  args: ContractErrorArgList<Name>;
  namedArgs: ContractErrorArgs<Name>;
  /** The raw revert data. */
  data: string;
  /** For `WalletCallReverted`: the failing call's own revert, decoded. */
  inner?: ContractRevertError | UnknownRevertError;
  cause?: unknown;
}

/**
 * A custom error of the wallet, the session-key module or the factory, decoded from revert data
 * with its arguments, so a log says `IntentExpired(id=0x12…, expiration=1732000000)`, not
 * "reverted". `errorName` narrows `namedArgs` (see `isContractRevertError`). For
 * `WalletCallReverted(index, reason)`, `inner` is the failing call's own revert, decoded.
 *
 * @example
 * const decoded = decodeRevert(error);
 * if (decoded instanceof ContractRevertError) {
 *   console.log(decoded.contract, decoded.errorName, decoded.namedArgs);
 *   // "IntentWallet" "IntentExpired" { id: "0x12…", expiration: 1732000000n }
 * }
 */
export class ContractRevertError<
  Name extends ContractErrorName = ContractErrorName,
> extends IntentWalletSdkError {
  override readonly name = "ContractRevertError";
  /** The contract that declares the error. */
  readonly contract: ContractOfError<Name>;
  readonly errorName: Name;
  /** The error's signature, e.g. `"IntentExpired(bytes32,uint256)"`. */
  readonly signature: string;
  /** The error's arguments, in order. */
  readonly args: ContractErrorArgList<Name>;
  /** The error's arguments, by parameter name. */
  readonly namedArgs: ContractErrorArgs<Name>;
  /** The raw revert data. */
  readonly data: string;
  /** For `WalletCallReverted`: the failing call's own revert, decoded. */
  readonly inner?: ContractRevertError | UnknownRevertError;

  constructor(parameters: ContractRevertErrorParameters<Name>) {
    super({ shortMessage: formatContractRevert(parameters), cause: parameters.cause });
    this.contract = parameters.contract;
    this.errorName = parameters.errorName;
    this.signature = parameters.signature;
    this.args = parameters.args;
    this.namedArgs = parameters.namedArgs;
    this.data = parameters.data;
    this.inner = parameters.inner;
  }
}

/**
 * A `ContractRevertError` whose `errorName` narrows the type of its arguments: after
 * `if (error.errorName === "IntentExpired")`, `error.namedArgs.expiration` is a `bigint`.
 */
export type AnyContractRevertError = {
  [Name in ContractErrorName]: ContractRevertError<Name>;
}[ContractErrorName];

/**
 * Whether `value` is a decoded custom error (named `errorName`, if given), typing its arguments.
 *
 * @example
 * const decoded = decodeRevert(error);
 * if (isContractRevertError(decoded, "IntentExpired")) {
 *   console.log(`expired at ${decoded.namedArgs.expiration}`); // a bigint
 * }
 */
export function isContractRevertError<Name extends ContractErrorName>(
  value: unknown,
  errorName: Name,
): value is ContractRevertError<Name>;
export function isContractRevertError(value: unknown): value is AnyContractRevertError;
export function isContractRevertError(value: unknown, errorName?: ContractErrorName): boolean {
  return (
    value instanceof ContractRevertError &&
    (errorName === undefined || value.errorName === errorName)
  );
}

/** `Name(arg=value, …)`, with the inner revert in place of a `WalletCallReverted` reason. */
function formatContractRevert({
  errorName,
  namedArgs,
  inner,
}: {
  errorName: string;
  namedArgs: object;
  inner?: ContractRevertError | UnknownRevertError;
}): string {
  const args = Object.entries(namedArgs).map(([name, value]) => {
    const shown = name === "reason" && inner !== undefined ? describeRevert(inner) : value;
    return `${name}=${formatValue(shown)}`;
  });
  return `${errorName}(${args.join(", ")})`;
}

/** A decoded inner revert as one argument: the custom error, `Error("…")`, `Panic(…)`, or raw data. */
function describeRevert(revert: ContractRevertError | UnknownRevertError): string {
  if (revert instanceof ContractRevertError) return revert.shortMessage;
  const builtin = revert.reason !== undefined || revert.panicCode !== undefined;
  return builtin ? describeUnknownRevert(revert) : revert.data;
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return String(value);
}
