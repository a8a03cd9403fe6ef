/**
 * The SDK's browser-safe entry (`@intentwallet/sdk/browser`, and what bundlers pick for
 * `@intentwallet/sdk` under the `browser` condition): everything of the main entry that runs
 * without Node. Today that is all of it, because the main entry already leaves out the one
 * Node-only module (`deployments.ts`, which reads the repository's `deployments/` folder with
 * `node:fs`). A Node-only export added to `index.ts` must be left out here; the package build
 * (scripts/sdk-package.ts) fails if this entry's module graph imports a Node built-in.
 */
export * from "./index.js";
