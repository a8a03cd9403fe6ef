import { getAddress } from "ethers";

import { InvalidSignedIntentError } from "../errors/invalidSignedIntentError.js";
import { getIntentId } from "./hash.js";
import type { SignedIntent } from "./types.js";
import type { Call, Dependency, Intent } from "./types.js";

/** The version of the JSON form of a signed intent that this SDK writes and reads. */
export const SIGNED_INTENT_JSON_VERSION = 2;

/**
 * A signed intent with, optionally, the wallet's intent epoch it was signed for. The ID depends
 * on the epoch (it is the domain's salt); absent means 0, the epoch of a wallet that never
 * invalidated all its intents.
 */
export type SerializableSignedIntent = SignedIntent & { epoch?: bigint };

/** A call in JSON: the value as a decimal string. */
export interface CallJson {
  to: string;
  value: string;
  data: string;
}

/** An intent in JSON: every integer as a decimal string. */
export interface IntentJson {
  calls: CallJson[];
  dependencies: Dependency[];
  salt: string;
  validAfter: string;
  expiration: string;
  maxGasPrice: string;
  minGasLimit: string;
}

/**
 * The JSON form of a signed intent (version 2: intent format v2, with `validAfter`). Every integer is a decimal string, so no
 * precision is lost (JSON numbers are doubles); addresses are checksummed, hex is lowercase.
 * `epoch` is written only when the signed intent carries one, and read as 0 when absent.
 */
export interface SignedIntentJson {
  version: typeof SIGNED_INTENT_JSON_VERSION;
  wallet: string;
  chainId: string;
  epoch?: string;
  intent: IntentJson;
  id: string;
  signature: string;
}

const UINT256_MAX = 2n ** 256n - 1n;
const UINT256_MAX_DIGITS = UINT256_MAX.toString().length; // 78

/**
 * Serializes a signed intent to JSON (version 2): integers as decimal strings (converted here,
 * not through a global `BigInt.prototype.toJSON`), addresses checksummed, hex lowercase.
 * `epoch` is written when `signed` has one (even 0), so that `parseSignedIntent` gives back an
 * equal object; fields other than those of `SignedIntentJson` are not written. Throws an
 * `InvalidSignedIntentError` for anything `parseSignedIntent` would refuse, so what this writes
 * always parses, including an ID that does not match the intent.
 *
 * @example
 * const signed = await signIntent({ signer: owner, intent, wallet, chainId: 31337n });
 * await fetch(`${relayerUrl}/v1/intents`, { method: "POST", body: serializeSignedIntent(signed) });
 */
export function serializeSignedIntent(signed: SerializableSignedIntent): string {
  return JSON.stringify(toJson(parseSignedIntent(toJson(signed))));
}

/**
 * Parses and validates a signed intent in JSON (a string, or the value `JSON.parse` gave).
 * Checks everything: version 2 (a version 1 document, of the format before `validAfter`, is
 * refused: its signature is not valid for any wallet of this version); no missing and no unknown fields, at every level; addresses
 * (checksummed or lowercase; returned checksummed); hex of whole bytes (returned lowercase);
 * integers as decimal strings without sign or leading zeros, at most 2^256 - 1; `chainId > 0`;
 * at least one call; 32-byte IDs; a signature that starts with a known kind byte; and that `id`
 * is the intent's ID on `wallet`, `chainId` and `epoch` (0 when absent). Throws an
 * `InvalidSignedIntentError` naming the first bad field (`path`) and what is wrong (`reason`).
 * `parseSignedIntent(serializeSignedIntent(x))` deep-equals `x` when `x`'s addresses are
 * checksummed and its hex is lowercase (as the SDK produces them).
 *
 * @example
 * const signed = parseSignedIntent(requestBody);
 * await wallet.relay(signed.intent, signed.signature);
 *
 * @example
 * parseSignedIntent('{"version":3}');
 * // throws InvalidSignedIntentError: Invalid signed intent at version: unsupported version 3 (this SDK reads version 2)
 */
