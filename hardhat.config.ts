import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";

import { tasks } from "./tasks/index.js";

const require = createRequire(import.meta.url);

/**
 * Solidity is compiled offline by the wasm build of the npm `solc` package, pinned in
 * package.json to exactly SOLC_VERSION. Hardhat never downloads a compiler.
 */
const SOLC_VERSION = "0.8.28";
const solcPath = require.resolve("solc/soljson.js");

const compiler = {
  version: SOLC_VERSION,
  path: solcPath,
  settings: {
    evmVersion: "cancun",
    optimizer: { enabled: true, runs: 10_000 },
  },
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  tasks,
  solidity: {
    profiles: {
      default: compiler,
      production: compiler,
    },
  },
  typechain: {
    outDir: "typechain-types",
  },
  networks: {
    // A second in-process chain with another chain ID, to prove intents can't be replayed across chains.
    otherChain: {
      type: "edr-simulated",
      chainType: "l1",
      chainId: 31338,
    },
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.RPC_URL ?? "http://127.0.0.1:8545",
    },
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
    },
  },
});
