import type { Provider } from "ethers";

import type { SignedIntent } from "../../protocol/intent/types.js";
import type { Refusal } from "../refusal.js";
import {
  checkAuthorizationField,
  checkAuthorizationNonce,
  type ServedDelegation,
} from "./authorizationField.js";

/**
 * The intake's check of an intent that carries an EOA's `authorization` (EIP-7702: delegate on
 * first use), run once the submission is counted toward the wallet's rate: the authorization
 * delegates `wallet` to the served implementation on this chain (or chain 0) and `wallet`
 * signed it (local, `checkAuthorizationField`); then, for an EOA with no code yet, its nonce is
 * the EOA's transaction count (one JSON-RPC read each). An EOA delegated already needs no
 * authorization: it is not sent, and the usual checks follow. `undefined` without
 * `authorization` (no JSON-RPC call) or when it holds.
 *
 * @example
 * const refusal = await checkDelegation({ provider, implementation, chainId }, signed);
 */
export async function checkDelegation(
  context: ServedDelegation & { provider: Provider },
  signed: SignedIntent,
): Promise<Refusal | undefined> {
  const { authorization } = signed;
  if (authorization === undefined) return undefined;
  const field = checkAuthorizationField(signed, context);
  if (field !== undefined) return field;
  const { provider } = context;
  if ((await provider.getCode(signed.wallet)) !== "0x") return undefined;
  return checkAuthorizationNonce(provider, signed.wallet, authorization);
}

/**
 * Whether `signed` will delegate its wallet on its relay: it carries `authorization` and its
 * wallet has no code yet (at `blockTag`, latest by default). No JSON-RPC call without
 * `authorization`.
 *
 * @example
 * if (await delegates(provider, record.signed)) console.log("sent alone, in a type-4 transaction");
 */
export async function delegates(
  provider: Provider,
  signed: SignedIntent,
  blockTag?: number,
): Promise<boolean> {
  if (signed.authorization === undefined) return false;
  return (await provider.getCode(signed.wallet, blockTag)) === "0x";
}
