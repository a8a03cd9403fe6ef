import { getIntentId } from "../../protocol/intent/hash.js";
import type { SignedIntent } from "../../protocol/intent/types.js";
import type { Intent, IntentDomainParameters } from "../../protocol/intent/types.js";
import { intentTypedData } from "../signers/typedData.js";
import { signTypedDataChecked, type TypedDataSignerLike } from "../signers/typedDataSigner.js";

/**
 * Signs `intent`'s EIP-712 typed data with `signer` and returns it as a `SignedIntent`, its relay
 * signature made by `toRelaySignature` from the raw signature (the owner's or a session key's).
 * Shared by `signIntent` and `signSessionIntent`; not part of the SDK's index.
 */
export async function signTypedIntent(
  signer: TypedDataSignerLike,
  intent: Intent,
  domain: IntentDomainParameters,
  toRelaySignature: (rawSignature: string) => string,
): Promise<SignedIntent> {
  const id = getIntentId({ intent, ...domain });
  const rawSignature = await signTypedDataChecked(
    signer,
    intentTypedData({ intent, ...domain }),
    id,
  );
  return {
    intent,
    wallet: domain.wallet,
    chainId: domain.chainId,
    epoch: domain.epoch ?? 0n,
    id,
    signature: toRelaySignature(rawSignature),
  };
}
