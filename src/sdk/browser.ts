/**
 * The SDK's browser-safe entry (`@intentwallet/sdk/browser`, and what bundlers pick for
 * `@intentwallet/sdk` under the `browser` condition): the protocol layer (types, hashing, IDs,
 * JSON and packed encodings, errors) and, on top of it, building and signing intents and
 * session grants (by one owner, or by keys of a key set, passkeys included), the wallet client
 * and the relayer client. Nothing here imports a Node built-in; the package build
 * (scripts/sdk-package.ts) fails if this entry's module graph does.
 */
export * from "../protocol/index.js";
export * from "./intent/buildIntent.js";
export * from "./intent/signIntent.js";
export * from "./intent/dependencies.js";
export * from "./signers/index.js";
export * from "./session/grant.js";
export * from "./session/sessionSigner.js";
export * from "./session/sessionCalls.js";
export * from "./wallet/index.js";
export * from "./keys/index.js";
export * from "./relayer/index.js";
