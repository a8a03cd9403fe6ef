import { concat, isHexString, recoverAddress, Signature } from "ethers";

import { InvalidParameterError } from "../../protocol/errors/invalidParameterError.js";
import type { KeySet } from "../../protocol/keys/keySet.js";
import {
  encodeKeySignatures,
  KEY_SET_SIGNATURE_KIND,
  type KeySignature,
} from "../../protocol/keys/keySetSignature.js";
import { addressKey, checkKeyHex, type OwnerKey } from "../../protocol/keys/keys.js";

/**
 * A `KeySignature` as JSON, to send from one device to another: hex strings only (lower case).
 * `{ secp256k1 }` for a secp256k1 key's 65-byte signature, `{ key, signature }` for any key.
 */
export type KeySignatureJson = { secp256k1: string } | { key: string; signature: string };

/**
 * `signature` as JSON (a plain object of lower-case hex strings, for `JSON.stringify`), checked
 * as `encodeKeySignatures` checks it. Throws an `InvalidParameterError` for a malformed signature.
 *
 * @example
 * const { signatures: [mine] } = await signTypedDataWithKeys({ signers: [phone], request: intentTypedData({ intent, wallet, chainId }) });
 * await channel.send(JSON.stringify(keySignatureToJson(mine)));
 */
export function keySignatureToJson(signature: KeySignature): KeySignatureJson {
  encodeKeySignatures([signature]);
  return "secp256k1" in signature
    ? { secp256k1: signature.secp256k1.toLowerCase() }
    : { key: signature.key.toLowerCase(), signature: signature.signature.toLowerCase() };
}

/**
 * A `KeySignature` read from its JSON (`keySignatureToJson`): the parsed object, or the JSON
 * text. Throws an `InvalidParameterError` for anything else: text that is not JSON, another shape,
 * extra fields, hex that is not hex, a secp256k1 signature that is not 65 bytes.
 *
 * @example
 * const signatures = messages.map((text) => keySignatureFromJson(text));
 * const signature = combineKeySignatures({ id: signed.id, signatures, keySet });
 */
export function keySignatureFromJson(json: unknown): KeySignature {
  const value = typeof json === "string" ? parseJson(json) : json;
  const fields = typeof value === "object" && value !== null ? Object.keys(value) : [];
  const record = value as Record<string, unknown>;
  const shape = fields.sort().join(",");
  let signature: KeySignature;
  if (shape === "secp256k1" && typeof record.secp256k1 === "string") {
    signature = { secp256k1: record.secp256k1 };
  } else if (
    shape === "key,signature" &&
    typeof record.key === "string" &&
    typeof record.signature === "string"
  ) {
    signature = { key: record.key, signature: record.signature };
  } else {
    throw new InvalidParameterError({
      parameter: "json",
      shortMessage: `a key signature's JSON is { secp256k1 } or { key, signature } of hex strings, got ${fields.length === 0 ? String(value) : `{ ${fields.join(", ")} }`}`,
    });
  }
  return { ...keySignatureToJson(signature) };
}

/**
 * The key that made `signature` of `digest`: the address a secp256k1 signature recovers (as its
 * key, lower case), or the key a keyed signature names. Throws an `InvalidParameterError` for a
 * malformed signature.
 *
 * @example
 * const who = keySignatureKey({ digest: signed.id, signature: { secp256k1: phoneSignature } });
 */
export function keySignatureKey({
  digest,
  signature,
}: {
  digest: string;
  signature: KeySignature;
}): OwnerKey {
  if (!isHexString(digest, 32))
    throw new InvalidParameterError({
      parameter: "digest",
      shortMessage: `digest ${String(digest)} is not 32 bytes of hex`,
    });
  encodeKeySignatures([signature]);
  if ("secp256k1" in signature)
    return addressKey(recoverAddress(digest, Signature.from(signature.secp256k1)));
  checkKeyHex(signature.key, "signature.key");
  return signature.key.toLowerCase();
}

export interface CombineKeySignatureEntriesParameters {
  /** What was signed: the intent ID, the session ID, the replay-safe hash. */
  digest: string;
  /** The keys' signatures, collected from wherever they were made. */
  signatures: readonly KeySignature[];
  /**
   * The wallet's key set (`readOwnerKeys`), when known: then a signature by a key outside it, or
   * fewer signatures than its threshold, is refused here rather than by the chain.
   */
  keySet?: KeySet;
}

/**
 * The key-set entries of `signatures` of `digest` (`encodeKeySignatures`), checked first: each
 * key signs once (a secp256k1 signature's key is the address it recovers from `digest`), and with
 * `keySet`, every key is in it and there are at least its threshold. What a session grant's owner
 * signature and a wallet's `isValidSignature` take; a relay signature is `combineKeySignatures`.
 * Throws an `InvalidParameterError` naming the signature at fault; nothing is sent.
 *
 * @example
 * const ownerSignature = combineKeySignatureEntries({ digest: sessionId, signatures, keySet });
 */
export function combineKeySignatureEntries({
  digest,
  signatures,
  keySet,
}: CombineKeySignatureEntriesParameters): string {
  const entries = encodeKeySignatures(signatures);
  const members = keySet === undefined ? undefined : new Set(keySet.keys.map(lowerKey));
  const seen = new Map<OwnerKey, number>();
  signatures.forEach((signature, index) => {
    const key = keySignatureKey({ digest, signature });
    const first = seen.get(key);
    if (first !== undefined)
      throw new InvalidParameterError({
        parameter: `signatures[${index}]`,
        shortMessage: `signatures[${index}] and signatures[${first}] are both by key ${key}: each key signs once`,
      });
    if (members !== undefined && !members.has(key))
      throw new InvalidParameterError({
        parameter: `signatures[${index}]`,
        shortMessage: `signatures[${index}] is by key ${key}, which is not in the wallet's key set`,
      });
    seen.set(key, index);
  });
  if (keySet !== undefined && BigInt(signatures.length) < keySet.threshold)
    throw new InvalidParameterError({
      parameter: "signatures",
      shortMessage: `${signatures.length} keys signed, fewer than the wallet's threshold of ${keySet.threshold}`,
    });
  return entries;
}

export interface CombineKeySignaturesParameters extends Omit<
  CombineKeySignatureEntriesParameters,
  "digest"
> {
  /** The ID of the intent the keys signed. */
  id: string;
}

/**
 * The relay signature of an intent whose ID keys of the wallet's key set signed, perhaps on
 * several devices: `0x02 ‖ combineKeySignatureEntries(...)`. Throws an `InvalidParameterError`
 * for a key that signed twice, a malformed signature, and, with `keySet`, a key outside it or
 * fewer signatures than its threshold, before anything is sent.
 *
 * @example
 * const signatures = [mySignature, ...received.map((text) => keySignatureFromJson(text))];
 * const signed = { ...unsigned, signature: combineKeySignatures({ id: unsigned.id, signatures, keySet }) };
 * await WalletClient.at(signed.wallet, relayer).relay(signed);
 */
export function combineKeySignatures({ id, ...rest }: CombineKeySignaturesParameters): string {
  return concat([KEY_SET_SIGNATURE_KIND, combineKeySignatureEntries({ digest: id, ...rest })]);
}

/** `JSON.parse`, or an `InvalidParameterError`. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidParameterError({
      parameter: "json",
      shortMessage: "a key signature's JSON text does not parse",
      cause,
    });
  }
}

/** A key as the wallet writes it, for comparison. */
function lowerKey(key: OwnerKey): OwnerKey {
  return key.toLowerCase();
}
