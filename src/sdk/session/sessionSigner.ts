import { AbiCoder, concat, type Signer } from "ethers";

import { getIntentId, mutableTypes } from "../intent/getIntentId.js";
import { intentDomain } from "../intent/intentDomain.js";
import { toModuleSignature, type SignedIntent } from "../intent/signIntent.js";
import type { Intent, IntentDomainParameters } from "../intent/types.js";
import type { SignedSessionGrant } from "./grant.js";
import { SESSION_GRANT_ABI_TYPE } from "./types.js";

/**
 * Signs an intent with a session key, locally (no prompt to the owner). With `carry`, the
 * signed grant travels inside the relay signature and is registered on the way.
 *
 * @example
 * const signed = await signSessionIntent({
 *   sessionKey, intent, wallet, chainId: 31337n, module, carry: firstIntent ? signedGrant : undefined,
 * });
 * await wallet.relay(signed.intent, signed.signature);
 */
export async function signSessionIntent({
  sessionKey,
  intent,
  module,
  carry,
  ...domain
}: {
  sessionKey: Signer;
  intent: Intent;
  module: string;
  carry?: SignedSessionGrant;
} & IntentDomainParameters): Promise<SignedIntent> {
  const sessionSignature = await sessionKey.signTypedData(
    intentDomain(domain),
    mutableTypes(),
    intent,
  );
  const data =
    carry === undefined ? sessionSignature : concat([sessionSignature, encodeCarriedGrant(carry)]);
  return {
    intent,
    wallet: domain.wallet,
    chainId: domain.chainId,
    id: getIntentId({ intent, ...domain }),
    signature: toModuleSignature(module, data),
  };
}

/**
 * `abi.encode(grant, ownerSignature)`: the part of a session intent's module data that registers
 * the grant on the way.
 *
 * @example
 * const data = concat([sessionSignature, encodeCarriedGrant(signedGrant)]);
 */
export function encodeCarriedGrant({
  grant,
  ownerSignature,
}: Pick<SignedSessionGrant, "grant" | "ownerSignature">): string {
  return AbiCoder.defaultAbiCoder().encode(
    [SESSION_GRANT_ABI_TYPE, "bytes"],
    [grant, ownerSignature],
  );
}
