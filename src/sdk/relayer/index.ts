export * from "./relayerError.js";
export * from "./toWireIntent.js";
export * from "./relayerClient.js";
