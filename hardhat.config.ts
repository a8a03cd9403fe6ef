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

/**
 * Peers for the gas benchmark (scripts/bench-gas.ts), compiled from their npm packages:
 * Safe 1.4.1 with its own solc 0.7.6 and the settings its package was built with (optimizer
 * off, the canonical bytecode), and ERC-4337 v0.8 with the 0.8.28 compiler (via IR, as upstream).
 * The OpenZeppelin Account peer is in contracts/peers/ and built with the project's settings.
 */
const SAFE_SOLC_VERSION = "0.7.6";
const safeCompiler = {
  version: SAFE_SOLC_VERSION,
  path: require.resolve("solc-0.7.6/soljson.js"),
  settings: { optimizer: { enabled: false, runs: 200 } },
};
const safeSources = [
  "@safe-global/safe-contracts/contracts/Safe.sol",
  "@safe-global/safe-contracts/contracts/proxies/SafeProxyFactory.sol",
  "@safe-global/safe-contracts/contracts/libraries/MultiSendCallOnly.sol",
];
const erc4337Compiler = {
  version: SOLC_VERSION,
  path: solcPath,
  settings: {
    evmVersion: "cancun",
    viaIR: true,
    optimizer: { enabled: true, runs: 1_000_000 },
  },
};
const erc4337Sources = [
  "@account-abstraction/contracts/core/EntryPoint.sol",
  "@account-abstraction/contracts/accounts/SimpleAccountFactory.sol",
];
/**
 * The contracts that are deployed run through the IR pipeline with many optimizer runs: every
 * relay pays for their code, and it saves about 1,000 gas per relayed intent. It compiles several
 * times slower, so mocks, peers and Solidity tests keep the legacy pipeline.
 */
const deployedCompiler = {
  ...compiler,
  settings: { ...compiler.settings, viaIR: true, optimizer: { enabled: true, runs: 1_000_000 } },
};
const deployedSources = [
  "contracts/IntentWallet.sol",
  "contracts/IntentBatcher.sol",
  "contracts/WalletFactory.sol",
  "contracts/modules/SessionKeyModule.sol",
];
const buildProfile = {
  compilers: [compiler, safeCompiler],
  overrides: Object.fromEntries([
    ...deployedSources.map((source) => [source, deployedCompiler]),
    ...safeSources.map((source) => [source, safeCompiler]),
    ...erc4337Sources.map((source) => [source, erc4337Compiler]),
  ]),
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  tasks,
  solidity: {
    profiles: {
      default: buildProfile,
      production: buildProfile,
    },
    npmFilesToBuild: [...safeSources, ...erc4337Sources],
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