export function parseSignedIntent(json: string | unknown): SerializableSignedIntent {
  const document = typeof json === "string" ? parseJson(json) : json;
  const root = expectObject(document, "");
  const version = root.version;
  if (!Object.hasOwn(root, "version")) fail("version", "missing field (expected 2)");
  if (typeof version !== "number") fail("version", `expected the number 2, got ${show(version)}`);
  if (version === 1) {
    fail(
      "version",
      "version 1 is the intent format before validAfter: wallets of this version never accept it; sign the intent again",
    );
  }
  if (version !== SIGNED_INTENT_JSON_VERSION) {
    fail("version", `unsupported version ${show(version)} (this SDK reads version 2)`);
  }
  expectFields(root, "", ["version", "wallet", "chainId", "intent", "id", "signature"], ["epoch"]);

  const wallet = parseAddress(root.wallet, "wallet");
  const chainId = parseUint(root.chainId, "chainId", 1n);
  const epoch = Object.hasOwn(root, "epoch") ? parseUint(root.epoch, "epoch") : undefined;
  const intent = parseIntent(root.intent, "intent");
  const id = parseBytes32(root.id, "id");
  const signature = parseSignature(root.signature, "signature");

  const expectedId = getIntentId({ intent, wallet, chainId, epoch: epoch ?? 0n });
  if (id !== expectedId) {
    fail(
      "id",
      `does not match the intent: its ID on wallet ${wallet}, chain ${chainId}, epoch ${epoch ?? 0n}` +
        ` is ${expectedId}` +
        (epoch === undefined ? " (if the wallet's intent epoch is not 0, include `epoch`)" : ""),
    );
  }
  return { intent, wallet, chainId, id, signature, ...(epoch === undefined ? {} : { epoch }) };
}

/** The JSON form of `signed`, with the types checked but the values not yet validated. */
function toJson(signed: SerializableSignedIntent): SignedIntentJson {
  const object = expectObject(signed, "");
  const intent = expectObject(object.intent, "intent");
  return {
    version: SIGNED_INTENT_JSON_VERSION,
    wallet: signed.wallet,
    chainId: uintToJson(signed.chainId, "chainId"),
    ...(signed.epoch === undefined ? {} : { epoch: uintToJson(signed.epoch, "epoch") }),
    intent: {
      calls: expectArray(intent.calls, "intent.calls").map((call, i) => {
        const path = `intent.calls[${i}]`;
        const { to, value, data } = expectObject(call, path);
        return { to, value: uintToJson(value, `${path}.value`), data } as CallJson;
      }),
      dependencies: expectArray(intent.dependencies, "intent.dependencies").map((dependency, i) => {
        const { wallet, id } = expectObject(dependency, `intent.dependencies[${i}]`);
        return { wallet, id } as Dependency;
      }),
      salt: uintToJson(intent.salt, "intent.salt"),
      validAfter: uintToJson(intent.validAfter, "intent.validAfter"),
      expiration: uintToJson(intent.expiration, "intent.expiration"),
      maxGasPrice: uintToJson(intent.maxGasPrice, "intent.maxGasPrice"),
      minGasLimit: uintToJson(intent.minGasLimit, "intent.minGasLimit"),
    },
    id: signed.id,
    signature: signed.signature,
  };
}

function uintToJson(value: unknown, path: string): string {
  if (typeof value !== "bigint") fail(path, `expected a bigint, got ${show(value)}`);
  return value.toString(10);
}

/*//////////////////////////////////////////////////////////////
                            VALIDATORS
//////////////////////////////////////////////////////////////*/

function parseIntent(value: unknown, path: string): Intent {
  const fields = [
    "calls",
    "dependencies",
    "salt",
    "validAfter",
    "expiration",
    "maxGasPrice",
    "minGasLimit",
  ];
  const object = expectFields(expectObject(value, path), path, fields);
  const calls = expectArray(object.calls, `${path}.calls`).map((call, i) =>
    parseCall(call, `${path}.calls[${i}]`),
  );
  if (calls.length === 0) fail(`${path}.calls`, "an intent needs at least one call");
  const dependencies = expectArray(object.dependencies, `${path}.dependencies`).map(
    (dependency, i) => parseDependency(dependency, `${path}.dependencies[${i}]`),
  );
  return {
    calls,
    dependencies,
    salt: parseUint(object.salt, `${path}.salt`),
    validAfter: parseUint(object.validAfter, `${path}.validAfter`),
    expiration: parseUint(object.expiration, `${path}.expiration`),
    maxGasPrice: parseUint(object.maxGasPrice, `${path}.maxGasPrice`),
    minGasLimit: parseUint(object.minGasLimit, `${path}.minGasLimit`),
  };
}

function parseCall(value: unknown, path: string): Call {
  const object = expectFields(expectObject(value, path), path, ["to", "value", "data"]);
  return {
    to: parseAddress(object.to, `${path}.to`),
    value: parseUint(object.value, `${path}.value`),
    data: parseBytes(object.data, `${path}.data`),
  };
}

