import { z } from "zod";

import type { InvalidDocumentErrorParameters } from "../errors/invalidDocumentError.js";
import { InvalidSignedIntentError } from "../errors/invalidDocumentErrors.js";
import { MAX_OWNER_KEY_BYTES } from "../keys/keySet.js";
import { MAX_OWNER_KEYS } from "../keys/keySetSignature.js";
import {
  address,
  arrayOf,
  bytes32,
  hex,
  hexBytes,
  relaySignature,
  strictObject,
  uint,
  uint256,
} from "../schema/primitives.js";
import { decodeDocument, encodeDocument } from "../schema/document.js";
import { showValue } from "../schema/show.js";
import { getIntentId } from "./hash.js";
import type { WalletAuthorization } from "../wallet/authorization.js";
import type { KeySetWalletCreation, SignedIntent, WalletCreation } from "./types.js";
import { isKeySetCreation } from "./types.js";

/** The version of the JSON form of a signed intent that this SDK writes and reads. */
export const SIGNED_INTENT_JSON_VERSION = 2;

/**
 * A signed intent with, optionally, the wallet's intent epoch it was signed for. The ID depends
 * on the epoch (it is the domain's salt); absent means 0, the epoch of a wallet that never
 * invalidated all its intents.
 */
export type SerializableSignedIntent = SignedIntent & { epoch?: bigint };

const callJson = strictObject({ to: address, value: uint256(), data: hexBytes });
const dependencyJson = strictObject({ wallet: address, id: bytes32 });
/** A key of a key set: an address (20 bytes), or a verifier and a public key. */
const ownerKeyJson = hex((key) => {
  const bytes = (key.length - 2) / 2;
  if (bytes >= 20 && bytes <= MAX_OWNER_KEY_BYTES) return undefined;
  return `expected a key of 20 to ${MAX_OWNER_KEY_BYTES} bytes (an address, or a verifier and a public key), got ${bytes} bytes`;
});

/**
 * A wallet's creation: `{ factory, owner, salt }` for a wallet of one owner, or
 * `{ factory, keys, threshold, salt }` for one owned by a key set; one form, not both.
 */
const walletCreationJson = strictObject({
  factory: address,
  owner: address.optional(),
  keys: arrayOf(ownerKeyJson)
    .min(1, "a key set has at least one key")
    .max(MAX_OWNER_KEYS, `a key set has at most ${MAX_OWNER_KEYS} keys`)
    .optional(),
  threshold: uint256(1n).optional(),
  salt: uint256(),
}).check((context) => {
  const problem = creationFormProblem(context.value);
  if (problem !== undefined) {
    context.issues.push({ code: "custom", ...problem, input: context.value });
  }
});

/** Why `create` is neither form, at which field: owner alone, or keys with threshold. */
function creationFormProblem(create: {
  owner?: unknown;
  keys?: unknown;
  threshold?: unknown;
}): { path: string[]; message: string } | undefined {
  const { owner, keys, threshold } = create;
  if (owner !== undefined && (keys !== undefined || threshold !== undefined)) {
    const extra = keys !== undefined ? "keys" : "threshold";
    return {
      path: [extra],
      message: "give owner (one owner) or keys and threshold (a key set), not both",
    };
  }
  if (owner !== undefined) return undefined;
  if (keys === undefined && threshold === undefined) {
    return { path: ["owner"], message: "missing field (or keys and threshold, for a key set)" };
  }
  if (keys === undefined) return { path: ["keys"], message: "missing field (with threshold)" };
  if (threshold === undefined) return { path: ["threshold"], message: "missing field (with keys)" };
  return undefined;
}
/** An integer of `bits` bits kept as its decimal string once read, as `WalletAuthorization` holds it. */
function decimalText(bits: number) {
  return z.codec(uint(bits), z.string(), {
    decode: (value) => value.toString(10),
    encode: (text) => BigInt(text),
  });
}

/**
 * An EOA's EIP-7702 authorization (`WalletAuthorization`): the chain (decimal, "0" for every
 * chain), the delegate, the EOA's nonce (decimal, 64 bits), and the signature's `yParity`
 * (0 or 1), `r` and `s` (32 bytes each).
 */
const walletAuthorizationJson = strictObject({
  chainId: decimalText(256),
  address,
  nonce: decimalText(64),
  yParity: z.union([z.literal(0), z.literal(1)], { error: "expected the number 0 or 1" }),
  r: bytes32,
  s: bytes32,
});

const intentJson = strictObject({
  calls: arrayOf(callJson).min(1, "an intent needs at least one call"),
  dependencies: arrayOf(dependencyJson),
  salt: uint256(),
  validAfter: uint256(),
  expiration: uint256(),
  maxGasPrice: uint256(),
  minGasLimit: uint256(),
});

