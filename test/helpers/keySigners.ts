import { hexlify } from "ethers";

import {
  p256Key,
  p256KeySigner,
  passkeyKeySigner,
  webAuthnKey,
  type KeySigner,
  type KeyVerifiers,
  type OwnerKey,
} from "../../src/sdk/index.js";
import { SoftwareP256Key, SoftwarePasskey } from "./passkey.js";

/** A raw P-256 key made in code (`SoftwareP256Key`): its key in a set, and its `KeySigner`. */
export function rawP256Key(verifiers: KeyVerifiers): { key: OwnerKey; signer: KeySigner } {
  const p256Signer = new SoftwareP256Key();
  const key = p256Key({ verifiers, publicKey: p256Signer.publicKey });
  const signer = p256KeySigner({ key, signDigest: (digest) => p256Signer.signDigest(digest) });
  return { key, signer };
}

/** A software passkey: its key in a set, its `KeySigner`, and the passkey itself. */
export function softwarePasskey(verifiers: KeyVerifiers): {
  key: OwnerKey;
  signer: KeySigner;
  passkey: SoftwarePasskey;
} {
  const passkey = new SoftwarePasskey();
  const key = webAuthnKey({ verifiers, publicKey: passkey.publicKey });
  const signer = passkeyKeySigner({
    key,
    getAssertion: async (challenge) => passkey.assert(hexlify(challenge)),
  });
  return { key, signer, passkey };
}
