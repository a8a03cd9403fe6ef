/**
 * The IntentWallet SDK, Node entry: everything of the browser-safe entry (`./browser.js`), and
 * `readDeployment`, which reads deployment records (`deployments/<chainId>.json`) from disk.
 */
export * from "./browser.js";
export * from "../protocol/deployments.js";
