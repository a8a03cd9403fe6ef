export * from "./walletCalls.js";
export * from "./WalletClient.js";
export * from "./ownerKeys.js";
export * from "./eoa.js";
