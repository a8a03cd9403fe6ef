import { p256 } from "@noble/curves/nist";
import { hexlify, toBigInt } from "ethers";

import {
  p256Key,
  p256KeySigner,
  passkeyKeySigner,
  webAuthnKey,
  type KeySigner,
  type KeyVerifiers,
  type OwnerKey,
} from "../../src/sdk/index.js";
import { SoftwarePasskey } from "./passkey.js";

/** A raw P-256 key held by `@noble/curves`: its key in a set, and its `KeySigner`. */
export function rawP256Key(verifiers: KeyVerifiers): { key: OwnerKey; signer: KeySigner } {
  const privateKey = p256.utils.randomPrivateKey();
  const point = p256.getPublicKey(privateKey, false);
  const key = p256Key({
    verifiers,
    publicKey: { x: toBigInt(point.subarray(1, 33)), y: toBigInt(point.subarray(33, 65)) },
  });
  const signer = p256KeySigner({
    key,
    signDigest: (digest) => p256.sign(digest, privateKey, { lowS: true, prehash: false }),
  });
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
