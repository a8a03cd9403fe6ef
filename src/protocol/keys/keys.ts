import { concat, dataLength, dataSlice, getAddress, isHexString, toBeHex } from "ethers";

import { InvalidParameterError } from "../errors/invalidParameterError.js";

/**
 * A key of a wallet's key set, as the wallet stores it: an ERC-7913 signer, hex. Either a 20-byte
 * address (an EOA signing with secp256k1, or an ERC-1271 contract), or a verifier's address
 * followed by a public key (`verifier ‖ x ‖ y`, 84 bytes, for P-256 keys and WebAuthn passkeys).
 */
export type OwnerKey = string;

/** The deployment's ERC-7913 verifiers, as `IntentWallet.passkeyVerifiers()` returns them. */
export interface KeyVerifiers {
  /** OpenZeppelin's `ERC7913P256Verifier`: raw P-256 keys. */
  p256: string;
  /** The wallet's `PasskeyVerifier` (ERC-7913): WebAuthn passkeys, in `encodeWebAuthnSignature`'s compact form. */
  webAuthn: string;
}

/** A P-256 public key's affine coordinates. */
export interface P256PublicKey {
  x: bigint;
  y: bigint;
}

/** What an `OwnerKey` is, as `describeOwnerKey` reads it. */
export type OwnerKeyDescription =
  | { kind: "address"; address: string }
  | { kind: "p256"; verifier: string; publicKey: P256PublicKey }
  | { kind: "webAuthn"; verifier: string; publicKey: P256PublicKey }
  | { kind: "erc7913"; verifier: string; publicKey: string };

/** Bytes of a P-256 or WebAuthn key: the verifier (20), x (32), y (32). */
export const P256_KEY_BYTES = 84;

/**
 * The key of an address: an EOA (secp256k1) or an ERC-1271 contract. Lower-case hex, as the
 * wallet returns keys.
 *
 * @example
 * const key = addressKey("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
 */
export function addressKey(address: string): OwnerKey {
  return getAddress(address).toLowerCase();
}

/**
 * The key of a raw P-256 public key: `verifiers.p256 ‖ x ‖ y`.
 *
 * @example
 * const key = p256Key({ verifiers, publicKey: { x, y } });
 */
export function p256Key({
  verifiers,
  publicKey,
}: {
  verifiers: KeyVerifiers;
  publicKey: P256PublicKey;
}): OwnerKey {
  return pointKey(verifiers.p256, publicKey);
}

/**
 * The key of a WebAuthn passkey with public key (`x`, `y`): `verifiers.webAuthn ‖ x ‖ y`.
 *
 * @example
 * const key = webAuthnKey({ verifiers, publicKey: p256PublicKeyFromSpki(spki) });
 */
export function webAuthnKey({
  verifiers,
  publicKey,
}: {
  verifiers: KeyVerifiers;
  publicKey: P256PublicKey;
}): OwnerKey {
  return pointKey(verifiers.webAuthn, publicKey);
}

/**
 * Reads what `key` is: an address, a P-256 key or a passkey (named by `verifiers`), or a key
 * of another ERC-7913 verifier.
 *
 * @example
 * describeOwnerKey({ key, verifiers }); // { kind: "webAuthn", verifier, publicKey: { x, y } }
 */
export function describeOwnerKey({
  key,
  verifiers,
}: {
  key: OwnerKey;
  verifiers: KeyVerifiers;
}): OwnerKeyDescription {
  checkKeyHex(key, "key");
  if (dataLength(key) === 20) return { kind: "address", address: getAddress(key) };
  const verifier = getAddress(dataSlice(key, 0, 20));
  if (
    dataLength(key) === P256_KEY_BYTES &&
    (verifier === getAddress(verifiers.p256) || verifier === getAddress(verifiers.webAuthn))
  ) {
    const publicKey = { x: BigInt(dataSlice(key, 20, 52)), y: BigInt(dataSlice(key, 52, 84)) };
    return verifier === getAddress(verifiers.p256)
      ? { kind: "p256", verifier, publicKey }
      : { kind: "webAuthn", verifier, publicKey };
  }
  return { kind: "erc7913", verifier, publicKey: dataSlice(key, 20) };
}

/** Throws an `InvalidParameterError` on `parameter` unless `key` is hex of at least 20 bytes. */
export function checkKeyHex(key: string, parameter: string): void {
  if (!isHexString(key) || dataLength(key) < 20)
    throw new InvalidParameterError({
      parameter,
      shortMessage: `${parameter} ${key} is not a key: hex of at least 20 bytes (an address, or a verifier and a public key)`,
    });
}

/** `verifier ‖ x ‖ y`, lower case. */
function pointKey(verifier: string, { x, y }: P256PublicKey): OwnerKey {
  return concat([getAddress(verifier), toBeHex(x, 32), toBeHex(y, 32)]).toLowerCase();
}
