/**
 * The protocol ground floor: what an intent and a session grant are, how they are hashed,
 * identified, signed over, packed and written as JSON, the on-chain enums and the gas rule that
 * off-chain code mirrors, and the errors of all of it. The SDK and the relayer stand on this
 * layer; nothing here knows about either. Browser-safe: no Node built-in is imported (the
 * deployment records, read from files, are in `./deployments.js`, outside this index).
 */
export * from "./intent/types.js";
export * from "./intent/domain.js";
export * from "./intent/hash.js";
export * from "./intent/signature.js";
export * from "./intent/json.js";
export * from "./intent/packed.js";
export * from "./intent/batchEntries.js";
export * from "./session/types.js";
export * from "./session/domain.js";
export * from "./session/hash.js";
export * from "./session/canonicalSignature.js";
export * from "./session/dangerousSelectors.js";
export * from "./wallet/address.js";
export * from "./wallet/delegation.js";
export * from "./wallet/authorization.js";
export * from "./keys/index.js";
export * from "./relayerApi/types.js";
export * from "./relayerApi/schemas.js";
export * from "./errors/index.js";
export * from "./chain/enums.js";
export * from "./chain/gasRule.js";
export * from "./session/json.js";
export * from "./typedDataTypes.js";
