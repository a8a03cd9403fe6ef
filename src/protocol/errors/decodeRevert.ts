import {
  AbiCoder,
  dataSlice,
  hexlify,
  isHexString,
  type BytesLike,
  type ErrorFragment,
} from "ethers";

import { ContractRevertError, type AnyContractRevertError } from "./contractRevertError.js";
import { revertingContractInterfaces, type RevertingContractInterface } from "./contractErrors.js";
import { UnknownRevertError } from "./unknownRevertError.js";

/** Revert data decoded: one of our contracts' custom errors, or raw data we have no ABI for. */
export type DecodedRevert = AnyContractRevertError | UnknownRevertError;

/** What `decodeRevert` returns: the decoded revert, or `undefined` if there was no revert data. */
export type DecodeRevertReturnType = DecodedRevert | undefined;

/** Selectors of Solidity's built-in `Error(string)` and `Panic(uint256)`. */
const ERROR_STRING_SELECTOR = "0x08c379a0";
const PANIC_SELECTOR = "0x4e487b71";

/** How deep `WalletCallReverted` reasons are unwrapped, and how deep an error is searched. */
const MAX_NESTED_REVERTS = 8;
const MAX_SEARCH_DEPTH = 8;

/**
 * Decodes a revert into a typed SDK error. Takes an error thrown by ethers (a
 * `CallExceptionError`'s `data`, a JSON-RPC error's `info.error.data` or `error.data`, a
 * Hardhat error's `data`, also through `cause`) or the revert data itself (hex or bytes).
 * Returns a `ContractRevertError` for the custom errors of `IntentWallet`, `SessionKeyModule`
 * and `WalletFactory` (with `inner` set for `WalletCallReverted`), an `UnknownRevertError` for
 * any other revert data (`"0x"` included), and `undefined` if `errorOrData` holds no revert data
 * (a network error, a receipt-only `tx.wait()` failure). The decoded error's `cause` is
 * `errorOrData` when that was an error.
 *
 * @example
 * try {
 *   await wallet.relay(signed.intent, signed.signature);
 * } catch (error) {
 *   const decoded = decodeRevert(error);
 *   console.log(decoded?.shortMessage); // "IntentExpired(id=0x12…, expiration=1732000000)"
 *   if (isContractRevertError(decoded, "IntentDependencyNotMet")) {
 *     await waitFor(decoded.namedArgs.wallet, decoded.namedArgs.dependencyId);
 *   }
 * }
 */
export function decodeRevert(errorOrData: unknown): DecodeRevertReturnType {
  if (errorOrData instanceof ContractRevertError || errorOrData instanceof UnknownRevertError) {
    return errorOrData as DecodedRevert;
  }
  const data = findRevertData(errorOrData);
  if (data === undefined) return undefined;
  const givenData = isRevertData(errorOrData) || errorOrData instanceof Uint8Array;
  return decodeRevertData(data, givenData ? undefined : errorOrData, 0);
}

/**
 * Decodes the `reason` of a wallet's `IntentFailed(id, reason)` event: always
 * `WalletCallReverted(index, data)` (even for one call), whose `inner` is the failing call's own
 * revert. The wallet keeps at most 256 bytes of the call's revert data: a longer one is cut
 * short, and its `inner` may then be an `UnknownRevertError` holding the first 256 bytes.
 *
 * @example
 * const event = receipt.logs
 *   .map((log) => wallet.interface.parseLog(log))
 *   .find((parsed) => parsed?.name === "IntentFailed");
 * const failure = decodeFailureReason(event!.args.reason);
 * if (isContractRevertError(failure, "WalletCallReverted")) {
 *   console.log(`call ${failure.namedArgs.index} failed: ${failure.inner?.shortMessage}`);
 * }
 */
export function decodeFailureReason(reason: BytesLike): DecodedRevert {
  return decodeRevertData(hexlify(reason), undefined, 0);
}

/**
 * The revert data in an error thrown by ethers or Hardhat, or `undefined`. Looks at `data`
 * (a hex string, or an object with its own `data`), then `error`, `info.error` and `cause`,
 * recursively; never at the transaction (whose `data` is calldata, not revert data).
 *
 * @example
 * const data = findRevertData(error); // "0xf5daf52b…" or undefined
 */
export function findRevertData(errorOrData: unknown): string | undefined {
  if (errorOrData instanceof Uint8Array) return hexlify(errorOrData);
  return search(errorOrData, 0, new Set());
}

function search(value: unknown, depth: number, seen: Set<object>): string | undefined {
  if (isRevertData(value)) return value.toLowerCase();
  if (typeof value !== "object" || value === null || depth > MAX_SEARCH_DEPTH) return undefined;
  if (seen.has(value)) return undefined;
  seen.add(value);
  const { data, error, info, cause } = value as Record<string, unknown>;
  const infoError =
    typeof info === "object" && info !== null ? (info as { error?: unknown }).error : undefined;
  for (const candidate of [data, error, infoError, cause]) {
    const found = search(candidate, depth + 1, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isRevertData(value: unknown): value is string {
  return typeof value === "string" && isHexString(value, true);
}

/** Decodes revert data against our contracts' errors, unwrapping `WalletCallReverted` reasons. */
function decodeRevertData(data: string, cause: unknown, nesting: number): DecodedRevert {
  const selector = data.length >= 10 ? data.slice(0, 10) : undefined;
  if (selector === ERROR_STRING_SELECTOR || selector === PANIC_SELECTOR) {
    return decodeBuiltinRevert(data, selector, cause);
  }
  const match =
    selector === undefined
      ? undefined
      : revertingContractInterfaces()
          .map((entry) => ({ ...entry, fragment: entry.contractInterface.getError(selector) }))
          .find((entry): entry is RevertingContractInterface & { fragment: ErrorFragment } =>
            Boolean(entry.fragment),
          );
  if (match === undefined) return new UnknownRevertError({ data, cause });

  let values: unknown[];
  try {
    values = match.contractInterface.decodeErrorResult(match.fragment, data).toArray(true);
  } catch {
    // The right selector but malformed or cut-short arguments.
    return new UnknownRevertError({ data, cause });
  }
  const namedArgs = Object.freeze(
    Object.fromEntries(
      match.fragment.inputs.map((input, i) => [input.name || `arg${i}`, values[i]]),
    ),
  );
  const reason = namedArgs.reason;
  const inner =
    match.fragment.name === "WalletCallReverted" &&
    typeof reason === "string" &&
    nesting < MAX_NESTED_REVERTS
      ? decodeRevertData(reason, undefined, nesting + 1)
      : undefined;
  // The ABI registry and the decoded values agree at run time; the types cannot see it.
  return new ContractRevertError({
    contract: match.contract,
    errorName: match.fragment.name,
    signature: match.fragment.format("sighash"),
    args: Object.freeze(values),
    namedArgs,
    data,
    inner,
    cause,
  } as unknown as ConstructorParameters<typeof ContractRevertError>[0]) as AnyContractRevertError;
}

/** `Error(string)` and `Panic(uint256)`: no custom error, but a readable reason. */
function decodeBuiltinRevert(data: string, selector: string, cause: unknown): UnknownRevertError {
  try {
    const [value] = AbiCoder.defaultAbiCoder().decode(
      [selector === ERROR_STRING_SELECTOR ? "string" : "uint256"],
      dataSlice(data, 4),
    );
    return selector === ERROR_STRING_SELECTOR
      ? new UnknownRevertError({ data, reason: value as string, cause })
      : new UnknownRevertError({ data, panicCode: value as bigint, cause });
  } catch {
    return new UnknownRevertError({ data, cause });
  }
}
