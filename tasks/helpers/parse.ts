import type { z } from "zod";

import { assertCanonicalSignature, type Dependency, type Permission } from "../../src/sdk/index.js";
import {
  address,
  bytes32,
  hexBytes,
  lenientUint256,
} from "../../src/protocol/schema/primitives.js";
import { firstProblem } from "../../src/protocol/schema/problem.js";

/**
 * `value` read by the protocol's `schema`, or an error naming the option: `--to: not an address
 * ...`. The tasks read options with the same rules as the SDK reads JSON.
 */
function readOption<Output>(
  schema: z.ZodType<Output, string>,
  value: string,
  name: string,
): Output {
  const result = schema.safeDecode(value.trim());
  if (result.success) return result.data;
  throw new Error(`${name}: ${firstProblem(result.error.issues).reason}`);
}

/**
 * A checksummed address from option `name`'s value (checksummed or all lowercase).
 *
 * @example
 * parseAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3", "--to"); // "0x5FbDB2…"
 */
export function parseAddress(value: string, name: string): string {
  return readOption(address, value, name);
}

/**
 * A uint256 from a decimal or `0x` hex string (or a safe JSON integer).
 *
 * @example
 * parseUint("1000000000000000000", "--value"); // 10n ** 18n
 */
export function parseUint(value: unknown, name: string): bigint {
  const result = lenientUint256.safeParse(value);
  if (result.success) return result.data;
  throw new Error(`${name}: ${firstProblem(result.error.issues).reason}`);
}

/**
 * `0x` then whole bytes of hex, lowercased.
 *
 * @example
 * parseHexData("0xDEADBEEF", "--data"); // "0xdeadbeef"
 */
export function parseHexData(value: string, name: string): string {
  return readOption(hexBytes, value, name);
}

/**
 * A 32-byte ID, lowercased.
 *
 * @example
 * parseBytes32("0xAB…", "--id");
 */
export function parseBytes32(value: string, name: string): string {
  return readOption(bytes32, value, name);
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
