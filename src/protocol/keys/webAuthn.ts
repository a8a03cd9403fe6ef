import { concat, getBytes, hexlify, isHexString, toBeHex, toUtf8String } from "ethers";

import { InvalidParameterError } from "../errors/invalidParameterError.js";
import type { P256PublicKey } from "./keys.js";

/** The order of P-256: a signature's `s` above half of it is refused on chain (malleability). */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/**
 * How WebAuthn serializes an assertion's client data up to its challenge: the wallet rebuilds this
 * start and the challenge, and takes the client data only from the challenge's closing quote.
 */
export const WEB_AUTHN_CLIENT_DATA_START = '{"type":"webauthn.get","challenge":"';

/** Characters of a 32-byte challenge in base64url, without padding: what the wallet rebuilds. */
const CHALLENGE_CHARACTERS = 43;

/** The longest authenticator data the compact form holds (its length is a uint16). */
const MAX_AUTHENTICATOR_DATA_LENGTH = 0xffff;

/** Bytes, as hex or as the browser gives them. */
export type BytesInput = string | Uint8Array | ArrayBuffer;

/** What a browser's `navigator.credentials.get` returns in `response`, or an authenticator made in code. */
export interface WebAuthnAssertion {
  /** `response.authenticatorData`: rpIdHash (32), flags (1), counter (4), extensions. */
  authenticatorData: BytesInput;
  /** `response.clientDataJSON`: the UTF-8 JSON with `type`, `challenge` and `origin`. */
  clientDataJSON: BytesInput;
  /** `response.signature`: the ASN.1 DER P-256 signature of `authenticatorData ‖ sha256(clientDataJSON)`. */
  signature: BytesInput;
}

/**
 * A passkey's signature as the wallet and its passkey verifier take it, packed:
 * `r (32) ‖ s (32) ‖ authenticatorDataLength (2) ‖ authenticatorData ‖ the client data after its
 * challenge`. `r` and `s` come from the DER signature (`s` moved to the lower half, as the chain
 * requires; both halves verify). The client data must start as WebAuthn serializes it,
 * `{"type":"webauthn.get","challenge":"` and 43 base64url characters (a 32-byte challenge): the
 * wallet rebuilds that start from the digest it checks, so it is not sent, and an assertion of
 * another digest fails there. Throws an `InvalidParameterError` for client data that starts
 * otherwise, and for authenticator data shorter than 37 or longer than 65,535 bytes.
 *
 * @example
 * const credential = await navigator.credentials.get({ publicKey: { challenge: getBytes(id), allowCredentials } });
 * const signature = encodeWebAuthnSignature(credential.response);
 */
export function encodeWebAuthnSignature(assertion: WebAuthnAssertion): string {
  const clientData = bytesOf(assertion.clientDataJSON, "clientDataJSON");
  const authenticatorData = bytesOf(assertion.authenticatorData, "authenticatorData");
  const { r, s } = parseDerSignature(bytesOf(assertion.signature, "signature"));
  const challengeEnd = WEB_AUTHN_CLIENT_DATA_START.length + CHALLENGE_CHARACTERS;
  const start = new TextDecoder().decode(clientData.subarray(0, challengeEnd + 1));
  if (!/^\{"type":"webauthn\.get","challenge":"[A-Za-z0-9_-]{43}"$/.test(start))
    throw new InvalidParameterError({
      parameter: "clientDataJSON",
      shortMessage: `clientDataJSON does not start with ${WEB_AUTHN_CLIENT_DATA_START} and a 43-character challenge`,
    });
  if (authenticatorData.length < 37 || authenticatorData.length > MAX_AUTHENTICATOR_DATA_LENGTH)
    throw new InvalidParameterError({
      parameter: "authenticatorData",
      shortMessage: `authenticatorData is ${authenticatorData.length} bytes, not 37 to ${MAX_AUTHENTICATOR_DATA_LENGTH}`,
    });
  return concat([
    toBeHex(r, 32),
    toBeHex(lowS(s), 32),
    toBeHex(authenticatorData.length, 2),
    authenticatorData,
    clientData.subarray(challengeEnd),
  ]);
}

/**
 * The challenge a passkey must sign for the wallet to accept it: the 32-byte digest (an intent
 * ID, a session ID, a replay-safe hash) as bytes, which the browser puts in the client data as
 * base64url.
 *
 * @example
 * await navigator.credentials.get({ publicKey: { challenge: webAuthnChallenge(id), rpId } });
 */
export function webAuthnChallenge(digest: string): Uint8Array {
  if (!isHexString(digest, 32))
    throw new InvalidParameterError({
      parameter: "digest",
      shortMessage: `digest ${digest} is not 32 bytes of hex`,
    });
  return getBytes(digest);
}

/**
 * A raw P-256 key's signature as the wallet takes it (OpenZeppelin's `ERC7913P256Verifier`):
 * `r ‖ s`, 64 bytes, with `s` moved to the lower half of the order (both halves verify, the chain
 * takes only the lower). Throws an `InvalidParameterError` for `r` or `s` outside [1, n).
 *
 * @example
 * const { r, s } = p256.sign(getBytes(digest), privateKey, { prehash: false }); // @noble/curves
 * const signature = encodeP256Signature({ r, s });
 */
export function encodeP256Signature({ r, s }: { r: bigint; s: bigint }): string {
  for (const [name, value] of [
    ["r", r],
    ["s", s],
  ] as const) {
    if (typeof value !== "bigint" || value <= 0n || value >= P256_ORDER)
      throw new InvalidParameterError({
        parameter: name,
        shortMessage: `${name} ${String(value)} is not a P-256 signature scalar (a bigint in [1, n))`,
      });
  }
  return concat([toBeHex(r, 32), toBeHex(lowS(s), 32)]);
}

/**
 * The challenge an assertion signed, read from its client data (base64url there) as hex: for the
 * wallet to accept it, the digest asked for (`webAuthnChallenge`). Throws an
 * `InvalidParameterError` for client data that is not UTF-8 JSON with a base64url `challenge`.
 *
 * @example
 * if (readWebAuthnChallenge(credential.response.clientDataJSON) !== id) throw new Error("wrong challenge");
 */
export function readWebAuthnChallenge(clientDataJSON: BytesInput): string {
  let challenge: unknown;
  try {
    const json = toUtf8String(bytesOf(clientDataJSON, "clientDataJSON"));
    challenge = (JSON.parse(json) as { challenge?: unknown }).challenge;
  } catch (cause) {
    throw new InvalidParameterError({
      parameter: "clientDataJSON",
      shortMessage: "clientDataJSON is not UTF-8 JSON",
      cause,
    });
  }
  if (typeof challenge !== "string" || !/^[A-Za-z0-9_-]*$/.test(challenge))
    throw new InvalidParameterError({
      parameter: "clientDataJSON",
      shortMessage: `clientDataJSON's challenge ${String(challenge)} is not base64url`,
    });
  const base64 = challenge.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "="));
  return hexlify(Uint8Array.from(binary, (character) => character.charCodeAt(0)));
}

