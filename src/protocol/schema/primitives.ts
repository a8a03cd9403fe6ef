import { z } from "zod";

import { checksummed } from "./checksum.js";
import { showValue } from "./show.js";

/**
 * The building blocks of every wire and stored schema: on-chain integers as decimal strings
 * (codecs to and from `bigint`), addresses, hex, IDs and relay signatures, each refusing bad
 * input with a reason a person can act on. Decoding reads JSON into the SDK's types; encoding
 * writes them back, checking them on the way.
 */

/** The largest uint256. */
export const UINT256_MAX = 2n ** 256n - 1n;
const UINT256_MAX_DIGITS = UINT256_MAX.toString().length; // 78

/**
 * An error function for zod: "missing field" when there is no value, else "expected `what`, got
 * <the value>" (`hint` appended).
 *
 * @example
 * z.array(call, { error: expected("an array") });
 */
export function expected(what: string, hint: (input: unknown) => string = () => "") {
  return (issue: { input?: unknown; code?: string; keys?: string[] }): string =>
    issue.input === undefined
      ? "missing field"
      : `expected ${what}, got ${showValue(issue.input)}${hint(issue.input)}`;
}

/**
 * A strict object: unknown fields are refused ("unknown field (expected only ...)", at the
 * unknown field's path), missing ones are "missing field", a non-object "expected an object".
 *
 * @example
 * const call = strictObject({ to: address, value: uint256(), data: hexBytes });
 */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const known = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown field (expected only ${known})`
        : expected("an object")(issue),
  });
}

/**
 * An array of `item`s ("expected an array" otherwise), at most `max` long when given.
 *
 * @example
 * const calls = arrayOf(call).min(1, "an intent needs at least one call");
 */
export function arrayOf<Item extends z.ZodType>(item: Item) {
  return z.array(item, { error: expected("an array") });
}

const integerHint = (input: unknown) =>
  typeof input === "number" || typeof input === "bigint"
    ? " (write integers as decimal strings: JSON numbers lose precision above 2^53)"
    : "";

/** The JSON side of an integer: a decimal string of `[min, 2^bits - 1]`, no sign, no leading zero. */
function decimalString(bits: number, min: bigint) {
  return z.string({ error: expected("a decimal string", integerHint) }).check((context) => {
    const reason = decimalStringProblem(context.value, bits, min);
    if (reason !== undefined) {
      context.issues.push({ code: "custom", message: reason, input: context.value });
    }
  });
}

/** Why `value` is no decimal string of an integer in `[min, 2^bits - 1]`, or undefined. */
function decimalStringProblem(value: string, bits: number, min: bigint): string | undefined {
  const shown = showValue(value);
  if (/^-\d+$/.test(value)) return `must not be negative (got ${shown})`;
  if (/^0\d+$/.test(value)) return `no leading zeros allowed (got ${shown})`;
  if (!/^(0|[1-9]\d*)$/.test(value)) return `not a decimal integer string (got ${shown})`;
  // Compare lengths first: no huge string is ever converted.
  if (value.length > UINT256_MAX_DIGITS || BigInt(value) >= 2n ** BigInt(bits)) {
    return `out of range: at most 2^${bits} - 1 (got ${shown})`;
  }
  if (BigInt(value) < min) return `must be at least ${min} (got ${shown})`;
  return undefined;
}

/**
 * An on-chain integer of `bits` bits: a decimal string in JSON, a `bigint` in the SDK, in
 * `[min, 2^bits - 1]`. JSON numbers are refused (they lose precision above 2^53).
 *
 * @example
 * uint(48).decode("1700000000"); // 1700000000n
 * z.encode(uint(48), 1700000000n); // "1700000000"
 */
export function uint(bits: number, min = 0n) {
  return z.codec(
    decimalString(bits, min),
    z
      .bigint({ error: expected("a bigint") })
      .min(min)
      .max(2n ** BigInt(bits) - 1n),
    { decode: (text) => BigInt(text), encode: (value) => value.toString(10) },
  );
}

/**
 * A uint256: see `uint`.
 *
 * @example
 * uint256().decode("42"); // 42n
 * z.encode(uint256(), 42n); // "42"
 */
export function uint256(min = 0n) {
  return uint(256, min);
}

/**
 * An integer as people type it (a command-line option, a hand-written file): a decimal or `0x`
 * hex string, or a JSON number that is a safe integer; a uint256 `bigint` once read. Read-only:
 * what the SDK writes is always `uint256()`'s decimal string.
 *
 * @example
 * lenientUint256.parse("0x10"); // 16n
 */
export const lenientUint256 = z
  .union([z.string(), z.number()], {
    error: expected("an unsigned integer (decimal or 0x hex)"),
  })
  .transform((input, context) => {
    const text = typeof input === "number" ? String(input) : input.trim();
    const valid =
      typeof input === "number"
        ? Number.isSafeInteger(input) && input >= 0
        : /^(\d+|0x[0-9a-fA-F]+)$/.test(text);
    const value = valid ? BigInt(text) : undefined;
    if (value === undefined || value > UINT256_MAX) {
      context.issues.push({
        code: "custom",
        message: `expected an unsigned integer (decimal or 0x hex) of at most 2^256 - 1, got ${showValue(input)}`,
        input,
      });
      return z.NEVER;
    }
    return value;
  });

/**
 * An address: `0x` and 40 hex digits, checksummed or all lowercase; checksummed when decoded.
 *
 * @example
 * address.decode("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"); // "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
 */
export const address = z.codec(
  z.string({ error: expected("an address string") }).check((context) => {
    const reason = addressProblem(context.value);
    if (reason !== undefined)
      context.issues.push({ code: "custom", message: reason, input: context.value });
  }),
  z.string(),
  { decode: (text) => checksummed(text), encode: (text) => text },
);

/** Why `value` is no address in checksummed or lowercase form, or undefined. */
function addressProblem(value: string): string | undefined {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    return `not an address: expected 0x and 40 hex digits (got ${showValue(value)})`;
  }
  if (value !== value.toLowerCase() && value !== checksummed(value)) {
    return `bad address checksum (got ${showValue(value)}): write it checksummed or all lowercase`;
  }
  return undefined;
}

/** Why `value` is no `0x`-prefixed hex of whole bytes, or undefined. */
function hexProblem(value: string): string | undefined {
  if (!value.startsWith("0x")) return `hex must start with 0x (got ${showValue(value)})`;
  if (!/^0x[0-9a-fA-F]*$/.test(value)) return `not hex (got ${showValue(value)})`;
  if (value.length % 2 !== 0) {
    return `odd number of hex digits: not whole bytes (got ${showValue(value)})`;
  }
  return undefined;
}

/**
 * Hex of whole bytes, `0x` first, checked by `extra` once it is hex; lowercase when decoded.
 *
 * @example
 * const bytes4 = hex((bytes) => (bytes.length === 10 ? undefined : "expected 4 bytes"));
 */
export function hex(extra: (lowercase: string) => string | undefined = () => undefined) {
  return z.codec(
    z.string({ error: expected("a hex string") }).check((context) => {
      const reason = hexProblem(context.value) ?? extra(context.value.toLowerCase());
      if (reason !== undefined) {
        context.issues.push({ code: "custom", message: reason, input: context.value });
      }
    }),
    z.string(),
    { decode: (text) => text.toLowerCase(), encode: (text) => text },
  );
}

/** Hex of whole bytes (`0x` for none); lowercase when decoded. */
export const hexBytes = hex();

/**
 * 32 bytes of hex: an intent ID, a session ID, a dependency.
 *
 * @example
 * bytes32.parse("0x" + "AB".repeat(32)); // lowercase
 */
export const bytes32 = hex((bytes) =>
  bytes.length === 66
    ? undefined
    : `expected 32 bytes, got ${(bytes.length - 2) / 2} (${showValue(bytes)}): write 0x and 64 hex digits`,
);

/**
 * A relay signature: kind byte 0x00 (owner) then the owner's signature, 0x01 then a 20-byte
 * module address and the module's data, or 0x02 then the entries of keys of the wallet's key set.
 *
 * @example
 * relaySignature.parse("0x00" + ownerSignature.slice(2));
 */
export const relaySignature = hex((signature) => {
  const kind = signature.slice(2, 4);
  if (kind !== "00" && kind !== "01" && kind !== "02") {
    return `must start with kind byte 0x00 (owner), 0x01 (module) or 0x02 (key set) (got ${showValue(signature)})`;
  }
  if (kind === "01" && signature.length < 2 + 2 * 21) {
    return "a module signature (0x01) must name the module's 20-byte address";
  }
  if (kind === "02" && signature.length === 4) {
    return "a key-set signature (0x02) must carry at least one key's signature";
  }
  return undefined;
});
