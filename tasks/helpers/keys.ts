import { dataLength } from "ethers";

import {
  addressKey,
  MAX_OWNER_KEY_BYTES,
  MAX_OWNER_KEYS,
  type OwnerKey,
  type OwnerKeyDescription,
} from "../../src/sdk/index.js";
import { printFields } from "./output.js";
import { parseAddress, parseUint, splitList } from "./parse.js";

/** `0x` and whole bytes of hex. */
const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})+$/;

/**
 * A key of a key set from option `name`'s value: an address (checksummed or all lowercase),
 * or the full hex of an ERC-7913 key (a verifier's address followed by its public key, such as
 * a passkey's `verifier ‖ x ‖ y`). Lower-case hex, as the wallet returns keys.
 *
 * @example
 * parseOwnerKey("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--key"); // "0x70997970c5…"
 */
export function parseOwnerKey(value: string, name: string): OwnerKey {
  const text = value.trim();
  if (!HEX_BYTES.test(text) || dataLength(text) < 20) {
    throw new Error(
      `${name}: ${JSON.stringify(text)} is not a key: give an address, or the key's full hex (a verifier's address then its public key)`,
    );
  }
  if (dataLength(text) === 20) return addressKey(parseAddress(text, name));
  if (dataLength(text) > MAX_OWNER_KEY_BYTES) {
    throw new Error(
      `${name}: the key has ${dataLength(text)} bytes, more than the ${MAX_OWNER_KEY_BYTES} a key set accepts`,
    );
  }
  return text.toLowerCase();
}

/**
 * The keys of a key set from a comma list (`--keys`): 1 to `MAX_OWNER_KEYS` distinct keys, each
 * read by `parseOwnerKey`.
 *
 * @example
 * parseOwnerKeys("0xf39F…,0x7099…,0x3C44…", "--keys"); // three address keys
 */
export function parseOwnerKeys(value: string, name: string): OwnerKey[] {
  const entries = splitList(value);
  if (entries.length === 0) throw new Error(`${name}: give at least one key`);
  if (entries.length > MAX_OWNER_KEYS) {
    throw new Error(
      `${name}: ${entries.length} keys, more than the ${MAX_OWNER_KEYS} a key set holds`,
    );
  }
  const keys = entries.map((entry, index) => parseOwnerKey(entry, `${name} entry ${index + 1}`));
  keys.forEach((key, index) => {
    const first = keys.indexOf(key);
    if (first !== index) {
      throw new Error(`${name}: entries ${first + 1} and ${index + 1} are the same key ${key}`);
    }
  });
  return keys;
}

/**
 * A threshold from option `name`'s value: how many distinct keys must sign, from 1 to `keyCount`.
 *
 * @example
 * parseThreshold("2", "--threshold", 3); // 2n
 */
export function parseThreshold(value: string, name: string, keyCount: number): bigint {
  const threshold = parseUint(value, name);
  if (threshold === 0n) {
    throw new Error(`${name} 0: at least one key must sign (a threshold is 1 or more)`);
  }
  if (threshold > BigInt(keyCount)) {
    throw new Error(
      `${name} ${threshold}: more than the ${keyCount} key${keyCount === 1 ? "" : "s"} that could sign`,
    );
  }
  return threshold;
}

/**
 * One line for a key: its kind, then its address, or its full hex (a verifier's address then
 * its public key), which `wallet remove-key --key` takes as printed.
 *
 * @example
 * describeKeyLine(key, { kind: "address", address }); // "address   0xf39F…"
 */
export function describeKeyLine(key: OwnerKey, described: OwnerKeyDescription): string {
  const kind = described.kind.padEnd(8);
  return `${kind}  ${described.kind === "address" ? described.address : key}`;
}

/** Who may sign for a wallet, as the tasks print it. */
export interface PrintedKeySet {
  keys: readonly OwnerKey[];
  threshold: bigint;
  /** What each key is, in the order of `keys`. */
  described: readonly OwnerKeyDescription[];
}

/**
 * Prints the threshold (`2 of 3 keys`) and one `key N  kind  ...` line per key.
 *
 * @example
 * printKeySet({ keys, threshold: 2n, described });
 */
export function printKeySet({ keys, threshold, described }: PrintedKeySet): void {
  const count = keys.length;
  const fields: Record<string, string> = {
    threshold: `${threshold} of ${count} key${count === 1 ? "" : "s"}`,
  };
  keys.forEach(
    (key, index) => (fields[`key ${index + 1}`] = describeKeyLine(key, described[index])),
  );
  printFields(fields);
}