function parseDependency(value: unknown, path: string): Dependency {
  const object = expectFields(expectObject(value, path), path, ["wallet", "id"]);
  return {
    wallet: parseAddress(object.wallet, `${path}.wallet`),
    id: parseBytes32(object.id, `${path}.id`),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidSignedIntentError({
      path: "",
      reason: `not valid JSON (${(error as Error).message})`,
      cause: error,
    });
  }
}

function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(path, `expected an object, got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `expected an array, got ${show(value)}`);
  return value;
}

/** Refuses unknown fields first (a misspelt field is the likelier mistake), then missing ones. */
function expectFields(
  object: Record<string, unknown>,
  path: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  const known = new Set([...required, ...optional]);
  const unknown = Object.keys(object).find((key) => !known.has(key));
  if (unknown !== undefined) {
    fail(join(path, unknown), `unknown field (expected only ${[...known].join(", ")})`);
  }
  const missing = required.find((key) => !Object.hasOwn(object, key));
  if (missing !== undefined) fail(join(path, missing), "missing field");
  return object;
}

/** A decimal string of an integer in `[min, 2^256 - 1]`: no sign, no leading zeros, no exponent. */
function parseUint(value: unknown, path: string, min = 0n): bigint {
  if (typeof value !== "string") {
    const hint =
      typeof value === "number" || typeof value === "bigint"
        ? " (write integers as decimal strings: JSON numbers lose precision above 2^53)"
        : "";
    fail(path, `expected a decimal string, got ${show(value)}${hint}`);
  }
  if (/^-\d+$/.test(value)) fail(path, `must not be negative (got ${show(value)})`);
  if (/^0\d+$/.test(value)) fail(path, `no leading zeros allowed (got ${show(value)})`);
  if (!/^(0|[1-9]\d*)$/.test(value))
    fail(path, `not a decimal integer string (got ${show(value)})`);
  // Compare lengths first: no huge string is ever converted.
  if (value.length > UINT256_MAX_DIGITS || BigInt(value) > UINT256_MAX) {
    fail(path, `out of range: at most 2^256 - 1 (got ${show(value)})`);
  }
  const parsed = BigInt(value);
  if (parsed < min) fail(path, `must be at least ${min} (got ${show(value)})`);
  return parsed;
}

function parseAddress(value: unknown, path: string): string {
  if (typeof value !== "string") fail(path, `expected an address string, got ${show(value)}`);
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    fail(path, `not an address: expected 0x and 40 hex digits (got ${show(value)})`);
  }
  const checksummed = getAddress(value.toLowerCase());
  if (value !== checksummed && value !== value.toLowerCase()) {
    fail(path, `bad address checksum (got ${show(value)}): write it checksummed or all lowercase`);
  }
  return checksummed;
}

/** `0x` then whole bytes in hex; returned lowercase. */
function parseBytes(value: unknown, path: string): string {
  if (typeof value !== "string") fail(path, `expected a hex string, got ${show(value)}`);
  if (!value.startsWith("0x")) fail(path, `hex must start with 0x (got ${show(value)})`);
  if (!/^0x[0-9a-fA-F]*$/.test(value)) fail(path, `not hex (got ${show(value)})`);
  if (value.length % 2 !== 0) {
    fail(path, `odd number of hex digits: not whole bytes (got ${show(value)})`);
  }
  return value.toLowerCase();
}

function parseBytes32(value: unknown, path: string): string {
  const bytes = parseBytes(value, path);
  if (bytes.length !== 66) {
    fail(path, `expected 32 bytes, got ${(bytes.length - 2) / 2} (${show(value)})`);
  }
  return bytes;
}

/** A relay signature: kind byte 0x00 (owner), or 0x01 then a 20-byte module address. */
function parseSignature(value: unknown, path: string): string {
  const signature = parseBytes(value, path);
  const kind = signature.slice(2, 4);
  if (kind !== "00" && kind !== "01") {
    fail(path, `must start with kind byte 0x00 (owner) or 0x01 (module) (got ${show(value)})`);
  }
  if (kind === "01" && signature.length < 2 + 2 * 21) {
    fail(path, `a module signature (0x01) must name the module's 20-byte address`);
  }
  return signature;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function fail(path: string, reason: string): never {
  throw new InvalidSignedIntentError({ path, reason });
}

/** A short description of a bad value for an error message. */
function show(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}n`;
  if (Array.isArray(value)) return "an array";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text =
      typeof value === "object" && value !== null ? "an object nested too deeply" : String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
