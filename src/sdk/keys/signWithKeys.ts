import { getIntentId, getReplaySafeHash } from "../../protocol/intent/hash.js";
import type {
  Intent,
  IntentDomainParameters,
  KeySetWalletCreation,
  SignedIntent,
  WalletCreation,
} from "../../protocol/intent/types.js";
import { InvalidParameterError } from "../../protocol/errors/invalidParameterError.js";
import type { KeySet } from "../../protocol/keys/keySet.js";
import type { KeySignature } from "../../protocol/keys/keySetSignature.js";
import { getSessionId } from "../../protocol/session/hash.js";
import type {
  SessionDomainParameters,
  SessionGrant,
  SignedSessionGrant,
} from "../../protocol/session/types.js";
import {
  hashTypedDataRequest,
  intentTypedData,
  messageTypedData,
  sessionGrantTypedData,
  type TypedDataRequest,
} from "../signers/typedData.js";
import { combineKeySignatureEntries, combineKeySignatures } from "./combine.js";
import type { KeySigner } from "./keySigner.js";

/** The keys that sign, and optionally the key set they belong to. */
export interface KeySignersParameters {
  /** The keys that sign, asked one after the other (each may prompt its user). */
  signers: readonly KeySigner[];
  /**
   * The wallet's key set (`readOwnerKeys`), when known: a key outside it, or fewer signers than
   * its threshold, is refused before anything is sent.
   */
  keySet?: KeySet;
}

export interface SignTypedDataWithKeysParameters extends Pick<KeySignersParameters, "signers"> {
  /** What is signed: `intentTypedData`, `sessionGrantTypedData` or `messageTypedData`. */
  request: TypedDataRequest;
}

/** The digest signed, and each signer's signature of it (in the signers' order). */
export interface SignTypedDataWithKeysReturnType {
  digest: string;
  signatures: KeySignature[];
}

/**
 * Has every signer sign `request`, one after the other, and returns their signatures, to combine
 * here or send to the device that combines them (`keySignatureToJson`, `combineKeySignatures`).
 * Throws an `InvalidParameterError` for an empty list or a signer without `sign`.
 *
 * @example
 * const request = intentTypedData({ intent, wallet, chainId });
 * const { digest, signatures } = await signTypedDataWithKeys({ signers: [phone], request });
 */
export async function signTypedDataWithKeys({
  signers,
  request,
}: SignTypedDataWithKeysParameters): Promise<SignTypedDataWithKeysReturnType> {
  if (!Array.isArray(signers) || signers.length === 0)
    throw new InvalidParameterError({
      parameter: "signers",
      shortMessage: "at least one key must sign: signers is empty",
    });
  signers.forEach((signer: unknown, index) => {
    if (typeof (signer as Partial<KeySigner> | null)?.sign !== "function")
      throw new InvalidParameterError({
        parameter: `signers[${index}]`,
        shortMessage: `signers[${index}] is no KeySigner (make it with secp256k1KeySigner, passkeyKeySigner, p256KeySigner or erc1271KeySigner)`,
      });
  });
  const digest = hashTypedDataRequest(request);
  const signatures: KeySignature[] = [];
  for (const signer of signers) signatures.push(await signer.sign({ request, digest }));
  return { digest, signatures };
}

export type SignIntentWithKeysParameters = KeySignersParameters &
  IntentDomainParameters & {
    intent: Intent;
    /**
     * The wallet's creation, for a wallet that does not exist yet: a relayer creates it with
     * this first intent (`WalletClient.creation`).
     */
    create?: WalletCreation | KeySetWalletCreation;
  };

/**
 * Signs an intent with keys of the wallet's key set: each signer signs its EIP-712 typed data
 * (the ID), and the relay signature is `toKeySetSignature` of their signatures. The same
 * `SignedIntent` as `signIntent` returns, for `WalletClient.relay`. Throws an
 * `InvalidParameterError` for an empty or bad signer list, a key that signs twice, and, with
 * `keySet`, a key outside it or fewer signers than its threshold.
 *
 * @example
 * const signed = await signIntentWithKeys({
 *   signers: [secp256k1KeySigner(laptop), passkeyKeySigner({ key: passkey, getAssertion })],
 *   intent, wallet, chainId: 31337n,
 * });
 * await WalletClient.at(wallet, relayer).relay(signed);
 */
