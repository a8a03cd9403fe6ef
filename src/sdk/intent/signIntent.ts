import { concat, type Signer } from "ethers";

import { signTypedIntent } from "./signTypedIntent.js";
import type { Intent, IntentDomainParameters } from "./types.js";

/** First byte of a relay signature made by the owner. */
export const OWNER_SIGNATURE_KIND = "0x00";

/** First byte of a relay signature checked by a validator module. */
export const MODULE_SIGNATURE_KIND = "0x01";

export interface SignedIntent {
  intent: Intent;
  wallet: string;
  chainId: bigint;
  /** The wallet's intent epoch the ID was computed for (0 until the owner invalidates all intents). */
  epoch?: bigint;
  id: string;
  /** The relay signature, kind byte included, ready for `relay(intent, signature)`. */
  signature: string;
}

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

/**
 * Wraps the owner's raw signature (65-byte ECDSA, or ERC-1271 bytes) as a relay signature.
 *
 * @example
 * const signature = toOwnerSignature(await owner.signTypedData(domain, types, intent));
 */
export function toOwnerSignature(ownerSignature: string): string {
  return concat([OWNER_SIGNATURE_KIND, ownerSignature]);
}

/**
 * A relay signature that the installed validator `module` checks, given `data`.
 *
 * @example
 * const signature = toModuleSignature(sessionModule, sessionData);
 */
export function toModuleSignature(module: string, data: string): string {
  return concat([MODULE_SIGNATURE_KIND, module, data]);
}
