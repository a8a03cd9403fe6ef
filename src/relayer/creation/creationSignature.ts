import { dataLength, dataSlice, getAddress, type Provider } from "ethers";

import { OWNER_SIGNATURE_KIND } from "../../protocol/intent/signature.js";
import type { SignedIntent } from "../../protocol/intent/types.js";
import { isOwnerSignature } from "../intake/checkSignatureAhead.js";
import { invalidSignatureRefusal } from "../intake/refusals.js";
import type { Refusal } from "../refusal.js";

/**
 * Check 14 for a wallet that does not exist yet, decided as the wallet will decide it once
 * created: only its owner can sign (no module is installed on a wallet that was never
 * deployed), and its owner is `create.owner`. The ECDSA signer of the ID is recovered here; an
 * owner that is a contract is asked `isValidSignature` (ERC-1271) through eth_call. Answers the
 * `invalid_signature` refusal, or `undefined` when the signature authorizes the ID.
 *
 * @example
 * const refusal = await checkCreationSignature(provider, signed, signed.create!.owner);
 */
export async function checkCreationSignature(
  provider: Provider,
  signed: SignedIntent,
  owner: string,
): Promise<Refusal | undefined> {
  const { signature } = signed;
  const kind = dataLength(signature) === 0 ? "0x" : dataSlice(signature, 0, 1);
  if (kind !== OWNER_SIGNATURE_KIND) {
    return invalidSignatureRefusal(
      signed,
      "a wallet not deployed yet has no module installed: only its owner's signature (kind 0x00) authorizes its first intents",
    );
  }
  const ownerSignature = dataSlice(signature, 1);
  if (await isOwnerSignature(provider, signed, owner, ownerSignature)) return undefined;
  return invalidSignatureRefusal(signed, `it is not signed by create.owner ${getAddress(owner)}`);
}
