import { signTypedIntent } from "./signTypedIntent.js";
import { toOwnerSignature } from "../../protocol/intent/signature.js";
import type {
  Intent,
  IntentDomainParameters,
  KeySetWalletCreation,
  SignedIntent,
  WalletCreation,
} from "../../protocol/intent/types.js";
import type { TypedDataSignerLike } from "../signers/typedDataSigner.js";

/**
 * Signs an intent as the wallet's owner with EIP-712 typed data (eth_signTypedData_v4), so the
 * signer's wallet shows the calls and conditions in readable form. `signer` is an ethers
 * `Signer`, a viem local account or `WalletClient` with an account, or any `TypedDataSigner`
 * (a browser wallet: `fromEip1193(provider, address)`); see `toTypedDataSigner`. Throws an
 * `InvalidParameterError` for a signer of another shape, or one that answers a 65-byte signature
 * of another key than its address's.
 *
 * For a wallet that may not exist yet, pass `create` (a counterfactual `WalletClient`'s
 * `creation`): the signed intent carries it, so a relayer can deploy the wallet with its first
 * intent. It is not signed over (not part of the ID).
 *
 * @example
 * const signed = await signIntent({ signer: owner, intent, wallet, chainId: 31337n });
 * await wallet.relay(signed.intent, signed.signature);
 *
 * @example
 * const signed = await signIntent({ signer: privateKeyToAccount(key), intent, wallet, chainId: 31337n });
 *
 * @example
 * const wallet = WalletClient.counterfactual({ factory, implementation, owner: owner.address, salt: 0n, runner: provider });
 * const signed = await signIntent({ signer: owner, intent, wallet: wallet.address, chainId, create: wallet.creation });
 * await relayer.submit(signed); // the relayer deploys the wallet with this intent
 */
export async function signIntent({
  signer,
  intent,
  create,
  ...domain
}: {
  signer: TypedDataSignerLike;
  intent: Intent;
  /** How to create the wallet if it does not exist yet; carried by the signed intent as is. */
  create?: WalletCreation | KeySetWalletCreation;
} & IntentDomainParameters): Promise<SignedIntent> {
  const signed = await signTypedIntent(signer, intent, domain, toOwnerSignature);
  return create === undefined ? signed : { ...signed, create };
}
