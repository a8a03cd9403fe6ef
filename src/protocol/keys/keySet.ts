import { AbiCoder, dataLength, keccak256 } from "ethers";

import { InvalidParameterError } from "../errors/invalidParameterError.js";
import { MAX_OWNER_KEYS } from "./keySetSignature.js";
import { checkKeyHex, type OwnerKey } from "./keys.js";

/** The longest key a key set accepts (`IntentWallet.MAX_KEY_LENGTH`): a verifier and a public key. */
export const MAX_OWNER_KEY_BYTES = 20 + 1024;

/** A wallet's key set: the keys that may sign and how many of them must. */
export interface KeySet {
  /** The keys (ERC-7913 signers, hex), distinct. */
  keys: readonly OwnerKey[];
  /** How many distinct keys must sign, from 1 to `keys.length`. */
  threshold: bigint;
}

/**
 * Throws an `InvalidParameterError` unless `keys` and `threshold` can own a wallet as the
 * contracts require: 1 to `MAX_OWNER_KEYS` distinct keys, each hex of 20 to `MAX_OWNER_KEY_BYTES`
 * bytes, and a threshold from 1 to the number of keys. (Whether a P-256 key is on the curve, or a
 * verifier has code, only the chain says.)
 *
 * @example
 * checkKeySet({ keys: [addressKey(alice), addressKey(bob)], threshold: 2n });
 */
export function checkKeySet({ keys, threshold }: KeySet): void {
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_OWNER_KEYS)
    throw new InvalidParameterError({
      parameter: "keys",
      shortMessage: `a key set holds 1 to ${MAX_OWNER_KEYS} keys, not ${Array.isArray(keys) ? keys.length : String(keys)}`,
    });
  const seen = new Set<string>();
  keys.forEach((key, index) => {
    checkOwnerKey(key, `keys[${index}]`);
    if (seen.has(key.toLowerCase()))
      throw new InvalidParameterError({
        parameter: `keys[${index}]`,
        shortMessage: `keys[${index}] ${key} is in the key set twice`,
      });
    seen.add(key.toLowerCase());
  });
  if (typeof threshold !== "bigint" || threshold < 1n || threshold > BigInt(keys.length))
    throw new InvalidParameterError({
      parameter: "threshold",
      shortMessage: `threshold ${String(threshold)} is not a bigint from 1 to the ${keys.length} keys`,
    });
}

/**
 * Throws an `InvalidParameterError` on `parameter` unless `key` can join a key set as far as its
 * bytes go: hex of 20 to `MAX_OWNER_KEY_BYTES` bytes.
 *
 * @example
 * checkOwnerKey(passkey, "key");
 */
export function checkOwnerKey(key: OwnerKey, parameter: string): void {
  checkKeyHex(key, parameter);
  if (dataLength(key) > MAX_OWNER_KEY_BYTES)
    throw new InvalidParameterError({
      parameter,
      shortMessage: `${parameter} has ${dataLength(key)} bytes, more than the ${MAX_OWNER_KEY_BYTES} a key set accepts`,
    });
}

/**
 * The hash that names a key set, `keccak256(abi.encode(bytes[] keys, uint256 threshold))`: the
 * `keySetHash` of the factory's `WalletCreatedWithKeys` event, and part of the wallet's CREATE2
 * salt. The order of the keys counts. Throws an `InvalidParameterError` for a key set the
 * contracts refuse (`checkKeySet`).
 *
 * @example
 * const keySetHash = getKeySetHash({ keys: [addressKey(alice), passkey], threshold: 1n });
 */
export function getKeySetHash({ keys, threshold }: KeySet): string {
  checkKeySet({ keys, threshold });
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes[]", "uint256"], [keys, threshold]));
}
