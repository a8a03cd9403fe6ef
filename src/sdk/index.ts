/**
 * The IntentWallet SDK (Node entry): the protocol layer (types, hashing, IDs, JSON and packed
 * encodings, errors) and, on top of it, building and signing intents and session grants, the
 * wallet client and the relayer client. `readDeployment` reads the deployment records on disk.
 */
export * from "../protocol/index.js";
export * from "../protocol/deployments.js";
export * from "./intent/buildIntent.js";
export * from "./intent/signIntent.js";
export * from "./intent/dependencies.js";
export * from "./session/grant.js";
export * from "./session/sessionSigner.js";
export * from "./session/sessionCalls.js";
export * from "./signers/index.js";
export * from "./wallet/index.js";
export * from "./relayer/index.js";