/**
 * The JSON form of a signed intent (version 2, intent format v2 with `validAfter`), as a zod
 * codec: `decode` reads JSON into a signed intent, `z.encode` writes one. Every integer is a
 * decimal string (JSON numbers are doubles), addresses are checksummed or lowercase (checksummed
 * when read), hex is whole bytes (lowercase when read), `epoch` is optional (absent: 0), and so
 * is `create` (how to deploy a wallet that does not exist yet, for one owner or a key set; not
 * part of the ID), and so is `authorization` (an EOA's EIP-7702 authorization of the
 * implementation, to make it a wallet on first use; not part of the ID). The body of
 * `POST /v1/intents`, and what the relayer stores. `parseSignedIntent` adds the version check
 * and the ID check.
 *
 * @example
 * const signed = signedIntentJsonSchema.decode(JSON.parse(text));
 */
export const signedIntentJsonSchema = strictObject({
  version: z.literal(SIGNED_INTENT_JSON_VERSION),
  wallet: address,
  chainId: uint256(1n),
  epoch: uint256().optional(),
  intent: intentJson,
  id: bytes32,
  signature: relaySignature,
  create: walletCreationJson.optional(),
  authorization: walletAuthorizationJson.optional(),
});

/** A call in JSON: the value as a decimal string. */
export type CallJson = z.input<typeof callJson>;
/** A dependency in JSON. */
export type DependencyJson = z.input<typeof dependencyJson>;
/** An EIP-7702 authorization in JSON. */
export type WalletAuthorizationJson = z.input<typeof walletAuthorizationJson>;
/** A wallet's creation in JSON: the salt as a decimal string. */
export type WalletCreationJson = z.input<typeof walletCreationJson>;
/** An intent in JSON: every integer as a decimal string. */
export type IntentJson = z.input<typeof intentJson>;
/** The JSON form of a signed intent: see `signedIntentJsonSchema`. */
export type SignedIntentJson = z.input<typeof signedIntentJsonSchema>;

/**
 * The JSON object of a signed intent (version 2), e.g. the body of `POST /v1/intents`: integers
 * as decimal strings, `epoch` and `create` written only when `signed` has them. Throws an
 * `InvalidSignedIntentError` naming the first bad field for a value of the wrong type or range;
 * the ID is not checked here (`serializeSignedIntent` does).
 *
 * @example
 * const body = JSON.stringify(toSignedIntentJson(signed));
 */
export function toSignedIntentJson(signed: SerializableSignedIntent): SignedIntentJson {
  const { intent, wallet, chainId, id, signature, epoch, create, authorization } = signed;
  const document = {
    version: SIGNED_INTENT_JSON_VERSION,
    wallet,
    chainId,
    ...(epoch === undefined ? {} : { epoch }),
    intent: intentFields(intent),
    id,
    signature,
    ...(create === undefined ? {} : { create: creationFields(create) }),
    ...(authorization === undefined ? {} : { authorization: authorizationFields(authorization) }),
  };
  return encodeDocument(signedIntentJsonSchema, document, invalidSignedIntent);
}

/** The fields of an intent and its calls and dependencies, nothing else they might carry. */
function intentFields(intent: SignedIntent["intent"]): unknown {
  if (typeof intent !== "object" || intent === null) return intent;
  const { calls, dependencies, salt, validAfter, expiration, maxGasPrice, minGasLimit } = intent;
  return {
    calls: Array.isArray(calls) ? calls.map((call) => pick(call, ["to", "value", "data"])) : calls,
    dependencies: Array.isArray(dependencies)
      ? dependencies.map((dependency) => pick(dependency, ["wallet", "id"]))
      : dependencies,
    salt,
    validAfter,
    expiration,
    maxGasPrice,
    minGasLimit,
  };
}

/** The fields of `create`'s form, nothing else it might carry. */
function creationFields(create: WalletCreation | KeySetWalletCreation): unknown {
  if (typeof create !== "object" || create === null) return create;
  return isKeySetCreation(create)
    ? pick(create, ["factory", "keys", "threshold", "salt"])
    : pick(create, ["factory", "owner", "salt"]);
}

/** The fields of an authorization, nothing else it might carry. */
function authorizationFields(authorization: WalletAuthorization): unknown {
  return pick(authorization, ["chainId", "address", "nonce", "yParity", "r", "s"]);
}

/** A decoded `create` as its form: one owner, or a key set (the schema checked it is one of them). */
function creationOf(
  create: z.output<typeof walletCreationJson>,
): WalletCreation | KeySetWalletCreation {
  const { factory, owner, keys, threshold, salt } = create;
  if (owner !== undefined) return { factory, owner, salt };
  return { factory, keys: keys!, threshold: threshold!, salt };
}

