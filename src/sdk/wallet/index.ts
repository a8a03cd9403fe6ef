export * from "./computeWalletAddress.js";
export * from "./walletCalls.js";
export * from "./WalletClient.js";
export * from "./batchedRelay.js";
