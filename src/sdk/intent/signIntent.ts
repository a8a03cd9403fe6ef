import type { Signer } from "ethers";

import { signTypedIntent } from "./signTypedIntent.js";
import { toOwnerSignature } from "../../protocol/intent/signature.js";
import type { Intent, IntentDomainParameters, SignedIntent } from "../../protocol/intent/types.js";

/**
 * Signs an intent as the wallet's owner with EIP-712 typed data (eth_signTypedData_v4), so the
 * signer's wallet shows the calls and conditions in readable form.
 *
 * @example
 * const signed = await signIntent({ signer: owner, intent, wallet, chainId: 31337n });
 * await wallet.relay(signed.intent, signed.signature);
 */
export async function signIntent({
  signer,
  intent,
  ...domain
}: { signer: Signer; intent: Intent } & IntentDomainParameters): Promise<SignedIntent> {
  return signTypedIntent(signer, intent, domain, toOwnerSignature);
}