export async function signIntentWithKeys({
  signers,
  keySet,
  intent,
  create,
  ...domain
}: SignIntentWithKeysParameters): Promise<SignedIntent> {
  const id = getIntentId({ intent, ...domain });
  const { signatures } = await signTypedDataWithKeys({
    signers,
    request: intentTypedData({ intent, ...domain }),
  });
  return {
    intent,
    wallet: domain.wallet,
    chainId: domain.chainId,
    epoch: domain.epoch ?? 0n,
    id,
    signature: combineKeySignatures({ id, signatures, ...(keySet ? { keySet } : {}) }),
    ...(create === undefined ? {} : { create }),
  };
}

export type SignSessionGrantWithKeysParameters = KeySignersParameters &
  SessionDomainParameters & {
    grant: SessionGrant;
  };

/**
 * Signs a session grant with keys of the wallet's key set: each signer signs its EIP-712 typed
 * data (the session ID), and the grant's owner signature is their entries
 * (`encodeKeySignatures`, without a kind byte), which the module checks with the wallet's
 * `isOwnerAuthorized`. Register it like any signed grant (`registerSessionCall`, or carried by a
 * `SessionSigner`'s first intent). Throws an `InvalidParameterError` as `signIntentWithKeys` does.
 *
 * @example
 * const signedGrant = await signSessionGrantWithKeys({ signers, grant, module, chainId: 31337n });
 * const session = new SessionSigner({ sessionKey, signedGrant });
 */
export async function signSessionGrantWithKeys({
  signers,
  keySet,
  grant,
  ...domain
}: SignSessionGrantWithKeysParameters): Promise<SignedSessionGrant> {
  const id = getSessionId({ grant, ...domain });
  const { signatures } = await signTypedDataWithKeys({
    signers,
    request: sessionGrantTypedData({ grant, ...domain }),
  });
  const ownerSignature = combineKeySignatureEntries({
    digest: id,
    signatures,
    ...(keySet ? { keySet } : {}),
  });
  return { ...domain, grant, id, ownerSignature };
}

export type SignMessageWithKeysParameters = KeySignersParameters &
  Omit<IntentDomainParameters, "epoch"> & {
    /** The 32-byte hash an app asks the wallet to accept (an order, a permit, an EIP-712 digest). */
    hash: string;
  };

/** An ERC-1271 signature by keys: what `isValidSignature(hash, signature)` takes. */
export interface SignMessageWithKeysReturnType {
  /** The wallet's `replaySafeHash(hash)`, which the keys signed. */
  replaySafeHash: string;
  /** The keys' entries, for `isValidSignature(hash, signature)`. */
  signature: string;
}

/**
 * Signs `hash` for `wallet`'s ERC-1271 `isValidSignature` with keys of its key set: each signer
 * signs the wallet message typed data (`messageTypedData`, whose digest is the wallet's
 * `replaySafeHash(hash)`), and the signature is their entries. Throws an `InvalidParameterError`
 * as `signIntentWithKeys` does.
 *
 * @example
 * const { signature } = await signMessageWithKeys({ signers, hash: orderHash, wallet, chainId: 31337n });
 * await exchange.fillOrder(order, signature); // the exchange calls wallet.isValidSignature(orderHash, signature)
 */
export async function signMessageWithKeys({
  signers,
  keySet,
  hash,
  wallet,
  chainId,
}: SignMessageWithKeysParameters): Promise<SignMessageWithKeysReturnType> {
  const replaySafeHash = getReplaySafeHash({ hash, wallet, chainId });
  const { signatures } = await signTypedDataWithKeys({
    signers,
    request: messageTypedData({ hash, wallet, chainId }),
  });
  const signature = combineKeySignatureEntries({
    digest: replaySafeHash,
    signatures,
    ...(keySet ? { keySet } : {}),
  });
  return { replaySafeHash, signature };
}
