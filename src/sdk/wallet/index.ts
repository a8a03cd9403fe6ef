export * from "./walletCalls.js";
export * from "./WalletClient.js";
