import { getBytes, isHexString } from "ethers";

import { InvalidParameterError } from "../../protocol/errors/invalidParameterError.js";
import type { OwnerKey } from "../../protocol/keys/keys.js";
import type { BytesInput, WebAuthnAssertion } from "../../protocol/keys/webAuthn.js";
import { passkeyKeySigner, type KeySigner } from "./keySigner.js";

/**
 * The part of the browser's `navigator.credentials` that signing with a passkey uses (typed here,
 * so that the SDK needs no DOM types): `get({ publicKey })` answers a `PublicKeyCredential` whose
 * `response` is the assertion.
 */
export interface WebAuthnCredentials {
  get(options: { publicKey: WebAuthnRequestOptions }): Promise<unknown>;
}

/** The `publicKey` options `browserPasskeyKeySigner` passes to `navigator.credentials.get`. */
export interface WebAuthnRequestOptions {
  challenge: Uint8Array;
  allowCredentials: Array<{ type: "public-key"; id: Uint8Array }>;
  rpId?: string;
  userVerification: "required" | "preferred" | "discouraged";
  timeout?: number;
}

export interface BrowserPasskeyKeySignerParameters {
  /** The passkey's key in the set: `webAuthnKey({ verifiers, publicKey })`. */
  key: OwnerKey;
  /** The credential's ID (`credential.rawId` when it was created), as bytes or hex. */
  credentialId: BytesInput;
  /** The relying party the passkey belongs to; the browser's default (the page's domain) when absent. */
  rpId?: string;
  /**
   * Whether the authenticator must verify the user (PIN, biometrics). `required` by default: the
   * wallet refuses assertions without the user-verified flag.
   */
  userVerification?: WebAuthnRequestOptions["userVerification"];
  /** How long the browser waits for the user, in milliseconds. */
  timeout?: number;
  /** `navigator.credentials` by default; give another (a test double, an iframe's) to use it. */
  credentials?: WebAuthnCredentials;
}

/**
 * A passkey of the set, in a browser: `passkeyKeySigner` whose assertion comes from
 * `navigator.credentials.get({ publicKey: { challenge: digest, allowCredentials: [credentialId],
 * rpId, userVerification } })`. Throws an `InvalidParameterError` for a bad key or credential ID,
 * or when there is no `navigator.credentials` (not a browser: pass `credentials`), and, when
 * signing, for an answer that is not an assertion.
 *
 * @example
 * const signer = browserPasskeyKeySigner({ key: passkey, credentialId: stored.rawId, rpId: "wallet.example.com" });
 * const signed = await signIntentWithKeys({ signers: [signer], intent, wallet, chainId });
 */
export function browserPasskeyKeySigner({
  key,
  credentialId,
  rpId,
  userVerification = "required",
  timeout,
  credentials = browserCredentials(),
}: BrowserPasskeyKeySignerParameters): KeySigner {
  const id = credentialBytes(credentialId);
  return passkeyKeySigner({
    key,
    getAssertion: async (challenge) => {
      const credential = await credentials.get({
        publicKey: {
          challenge,
          allowCredentials: [{ type: "public-key", id }],
          userVerification,
          ...(rpId === undefined ? {} : { rpId }),
          ...(timeout === undefined ? {} : { timeout }),
        },
      });
      return assertionOf(credential);
    },
  });
}

/** `navigator.credentials`, or an `InvalidParameterError` when there is none. */
function browserCredentials(): WebAuthnCredentials {
  const navigator = (globalThis as { navigator?: { credentials?: WebAuthnCredentials } }).navigator;
  const credentials = navigator?.credentials;
  if (typeof credentials?.get !== "function")
    throw new InvalidParameterError({
      parameter: "credentials",
      shortMessage:
        "there is no navigator.credentials here (not a browser): pass credentials, or use passkeyKeySigner with your own getAssertion",
    });
  return credentials;
}

/** The credential ID as bytes, checked. */
function credentialBytes(credentialId: BytesInput): Uint8Array {
  if (credentialId instanceof Uint8Array && credentialId.length > 0) return credentialId;
  if (credentialId instanceof ArrayBuffer && credentialId.byteLength > 0)
    return new Uint8Array(credentialId);
  if (isHexString(credentialId) && credentialId.length > 2) return getBytes(credentialId);
  throw new InvalidParameterError({
    parameter: "credentialId",
    shortMessage: `credentialId must be non-empty bytes or hex, got ${typeof credentialId === "string" ? credentialId : typeof credentialId}`,
  });
}

/** The assertion in a `PublicKeyCredential`, or an `InvalidParameterError`. */
function assertionOf(credential: unknown): WebAuthnAssertion {
  const response = (credential as { response?: Partial<WebAuthnAssertion> } | null)?.response;
  const fields = ["authenticatorData", "clientDataJSON", "signature"] as const;
  if (response == null || fields.some((field) => !isBytes(response[field])))
    throw new InvalidParameterError({
      parameter: "credentials",
      shortMessage: `navigator.credentials.get answered no assertion (a PublicKeyCredential with response.authenticatorData, clientDataJSON and signature), got ${credential === null ? "null" : typeof credential}`,
    });
  return response as WebAuthnAssertion;
}

/** Whether `value` is bytes as a browser or a test gives them. */
function isBytes(value: unknown): boolean {
  return (
    value instanceof ArrayBuffer ||
    value instanceof Uint8Array ||
    (typeof value === "string" && isHexString(value))
  );
}
