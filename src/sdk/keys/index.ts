export * from "./keySigner.js";
export * from "./browserPasskey.js";
export * from "./combine.js";
export * from "./signWithKeys.js";