/**
 * `r` and `s` of an ASN.1 DER ECDSA signature (`SEQUENCE { INTEGER r, INTEGER s }`).
 *
 * @example
 * const { r, s } = parseDerSignature(credential.response.signature);
 */
export function parseDerSignature(der: BytesInput): { r: bigint; s: bigint } {
  const bytes = bytesOf(der, "signature");
  const fail = (why: string): never => {
    throw new InvalidParameterError({
      parameter: "signature",
      shortMessage: `not a DER ECDSA signature: ${why}`,
    });
  };
  if (bytes[0] !== 0x30 || bytes[1] !== bytes.length - 2) fail("no SEQUENCE spanning the bytes");
  let offset = 2;
  const integer = (): bigint => {
    if (bytes[offset] !== 0x02) fail(`no INTEGER at byte ${offset}`);
    const length = bytes[offset + 1]!;
    if (length === 0 || length > 33 || offset + 2 + length > bytes.length)
      fail(`bad INTEGER length at byte ${offset}`);
    const value = BigInt(hexlify(bytes.subarray(offset + 2, offset + 2 + length)));
    offset += 2 + length;
    return value;
  };
  const r = integer();
  const s = integer();
  if (offset !== bytes.length) fail("bytes after the two INTEGERs");
  if (r === 0n || r >= P256_ORDER || s === 0n || s >= P256_ORDER) fail("r or s out of range");
  return { r, s };
}

/**
 * The P-256 public key in a SubjectPublicKeyInfo (what `AuthenticatorAttestationResponse.getPublicKey()`
 * returns for an ES256 credential): its uncompressed point `04 ‖ x ‖ y`, the last 65 bytes.
 *
 * @example
 * const publicKey = p256PublicKeyFromSpki(credential.response.getPublicKey());
 */
export function p256PublicKeyFromSpki(spki: BytesInput): P256PublicKey {
  const bytes = bytesOf(spki, "spki");
  const point = bytes.subarray(bytes.length - 65);
  if (bytes.length < 65 || point[0] !== 0x04)
    throw new InvalidParameterError({
      parameter: "spki",
      shortMessage: "not an uncompressed P-256 public key (SPKI ending in 04 ‖ x ‖ y)",
    });
  return { x: BigInt(hexlify(point.subarray(1, 33))), y: BigInt(hexlify(point.subarray(33, 65))) };
}

/** `s` in the lower half of the order. */
function lowS(s: bigint): bigint {
  return s > P256_ORDER / 2n ? P256_ORDER - s : s;
}

/** `input` as bytes: hex, a `Uint8Array` or an `ArrayBuffer` (as browsers return them). */
function bytesOf(input: BytesInput, parameter: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (typeof input === "string" && isHexString(input)) return getBytes(input);
  throw new InvalidParameterError({
    parameter,
    shortMessage: `${parameter} is neither hex nor bytes`,
  });
}
