import { getAddress, isHexString } from "ethers";

import { assertCanonicalSignature, type Dependency, type Permission } from "../../src/sdk/index.js";

const UINT256_MAX = 2n ** 256n - 1n;

/**
 * A checksummed address from option `name`'s value.
 *
 * @example
 * parseAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3", "--to"); // "0x5FbDB2…"
 */
export function parseAddress(value: string, name: string): string {
  try {
    return getAddress(value.trim());
  } catch (error) {
    const badChecksum =
      (error as { shortMessage?: string }).shortMessage === "bad address checksum";
    throw new Error(
      badChecksum
        ? `${name}: bad address checksum (${JSON.stringify(value)}): write it checksummed or all lowercase`
        : `${name}: not an address (${JSON.stringify(value)})`,
    );
  }
}

/**
 * A uint256 from a decimal or `0x` hex string (or a safe JSON integer).
 *
 * @example
 * parseUint("1000000000000000000", "--value"); // 10n ** 18n
 */
export function parseUint(value: unknown, name: string): bigint {
  let parsed: bigint | undefined;
  if (typeof value === "number" && Number.isSafeInteger(value)) parsed = BigInt(value);
  if (typeof value === "string" && /^(\d+|0x[0-9a-fA-F]+)$/.test(value.trim())) {
    parsed = BigInt(value.trim());
  }
  if (parsed === undefined || parsed < 0n || parsed > UINT256_MAX) {
    throw new Error(
      `${name}: expected an unsigned integer (decimal or 0x hex), got ${JSON.stringify(value)}`,
    );
  }
  return parsed;
}

/**
 * `0x` then whole bytes of hex, lowercased.
 *
 * @example
 * parseHexData("0xDEADBEEF", "--data"); // "0xdeadbeef"
 */
export function parseHexData(value: string, name: string): string {
  const trimmed = value.trim();
  if (!isHexString(trimmed) || trimmed.length % 2 !== 0) {
    throw new Error(`${name}: expected 0x then whole bytes of hex, got ${JSON.stringify(value)}`);
  }
  return trimmed.toLowerCase();
}

/**
 * A 32-byte ID, lowercased.
 *
 * @example
 * parseBytes32("0xAB…", "--id");
 */
export function parseBytes32(value: string, name: string): string {
  const trimmed = value.trim();
  if (!isHexString(trimmed, 32)) {
    throw new Error(
      `${name}: expected a 32-byte ID (0x and 64 hex digits), got ${JSON.stringify(value)}`,
    );
  }
  return trimmed.toLowerCase();
}

/**
 * Splits a comma list at the commas outside parentheses, so `0xEx:placeOrder(uint256,uint256)`
 * stays one entry. Options cannot be repeated in Hardhat 3: lists are written this way.
 *
 * @example
 * splitList("a:f(uint256,uint256), b:g()"); // ["a:f(uint256,uint256)", "b:g()"]
 */
export function splitList(value: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let current = "";
  for (const character of value) {
    if (character === "(") depth++;
    if (character === ")") depth--;
    if (character === "," && depth === 0) {
      entries.push(current);
      current = "";
    } else {
      current += character;
    }
  }
  entries.push(current);
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== "");
}

/**
 * Permissions from `target:functionSignature` entries, each signature canonical
 * (`placeOrder(uint256,uint256)`), since the module hashes its exact bytes.
 *
 * @example
 * parsePermissions("0x5FbD…:placeOrder(uint256,uint256),0x5FbD…:cancelOrder(uint256)");
 */
export function parsePermissions(value: string): Permission[] {
  const permissions = splitList(value).map((entry) => {
    const colon = entry.indexOf(":");
    if (colon === -1) {
      throw new Error(
        `--permission: expected target:functionSignature, got ${JSON.stringify(entry)}`,
      );
    }
    const target = parseAddress(entry.slice(0, colon), "--permission target");
    const functionSignature = entry.slice(colon + 1).trim();
    try {
      assertCanonicalSignature(functionSignature);
    } catch (error) {
      throw new Error(`--permission: ${(error as Error).message}`);
    }
    return { target, functionSignature };
  });
  if (permissions.length === 0) {
    throw new Error("--permission: give at least one target:functionSignature");
  }
  return permissions;
}

/**
 * Dependencies from a comma list of IDs of `wallet` (or `otherWallet:id` for another wallet's).
 *
 * @example
 * parseDependencies("0x12…,0xWallet:0x34…", wallet);
 */
export function parseDependencies(value: string, wallet: string): Dependency[] {
  return splitList(value).map((entry) => {
    const colon = entry.indexOf(":");
    if (colon === -1) return { wallet, id: parseBytes32(entry, "--depends-on") };
    return {
      wallet: parseAddress(entry.slice(0, colon), "--depends-on wallet"),
      id: parseBytes32(entry.slice(colon + 1), "--depends-on"),
    };
  });
}
