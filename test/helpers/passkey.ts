import { createHash } from "node:crypto";

import { p256 } from "@noble/curves/nist";
import { concat, getBytes, hexlify, toBeHex } from "ethers";

import {
  encodeP256Signature,
  type P256PublicKey,
  type WebAuthnAssertion,
} from "../../src/protocol/index.js";

/** What a test may change in an assertion, to make it as a faulty or hostile authenticator would. */
export interface AssertionOptions {
  /** The authenticator data's flags byte; 0x05 (user present and verified) by default. */
  flags?: number;
  /** The client data's `type`; "webauthn.get" by default. */
  type?: string;
  /** The challenge signed, instead of the digest asked for. */
  challenge?: string;
  /** The relying party; "intentwallet.test" by default. */
  rpId?: string;
}

/**
 * A passkey made in code, signing exactly as an authenticator does: the authenticator data
 * (`sha256(rpId) ‖ flags ‖ counter`), the client data JSON with the digest as base64url
 * challenge, and a DER P-256 signature of `authenticatorData ‖ sha256(clientDataJSON)`, its s
 * in either half of the order as an authenticator's. Signatures are deterministic (RFC 6979), so a
 * passkey made from a fixed private key signs the same bytes on every run (the gas benchmark's).
 */
export class SoftwarePasskey {
  readonly publicKey: P256PublicKey;
  private readonly privateKey: Uint8Array;
  private counter = 0;

  /** @param privateKey 32 bytes, hex; a random key when absent. */
  constructor(privateKey?: string) {
    this.privateKey =
      privateKey === undefined ? p256.utils.randomPrivateKey() : getBytes(privateKey);
    this.publicKey = publicKeyOf(this.privateKey);
  }

  /** An assertion of `digest` (32 bytes, hex), as `navigator.credentials.get` returns it. */
  assert(digest: string, options: AssertionOptions = {}): WebAuthnAssertion {
    const rpId = options.rpId ?? "intentwallet.test";
    this.counter += 1;
    const authenticatorData = concat([
      sha256(Buffer.from(rpId)),
      toBeHex(options.flags ?? 0x05, 1),
      toBeHex(this.counter, 4),
    ]);
    const clientDataJSON = JSON.stringify({
      type: options.type ?? "webauthn.get",
      challenge: Buffer.from(getBytes(options.challenge ?? digest)).toString("base64url"),
      origin: `https://${rpId}`,
      crossOrigin: false,
    });
    const signed = concat([authenticatorData, sha256(Buffer.from(clientDataJSON))]);
    const signature = p256.sign(getBytes(sha256(getBytes(signed))), this.privateKey, {
      lowS: false,
      prehash: false,
    });
    return {
      authenticatorData,
      clientDataJSON: hexlify(Buffer.from(clientDataJSON)),
      signature: hexlify(signature.toDERRawBytes()),
    };
  }
}

/**
 * A raw P-256 key made in code (not a passkey): signs 32-byte digests as they are, no hashing, as
 * a secure enclave or an HSM does; deterministic (RFC 6979).
 */
export class SoftwareP256Key {
  readonly publicKey: P256PublicKey;
  private readonly privateKey: Uint8Array;

  /** @param privateKey 32 bytes, hex; a random key when absent. */
  constructor(privateKey?: string) {
    this.privateKey =
      privateKey === undefined ? p256.utils.randomPrivateKey() : getBytes(privateKey);
    this.publicKey = publicKeyOf(this.privateKey);
  }

  /** `r` and `s` of `digest` (s in the lower half). */
  signDigest(digest: Uint8Array | string): { r: bigint; s: bigint } {
    const { r, s } = p256.sign(getBytes(digest), this.privateKey, { lowS: true, prehash: false });
    return { r, s };
  }

  /** `r ‖ s` (64 bytes, hex) of `digest`, as the P-256 verifier takes it. */
  sign(digest: string): string {
    return encodeP256Signature(this.signDigest(digest));
  }
}

/** The public key of a P-256 private key: its uncompressed point `04 ‖ x ‖ y`, as x and y. */
function publicKeyOf(privateKey: Uint8Array): P256PublicKey {
  const point = p256.getPublicKey(privateKey, false);
  return { x: BigInt(hexlify(point.subarray(1, 33))), y: BigInt(hexlify(point.subarray(33, 65))) };
}

/** sha256 of `bytes`, hex. */
function sha256(bytes: Uint8Array): string {
  return hexlify(createHash("sha256").update(bytes).digest());
}