function pick(value: unknown, keys: string[]): unknown {
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(keys.map((key) => [key, (value as Record<string, unknown>)[key]]));
}

/**
 * Serializes a signed intent to JSON text (version 2): integers as decimal strings (converted
 * here, not through a global `BigInt.prototype.toJSON`), addresses checksummed, hex lowercase.
 * `epoch` is written when `signed` has one (even 0), and `create` when it has one, so that
 * `parseSignedIntent` gives back an equal object; fields other than those of `SignedIntentJson`
 * are not written. Throws an
 * `InvalidSignedIntentError` for anything `parseSignedIntent` would refuse, so what this writes
 * always parses, including an ID that does not match the intent.
 *
 * @example
 * const signed = await signIntent({ signer: owner, intent, wallet, chainId: 31337n });
 * await fetch(`${relayerUrl}/v1/intents`, { method: "POST", body: serializeSignedIntent(signed) });
 */
export function serializeSignedIntent(signed: SerializableSignedIntent): string {
  return JSON.stringify(toSignedIntentJson(parseSignedIntent(toSignedIntentJson(signed))));
}

/**
 * Parses and validates a signed intent in JSON (a string, or the value `JSON.parse` gave).
 * Checks everything: version 2 (a version 1 document, of the format before `validAfter`, is
 * refused: its signature is not valid for any wallet of this version); no missing and no
 * unknown fields, at every level; addresses (checksummed or lowercase; returned checksummed);
 * hex of whole bytes (returned lowercase); integers as decimal strings without sign or leading
 * zeros, at most 2^256 - 1; `chainId > 0`; at least one call; 32-byte IDs; a signature that
 * starts with a known kind byte; `create`, when present, with its factory, owner and salt, or
 * its factory, keys (1 to 32) and threshold (at least 1) and salt; `authorization`, when
 * present, with its chainId, address, nonce (64 bits), yParity (0 or 1), r and s, and never
 * with `create`; and
 * that `id` is the intent's ID on `wallet`, `chainId` and `epoch` (0 when absent). Whether
 * `create` deploys `wallet` is not checked here: that needs the factory's implementation (a
 * relayer checks it). Throws an `InvalidSignedIntentError` naming the first bad field
 * (`path`) and what is wrong (`reason`). `parseSignedIntent(serializeSignedIntent(x))`
 * deep-equals `x` when `x`'s addresses are checksummed and its hex is lowercase (as the SDK
 * produces them).
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
  const document =
    typeof json === "string" ? decodeDocument(z.unknown(), json, invalidSignedIntent) : json;
  checkVersion(document);
  const decoded = decodeDocument(signedIntentJsonSchema, document, invalidSignedIntent);
  const { version: _version, epoch, create, authorization, ...signed } = decoded;
  if (create !== undefined && authorization !== undefined) {
    fail(
      "authorization",
      "give create (to deploy a wallet) or authorization (to delegate an EOA to the implementation), not both",
    );
  }
  const expectedId = getIntentId({ ...signed, epoch: epoch ?? 0n });
  if (signed.id !== expectedId) {
    throw new InvalidSignedIntentError({
      path: "id",
      reason:
        `does not match the intent: its ID on wallet ${signed.wallet}, chain ${signed.chainId}, ` +
        `epoch ${epoch ?? 0n} is ${expectedId}` +
        (epoch === undefined ? " (if the wallet's intent epoch is not 0, include `epoch`)" : ""),
    });
  }
  return {
    ...signed,
    ...(epoch === undefined ? {} : { epoch }),
    ...(create === undefined ? {} : { create: creationOf(create) }),
    ...(authorization === undefined ? {} : { authorization }),
  };
}

/**
 * Refuses, before anything else, a document of another version: its other fields would only
 * raise confusing errors. Version 1 (before `validAfter`) gets its own explanation.
 */
function checkVersion(document: unknown): void {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    fail("", `expected an object, got ${showValue(document)}`);
  }
  if (!Object.hasOwn(document, "version")) fail("version", "missing field (expected 2)");
  const version = (document as { version: unknown }).version;
  if (typeof version !== "number")
    fail("version", `expected the number 2, got ${showValue(version)}`);
  if (version === 1) {
    fail(
      "version",
      "version 1 is the intent format before validAfter: wallets of this version never accept it; sign the intent again",
    );
  }
  if (version !== SIGNED_INTENT_JSON_VERSION) {
    fail("version", `unsupported version ${showValue(version)} (this SDK reads version 2)`);
  }
}

function invalidSignedIntent(parameters: InvalidDocumentErrorParameters): InvalidSignedIntentError {
  return new InvalidSignedIntentError(parameters);
}

function fail(path: string, reason: string): never {
  throw new InvalidSignedIntentError({ path, reason });
}
