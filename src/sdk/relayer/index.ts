export * from "./relayerError.js";
export * from "./relayerClient.js";
