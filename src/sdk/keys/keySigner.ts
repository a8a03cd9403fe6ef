import { dataLength, getBytes, isHexString } from "ethers";

import { InvalidParameterError } from "../../protocol/errors/invalidParameterError.js";
import type { KeySignature } from "../../protocol/keys/keySetSignature.js";
import {
  addressKey,
  checkKeyHex,
  P256_KEY_BYTES,
  type OwnerKey,
} from "../../protocol/keys/keys.js";
import {
  encodeP256Signature,
  encodeWebAuthnSignature,
  readWebAuthnChallenge,
  webAuthnChallenge,
  type WebAuthnAssertion,
} from "../../protocol/keys/webAuthn.js";
import type { TypedDataRequest } from "../signers/typedData.js";
import {
  signTypedDataChecked,
  toTypedDataSigner,
  type TypedDataSignerLike,
} from "../signers/typedDataSigner.js";

/**
 * What a key of a key set is asked to sign: the EIP-712 request (an intent, a session grant, a
 * wallet message), for signers that show it, and its digest (the intent ID, the session ID, the
 * replay-safe hash), which the wallet checks the signature against.
 */
export interface KeySigningRequest {
  request: TypedDataRequest;
  /** `hashTypedDataRequest(request)`, 32 bytes of hex. */
  digest: string;
}

/**
 * One key of a wallet's key set, able to sign: it answers a `KeySignature` for a
 * `KeySigningRequest`. Made by `secp256k1KeySigner` (any EIP-712 signer the SDK takes),
 * `passkeyKeySigner` and `browserPasskeyKeySigner` (WebAuthn), `p256KeySigner` (a raw P-256 key)
 * and `erc1271KeySigner` (a contract key); `signIntentWithKeys` and its siblings take a list.
 *
 * @example
 * const signer: KeySigner = {
 *   key: addressKey(hsmAddress),
 *   sign: async ({ digest }) => ({ secp256k1: await hsm.signDigest(digest) }),
 * };
 */
export interface KeySigner {
  /** The key that signs, when known before signing (a secp256k1 signer whose address is unknown leaves it out). */
  readonly key?: OwnerKey;
  sign(request: KeySigningRequest): Promise<KeySignature>;
}

/**
 * A secp256k1 key of the set (an EOA, whose key is its address): `signer`, any signer
 * `signIntent` takes (an ethers `Signer`, a viem account or `WalletClient`, `fromEip1193(...)`),
 * signs the EIP-712 typed data, so its wallet shows what is signed; the answer is a `{ secp256k1 }`
 * entry. Throws an `InvalidParameterError` for a signer of another shape, and, when signing, for
 * an answer that is not a 65-byte ECDSA signature by the signer's address (a contract account
 * signs through `erc1271KeySigner`).
 *
 * @example
 * const signers = [secp256k1KeySigner(laptopWallet), secp256k1KeySigner(privateKeyToAccount(phoneKey))];
 * const signed = await signIntentWithKeys({ signers, intent, wallet, chainId });
 */
export function secp256k1KeySigner(signer: TypedDataSignerLike): KeySigner {
  const { address } = toTypedDataSigner(signer);
  return {
    ...(address === undefined ? {} : { key: addressKey(address) }),
    async sign({ request, digest }) {
      const signature = await signTypedDataChecked(signer, request, digest);
      if (dataLength(signature) !== 65)
        throw new InvalidParameterError({
          parameter: "signer",
          shortMessage: `the signer answered ${dataLength(signature)} bytes, not a 65-byte ECDSA signature: a contract key signs through erc1271KeySigner`,
        });
      return { secp256k1: signature };
    },
  };
}

export interface PasskeyKeySignerParameters {
  /** The passkey's key in the set: `webAuthnKey({ verifiers, publicKey })`. */
  key: OwnerKey;
  /**
   * Asks the authenticator to sign `challenge` (the digest's 32 bytes) and returns its assertion
   * (`credential.response` of `navigator.credentials.get`, or a software authenticator's).
   */
  getAssertion(challenge: Uint8Array): Promise<WebAuthnAssertion>;
}

/**
 * A WebAuthn passkey of the set: the digest is the challenge, `getAssertion` gets the
 * authenticator's assertion of it, and the answer is `{ key, signature: encodeWebAuthnSignature(assertion) }`.
 * Throws an `InvalidParameterError` for a key that is not `verifier ‖ x ‖ y` (84 bytes) or a
 * missing `getAssertion`, and, when signing, for an assertion whose client data carries another
 * challenge than the digest (the wallet would refuse it). In a browser, `browserPasskeyKeySigner`
 * calls `navigator.credentials.get` for you.
 *
 * @example
 * const signer = passkeyKeySigner({
 *   key: webAuthnKey({ verifiers, publicKey }),
 *   getAssertion: async (challenge) => (await navigator.credentials.get({ publicKey: { challenge, rpId } })).response,
 * });
 */
