import { concat, dataLength, dataSlice, getBytes, isHexString, Signature, toBeHex } from "ethers";

import { InvalidParameterError } from "../errors/invalidParameterError.js";
import { checkKeyHex, type OwnerKey } from "./keys.js";

/** First byte of a relay signature made by keys of the wallet's key set. */
export const KEY_SET_SIGNATURE_KIND = "0x02";

/** Entry kinds of a key-set signature (see `OwnerKeySignatures` in the contracts). */
const SECP256K1_ENTRY = "0x00";
const KEYED_ENTRY = "0x01";

/** The most entries one key-set signature holds: a key set's most keys. */
export const MAX_OWNER_KEYS = 32;

/**
 * One key's signature in a key-set signature: a secp256k1 key's 65-byte ECDSA signature alone
 * (its key is the address it recovers), or any key with its signature (an ERC-1271 contract's
 * bytes, a P-256 key's `r ‖ s`, a passkey's `encodeWebAuthnSignature`).
 */
export type KeySignature = { secp256k1: string } | { key: OwnerKey; signature: string };

/**
 * The entries of a key-set signature, packed, as `isValidSignature` and a session grant's owner
 * signature take them: `0x00 ‖ r ‖ s ‖ v` per secp256k1 signature, `0x01 ‖ keyLength (2) ‖ key ‖
 * signatureLength (2) ‖ signature` per other key. The order is free; each key may sign once.
 *
 * @example
 * const entries = encodeKeySignatures([{ secp256k1: aliceSig }, { key: passkey, signature: webAuthnSig }]);
 */
export function encodeKeySignatures(signatures: readonly KeySignature[]): string {
  if (signatures.length === 0 || signatures.length > MAX_OWNER_KEYS)
    throw new InvalidParameterError({
      parameter: "signatures",
      shortMessage: `a key-set signature holds 1 to ${MAX_OWNER_KEYS} signatures, not ${signatures.length}`,
    });
  return concat(signatures.map((entry, index) => encodeEntry(entry, `signatures[${index}]`)));
}

/**
 * A relay signature by keys of the wallet's key set: `0x02 ‖ encodeKeySignatures(signatures)`.
 *
 * @example
 * const signature = toKeySetSignature([{ secp256k1: aliceSig }, { secp256k1: bobSig }]);
 */
export function toKeySetSignature(signatures: readonly KeySignature[]): string {
  return concat([KEY_SET_SIGNATURE_KIND, encodeKeySignatures(signatures)]);
}

/** One entry, checked. */
function encodeEntry(entry: KeySignature, parameter: string): string {
  if ("secp256k1" in entry) {
    const signature = normalizedEcdsa(entry.secp256k1, `${parameter}.secp256k1`);
    return concat([SECP256K1_ENTRY, signature]);
  }
  checkKeyHex(entry.key, `${parameter}.key`);
  if (!isHexString(entry.signature))
    throw new InvalidParameterError({
      parameter: `${parameter}.signature`,
      shortMessage: `${parameter}.signature is not hex`,
    });
  const keyLength = dataLength(entry.key);
  const signatureLength = dataLength(entry.signature);
  if (keyLength > 0xffff || signatureLength > 0xffff)
    throw new InvalidParameterError({
      parameter,
      shortMessage: `${parameter}'s key and signature must each be under 65,536 bytes`,
    });
  return concat([
    KEYED_ENTRY,
    toBeHex(keyLength, 2),
    entry.key,
    toBeHex(signatureLength, 2),
    entry.signature,
  ]);
}

/** A 65-byte ECDSA signature as `r ‖ s ‖ v` with v 27 or 28. */
function normalizedEcdsa(signature: string, parameter: string): string {
  if (!isHexString(signature) || dataLength(signature) !== 65)
    throw new InvalidParameterError({
      parameter,
      shortMessage: `${parameter} is not a 65-byte ECDSA signature`,
    });
  try {
    return Signature.from(signature).serialized;
  } catch (cause) {
    throw new InvalidParameterError({
      parameter,
      shortMessage: `${parameter} is not an ECDSA signature`,
      cause,
    });
  }
}

/**
 * The signatures a key-set signature's entries (without the kind byte 0x02) hold, in order, read
 * as the wallet reads them (`OwnerKeySignatures`): `{ secp256k1 }` for a `0x00` entry (its 65
 * bytes as given, not checked: the wallet recovers its key), `{ key, signature }` for a `0x01`
 * entry, keys and signatures lower-case hex. Throws an `InvalidParameterError` where the wallet
 * finds them malformed: an unknown entry kind, a length past the end, more than
 * `MAX_OWNER_KEYS` entries. No entries (`0x`) is an empty list.
 *
 * @example
 * const signatures = decodeKeySignatures(dataSlice(signed.signature, 1)); // [{ secp256k1: "0x…" }, …]
 */
export function decodeKeySignatures(entries: string): KeySignature[] {
  const bytes = getBytes(entries);
  const signatures: KeySignature[] = [];
  const fail = (at: number, why: string): never => {
    throw new InvalidParameterError({
      parameter: "entries",
      shortMessage: `key-set signature entry at byte ${at} is malformed: ${why}`,
    });
  };
  let offset = 0;
  while (offset < bytes.length) {
    if (signatures.length === MAX_OWNER_KEYS) fail(offset, `more than ${MAX_OWNER_KEYS} entries`);
    const kind = bytes[offset];
    if (kind === 0x00) {
      if (offset + 66 > bytes.length) fail(offset, "a secp256k1 entry is 66 bytes");
      signatures.push({ secp256k1: dataSlice(bytes, offset + 1, offset + 66) });
      offset += 66;
      continue;
    }
    if (kind !== 0x01) fail(offset, `unknown entry kind ${kind}`);
    const keyStart = offset + 3;
    if (keyStart > bytes.length) fail(offset, "no key length");
    const keyEnd = keyStart + ((bytes[offset + 1] << 8) | bytes[offset + 2]);
    if (keyEnd + 2 > bytes.length) fail(offset, "the key passes the end");
    const signatureEnd = keyEnd + 2 + ((bytes[keyEnd] << 8) | bytes[keyEnd + 1]);
    if (signatureEnd > bytes.length) fail(offset, "the signature passes the end");
    const key = dataSlice(bytes, keyStart, keyEnd);
    signatures.push({ key, signature: dataSlice(bytes, keyEnd + 2, signatureEnd) });
    offset = signatureEnd;
  }
  return signatures;
}
