import type { Signer } from "ethers";

import { getIntentId, mutableTypes } from "../../protocol/intent/hash.js";
import { intentDomain } from "../../protocol/intent/domain.js";
import type { SignedIntent } from "../../protocol/intent/types.js";
import type { Intent, IntentDomainParameters } from "../../protocol/intent/types.js";

/**
 * Signs `intent`'s EIP-712 typed data with `signer` and returns it as a `SignedIntent`, its relay
 * signature made by `toRelaySignature` from the raw signature (the owner's or a session key's).
 * Shared by `signIntent` and `signSessionIntent`; not part of the SDK's index.
 */
export async function signTypedIntent(
  signer: Signer,
  intent: Intent,
  domain: IntentDomainParameters,
  toRelaySignature: (rawSignature: string) => string,
): Promise<SignedIntent> {
  const rawSignature = await signer.signTypedData(intentDomain(domain), mutableTypes(), intent);
  return {
    intent,
    wallet: domain.wallet,
    chainId: domain.chainId,
    epoch: domain.epoch ?? 0n,
    id: getIntentId({ intent, ...domain }),
    signature: toRelaySignature(rawSignature),
  };
}