export function passkeyKeySigner({ key, getAssertion }: PasskeyKeySignerParameters): KeySigner {
  checkPointKey(key);
  checkFunction(getAssertion, "getAssertion");
  return {
    key: key.toLowerCase(),
    async sign({ digest }) {
      const assertion = await getAssertion(webAuthnChallenge(digest));
      checkChallenge(assertion, digest);
      return { key: key.toLowerCase(), signature: encodeWebAuthnSignature(assertion) };
    },
  };
}

export interface P256KeySignerParameters {
  /** The key in the set: `p256Key({ verifiers, publicKey })`. */
  key: OwnerKey;
  /** Signs the 32-byte digest itself (no hashing: `prehash: false`) with the P-256 private key. */
  signDigest(digest: Uint8Array): Promise<{ r: bigint; s: bigint }> | { r: bigint; s: bigint };
}

/**
 * A raw P-256 key of the set (a key in a secure enclave, an HSM, `@noble/curves`): `signDigest`
 * signs the digest itself, and the answer is `{ key, signature: r ‖ s }` with `s` in the lower
 * half (`encodeP256Signature`). Throws an `InvalidParameterError` for a key that is not
 * `verifier ‖ x ‖ y` (84 bytes) or a missing `signDigest`, and, when signing, for `r` or `s` out of range.
 *
 * @example
 * import { p256 } from "@noble/curves/nist";
 * const signer = p256KeySigner({
 *   key: p256Key({ verifiers, publicKey: { x, y } }),
 *   signDigest: (digest) => p256.sign(digest, privateKey, { prehash: false }),
 * });
 */
export function p256KeySigner({ key, signDigest }: P256KeySignerParameters): KeySigner {
  checkPointKey(key);
  checkFunction(signDigest, "signDigest");
  return {
    key: key.toLowerCase(),
    async sign({ digest }) {
      const { r, s } = await signDigest(getBytes(digest));
      return { key: key.toLowerCase(), signature: encodeP256Signature({ r, s }) };
    },
  };
}

export interface Erc1271KeySignerParameters {
  /** The contract's address (its key in the set: `addressKey(contract)`). */
  key: OwnerKey;
  /** The bytes the contract's `isValidSignature(digest, bytes)` accepts for the request's digest. */
  sign(request: KeySigningRequest): Promise<string>;
}

/**
 * A contract key of the set (ERC-1271: a multisig, another smart account): `sign` makes the bytes
 * the contract accepts for the digest, and the answer is `{ key, signature }`. Throws an
 * `InvalidParameterError` for a key that is not a 20-byte address or a missing `sign`, and, when
 * signing, for an answer that is not hex.
 *
 * @example
 * // Another IntentWallet as a key: its owner (a viem account) signs the digest as a message to it.
 * const signer = erc1271KeySigner({
 *   key: addressKey(vault),
 *   sign: ({ digest }) => vaultOwner.signTypedData(messageTypedData({ hash: digest, wallet: vault, chainId })),
 * });
 */
export function erc1271KeySigner({ key, sign }: Erc1271KeySignerParameters): KeySigner {
  checkKeyHex(key, "key");
  if (dataLength(key) !== 20)
    throw new InvalidParameterError({
      parameter: "key",
      shortMessage: `key ${key} is not a contract's 20-byte address`,
    });
  checkFunction(sign, "sign");
  const contractKey = addressKey(key);
  return {
    key: contractKey,
    async sign(request) {
      const signature: unknown = await sign(request);
      if (typeof signature !== "string" || !isHexString(signature))
        throw new InvalidParameterError({
          parameter: "sign",
          shortMessage: `the contract key ${contractKey} answered ${String(signature)}, not hex`,
        });
      return { key: contractKey, signature };
    },
  };
}

/** Throws an `InvalidParameterError` unless `key` is `verifier ‖ x ‖ y`. */
function checkPointKey(key: OwnerKey): void {
  checkKeyHex(key, "key");
  if (dataLength(key) !== P256_KEY_BYTES)
    throw new InvalidParameterError({
      parameter: "key",
      shortMessage: `key ${key} is not a P-256 key: verifier (20 bytes) ‖ x (32) ‖ y (32)`,
    });
}

/** Throws an `InvalidParameterError` unless `value` is a function. */
function checkFunction(value: unknown, parameter: string): void {
  if (typeof value !== "function")
    throw new InvalidParameterError({
      parameter,
      shortMessage: `${parameter} must be a function, got ${value === null ? "null" : typeof value}`,
    });
}

/** Throws an `InvalidParameterError` unless the assertion signed `digest`. */
function checkChallenge(assertion: WebAuthnAssertion, digest: string): void {
  const challenge = readWebAuthnChallenge(assertion.clientDataJSON);
  if (challenge !== digest.toLowerCase())
    throw new InvalidParameterError({
      parameter: "getAssertion",
      shortMessage: `the authenticator signed the challenge ${challenge}, not the digest ${digest}`,
    });
}
