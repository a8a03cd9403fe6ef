export * from "./keys.js";
export * from "./keySetSignature.js";
export * from "./webAuthn.js";
export * from "./keySet.js";
