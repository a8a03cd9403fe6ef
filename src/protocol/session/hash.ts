import { TypedDataEncoder } from "ethers";

import { mutableTypeRecord, type TypedDataTypes } from "../typedDataTypes.js";
import { sessionDomain } from "./domain.js";
import { SESSION_GRANT_TYPES, type SessionDomainParameters, type SessionGrant } from "./types.js";

/**
 * The session ID of `grant`: the EIP-712 digest the owner signs, as the module computes it.
 *
 * @example
 * const id = getSessionId({ grant, module, chainId: 31337n });
 */
export function getSessionId({
  grant,
  ...domain
}: { grant: SessionGrant } & SessionDomainParameters): string {
  return TypedDataEncoder.hash(sessionDomain(domain), mutableGrantTypes(), grant);
}

/**
 * `SESSION_GRANT_TYPES` as the mutable record ethers' typed-data functions take.
 *
 * @example
 * const digest = TypedDataEncoder.hash(sessionDomain({ module, chainId }), mutableGrantTypes(), grant);
 */
export function mutableGrantTypes(): TypedDataTypes {
  return mutableTypeRecord(SESSION_GRANT_TYPES);
}
