import { TypedDataEncoder, getAddress, hexlify, type TypedDataDomain } from "ethers";

import { intentDomain, messageDomain } from "../../protocol/intent/domain.js";
import { mutableTypes } from "../../protocol/intent/hash.js";
import {
  MESSAGE_TYPES,
  type Intent,
  type IntentDomainParameters,
} from "../../protocol/intent/types.js";
import { mutableTypeRecord } from "../../protocol/typedDataTypes.js";
import { sessionDomain } from "../../protocol/session/domain.js";
import { mutableGrantTypes } from "../../protocol/session/hash.js";
import type { SessionDomainParameters, SessionGrant } from "../../protocol/session/types.js";

/**
 * The EIP-712 domain of a `TypedDataRequest`: the fields present are those the protocol's domain
 * has (`salt` only in an intent's domain, where it is the wallet's intent epoch as 32 bytes).
 * The chain ID is a bigint and the hex fields are `0x` strings, as viem types them.
 */
export interface TypedDataRequestDomain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: `0x${string}`;
  salt?: `0x${string}`;
}

/**
 * One thing to sign with EIP-712: the domain, the types (without `EIP712Domain`: a signer derives
 * it from the domain's fields), the primary type and the message. The same object is what a viem
 * account's or WalletClient's `signTypedData` takes; `fromEthersSigner` and `fromEip1193` turn it
 * into what ethers and `eth_signTypedData_v4` take.
 *
 * @example
 * const request = intentTypedData({ intent, wallet, chainId: 31337n });
 * const signature = await account.signTypedData(request); // a viem local account
 */
export interface TypedDataRequest {
  domain: TypedDataRequestDomain;
  types: Record<string, Array<{ name: string; type: string }>>;
  primaryType: string;
  message: Record<string, unknown>;
}

/**
 * The typed data an owner or a session key signs for `intent` on a wallet: the protocol's intent
 * domain (its `salt` is the wallet's intent epoch) and `INTENT_TYPES`. Its digest is the
 * intent's ID (`getIntentId`).
 *
 * @example
 * const request = intentTypedData({ intent, wallet, chainId: 31337n, epoch: 0n });
 * request.primaryType; // "Intent"
 */
export function intentTypedData({
  intent,
  ...domain
}: { intent: Intent } & IntentDomainParameters): TypedDataRequest {
  return {
    domain: toRequestDomain(intentDomain(domain)),
    types: mutableTypes(),
    primaryType: "Intent",
    message: { ...intent },
  };
}

/**
 * The typed data an owner signs to grant a session: the protocol's session domain (the module on
 * one chain) and `SESSION_GRANT_TYPES`. Its digest is the session ID (`getSessionId`).
 *
 * @example
 * const request = sessionGrantTypedData({ grant, module, chainId: 31337n });
 * request.primaryType; // "SessionGrant"
 */
export function sessionGrantTypedData({
  grant,
  ...domain
}: { grant: SessionGrant } & SessionDomainParameters): TypedDataRequest {
  return {
    domain: toRequestDomain(sessionDomain(domain)),
    types: mutableGrantTypes(),
    primaryType: "SessionGrant",
    message: { ...grant },
  };
}

/**
 * The typed data an owner signs so that `wallet` accepts `hash` through ERC-1271
 * (`isValidSignature(hash, signature)`): the wallet's message domain (no epoch) and
 * `MESSAGE_TYPES`. Its digest is the wallet's `replaySafeHash(hash)` (`getReplaySafeHash`).
 *
 * @example
 * const request = messageTypedData({ hash: permitDigest, wallet, chainId: 31337n });
 * request.primaryType; // "IntentWalletMessage"
 */
export function messageTypedData({
  hash,
  wallet,
  chainId,
}: { hash: string } & Omit<IntentDomainParameters, "epoch">): TypedDataRequest {
  return {
    domain: toRequestDomain(messageDomain({ wallet, chainId })),
    types: mutableTypeRecord(MESSAGE_TYPES),
    primaryType: "IntentWalletMessage",
    message: { hash },
  };
}

/**
 * The EIP-712 digest of `request`: what its signature signs (an intent's ID, a session ID).
 *
 * @example
 * hashTypedDataRequest(intentTypedData({ intent, wallet, chainId })) === getIntentId({ intent, wallet, chainId }); // true
 */
export function hashTypedDataRequest(request: TypedDataRequest): string {
  return TypedDataEncoder.hash(request.domain, request.types, request.message);
}

/**
 * The JSON string `eth_signTypedData_v4` takes as its second parameter (the first is the
 * address), as MetaMask and other EIP-1193 wallets expect it: `types` with `EIP712Domain` first
 * (its fields in the domain's order: name, version, chainId, verifyingContract, salt), then
 * `primaryType`, `domain` and `message`. Every integer is a decimal string (the chain ID too),
 * addresses are lowercase and bytes are `0x` hex, so no bigint reaches `JSON.stringify`.
 *
 * @example
 * await provider.request({
 *   method: "eth_signTypedData_v4",
 *   params: [owner, toSignTypedDataV4Json(intentTypedData({ intent, wallet, chainId }))],
 * });
 */
export function toSignTypedDataV4Json(request: TypedDataRequest): string {
  const payload = TypedDataEncoder.getPayload(request.domain, request.types, request.message);
  const { EIP712Domain, ...types } = payload.types;
  return JSON.stringify({
    types: { EIP712Domain, ...types },
    primaryType: request.primaryType,
    domain: { ...payload.domain, chainId: request.domain.chainId.toString(10) },
    message: payload.message,
  });
}

/** A protocol domain (ethers' type, every field set but `salt`) as a request's domain. */
function toRequestDomain(domain: TypedDataDomain): TypedDataRequestDomain {
  return {
    name: domain.name!,
    version: domain.version!,
    chainId: BigInt(domain.chainId!),
    verifyingContract: getAddress(domain.verifyingContract!) as `0x${string}`,
    ...(domain.salt == null ? {} : { salt: hexlify(domain.salt) as `0x${string}` }),
  };
}
