import { TypedDataEncoder } from "ethers";

import { mutableTypeRecord, type TypedDataTypes } from "../typedDataTypes.js";
import { intentDomain } from "./domain.js";
import { INTENT_TYPES, type Intent, type IntentDomainParameters } from "./types.js";

/**
 * The intent's ID on a wallet: its EIP-712 digest, computed off-chain. Equals the wallet's
 * `intentId(intent)` for the same wallet, chain and epoch.
 *
 * @example
 * const id = getIntentId({ intent, wallet, chainId: 31337n });
 */
export function getIntentId({
  intent,
  ...domain
}: { intent: Intent } & IntentDomainParameters): string {
  return TypedDataEncoder.hash(intentDomain(domain), mutableTypes(), intent);
}

/**
 * The EIP-712 struct hash of an intent (without the domain).
 *
 * @example
 * const structHash = hashIntentStruct(buildIntent({ calls: [call] }));
 */
export function hashIntentStruct(intent: Intent): string {
  return TypedDataEncoder.hashStruct("Intent", mutableTypes(), intent);
}

/**
 * `INTENT_TYPES` as the mutable record ethers' typed-data functions take.
 *
 * @example
 * const signature = await signer.signTypedData(intentDomain({ wallet, chainId }), mutableTypes(), intent);
 */
export function mutableTypes(): TypedDataTypes {
  return mutableTypeRecord(INTENT_TYPES);
}
