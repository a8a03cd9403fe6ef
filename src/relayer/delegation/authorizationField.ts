import { getAddress, type Provider } from "ethers";

import { InvalidParameterError } from "../../protocol/errors/invalidParameterError.js";
import type { SignedIntent } from "../../protocol/intent/types.js";
import {
  checkWalletAuthorization,
  type WalletAuthorization,
} from "../../protocol/wallet/authorization.js";
import type { Refusal } from "../refusal.js";

/**
 * What an authorization is checked against: the implementation the relayer serves and the
 * chain it relays on.
 *
 * @example
 * const served: ServedDelegation = { implementation, chainId: 31337n };
 */
export interface ServedDelegation {
  implementation: string | undefined;
  chainId: bigint;
}

/**
 * `invalid_field` at path `authorization` for an authorization that does not make `wallet` a
 * wallet of the served implementation on this chain (`checkWalletAuthorization`: another
 * implementation, another chain, a signature that is not `wallet`'s, a malformed field); chain
 * 0 is accepted, as EIP-7702 allows. Local, no JSON-RPC call; `undefined` without
 * `authorization` or when it holds.
 *
 * @example
 * const refusal = checkAuthorizationField(signed, { implementation, chainId });
 */
export function checkAuthorizationField(
  signed: SignedIntent,
  { implementation, chainId }: ServedDelegation,
): Refusal | undefined {
  const { authorization } = signed;
  if (authorization === undefined) return undefined;
  if (implementation === undefined) {
    return authorizationRefusal(
      "this relayer serves no implementation: it delegates no EOA to one",
    );
  }
  try {
    checkWalletAuthorization({ authorization, eoa: signed.wallet, implementation, chainId });
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidParameterError)) throw error;
    return authorizationRefusal(error.shortMessage);
  }
}

/**
 * `invalid_field` at path `authorization` unless the authorization's nonce is the EOA's
 * transaction count now (the node's latest block): an authorization at another nonce would be
 * skipped by the chain, and the intent sent to an address without code.
 *
 * @example
 * const refusal = await checkAuthorizationNonce(provider, signed.wallet, signed.authorization!);
 */
export async function checkAuthorizationNonce(
  provider: Provider,
  eoa: string,
  authorization: WalletAuthorization,
): Promise<Refusal | undefined> {
  const problem = await authorizationNonceProblem(provider, eoa, authorization);
  return problem === undefined ? undefined : authorizationRefusal(problem);
}

/**
 * Why the authorization's nonce would not hold in the next block (the EOA's transaction count
 * is another), or `undefined`.
 *
 * @example
 * const problem = await authorizationNonceProblem(provider, record.wallet, authorization);
 */
export async function authorizationNonceProblem(
  provider: Provider,
  eoa: string,
  authorization: WalletAuthorization,
): Promise<string | undefined> {
  const count = BigInt(await provider.getTransactionCount(eoa, "latest"));
  if (BigInt(authorization.nonce) === count) return undefined;
  return `authorization nonce ${authorization.nonce} is not the next nonce of EOA ${getAddress(eoa)} (${count}): sign it again at nonce ${count}`;
}

/** The `invalid_field` refusal of `authorization`, saying why. */
function authorizationRefusal(reason: string): Refusal {
  return {
    code: "invalid_field",
    message: `authorization: ${reason}`,
    details: { path: "authorization", reason },
  };
}
