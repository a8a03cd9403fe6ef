import { decodeRevert } from "./decodeRevert.js";

/**
 * Awaits `promise`; if it rejects with revert data, throws the decoded revert instead
 * (a `ContractRevertError`, or an `UnknownRevertError` for data we have no ABI for) with the
 * original error as its `cause`. Any other failure is rethrown unchanged. Note that a mined
 * transaction's failure (`await tx.wait()`) carries no revert data: wrap the call or its
 * simulation (`relay.staticCall`), which do.
 *
 * @example
 * try {
 *   await withDecodedRevert(wallet.relay(signed.intent, signed.signature));
 * } catch (error) {
 *   if (isContractRevertError(error, "IntentExpired")) {
 *     console.log(`expired at ${error.namedArgs.expiration}`);
 *   } else throw error;
 * }
 */
export async function withDecodedRevert<T>(promise: PromiseLike<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw decodeRevert(error) ?? error;
  }
}
