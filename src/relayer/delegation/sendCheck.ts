import { getAddress, type Provider } from "ethers";

import type { SignedIntent } from "../../protocol/intent/types.js";
import { getWalletKind } from "../../protocol/wallet/delegation.js";
import type { IntentReason } from "../types.js";
import { authorizationNonceProblem } from "./authorizationField.js";

/**
 * Why an intent that carries an EOA's `authorization` can't be sent now, checked just before
 * it is: the EOA was delegated to another contract meanwhile (`wallet_not_served`), or, still
 * without code, its nonce moved past the authorization's (`invalid_field` at `authorization`):
 * the chain would skip the authorization and the relay would reach an address without code.
 * `undefined` without `authorization` (no JSON-RPC call), for an EOA delegated to the
 * implementation by now (it goes as usual, without the authorization), or one still to be
 * delegated at the authorization's nonce.
 *
 * @example
 * const problem = await delegationProblemAtSend(provider, record.signed);
 * if (problem !== undefined) await recorder.final(record, "rejected", problem);
 */
export async function delegationProblemAtSend(
  provider: Provider,
  signed: SignedIntent,
): Promise<IntentReason | undefined> {
  const { authorization, wallet } = signed;
  if (authorization === undefined) return undefined;
  const implementation = authorization.address;
  const kind = getWalletKind({ code: await provider.getCode(wallet), implementation });
  if (kind === "delegated") return undefined;
  if (kind !== "none") {
    return {
      code: "wallet_not_served",
      message: `EOA ${getAddress(wallet)} got other code before its first intent was sent (delegated elsewhere): this relayer does not serve it`,
      details: { wallet: getAddress(wallet) },
    };
  }
  const problem = await authorizationNonceProblem(provider, wallet, authorization);
  if (problem === undefined) return undefined;
  return {
    code: "invalid_field",
    message: `authorization: ${problem}`,
    details: { path: "authorization", reason: problem },
  };
}
