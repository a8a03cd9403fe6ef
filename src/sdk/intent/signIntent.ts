import { signTypedIntent } from "./signTypedIntent.js";
import { toOwnerSignature } from "../../protocol/intent/signature.js";
import type { Intent, IntentDomainParameters, SignedIntent } from "../../protocol/intent/types.js";
import type { TypedDataSignerLike } from "../signers/typedDataSigner.js";

/**
 * Signs an intent as the wallet's owner with EIP-712 typed data (eth_signTypedData_v4), so the
 * signer's wallet shows the calls and conditions in readable form. `signer` is an ethers
 * `Signer`, a viem local account or `WalletClient` with an account, or any `TypedDataSigner`
 * (a browser wallet: `fromEip1193(provider, address)`); see `toTypedDataSigner`. Throws an
 * `InvalidParameterError` for a signer of another shape, or one that answers a 65-byte signature
 * of another key than its address's.
 *
 * @example
 * const signed = await signIntent({ signer: owner, intent, wallet, chainId: 31337n });
 * await wallet.relay(signed.intent, signed.signature);
 *
 * @example
 * const signed = await signIntent({ signer: privateKeyToAccount(key), intent, wallet, chainId: 31337n });
 */
export async function signIntent({
  signer,
  intent,
  ...domain
}: {
  signer: TypedDataSignerLike;
  intent: Intent;
} & IntentDomainParameters): Promise<SignedIntent> {
  return signTypedIntent(signer, intent, domain, toOwnerSignature);
}
