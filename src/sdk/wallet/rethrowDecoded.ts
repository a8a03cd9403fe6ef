import { ContractRevertError } from "../../protocol/errors/contractRevertError.js";
import { decodeRevert } from "../../protocol/errors/decodeRevert.js";

/**
 * Rethrows `error` as the typed `ContractRevertError` it carries (a custom error of the wallet,
 * the session-key module or the factory, with its arguments and the original error as `cause`);
 * anything else is rethrown unchanged.
 *
 * @example
 * await wallet.changeOwner(newOwner).catch(rethrowDecoded);
 */
export function rethrowDecoded(error: unknown): never {
  const decoded = decodeRevert(error);
  throw decoded instanceof ContractRevertError ? decoded : error;
}
