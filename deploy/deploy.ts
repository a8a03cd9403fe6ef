/**
 * Deploys the IntentWallet implementation, the WalletFactory, the SessionKeyModule and the
 * IntentBatcher at their deterministic addresses (the same on every EVM chain) and records them in
 * `deployments/<chainId>.json`. A second run deploys nothing and says so.
 *
 *   npm run deploy                                        the in-process network
 *   npx hardhat run deploy/deploy.ts --network localhost  a `hardhat node` (RPC_URL overrides its URL)
 *   npx hardhat run deploy/deploy.ts --network <name>     any network of hardhat.config.ts
 *
 * The first account of the network pays. On a local chain (31337, 31338) the CREATE2 deployer
 * is installed when missing; on another chain it must be there already, and the error says how
 * to deploy it. DEPLOYMENTS_DIR, when set, is the folder the file is written to.
 */
import { relative } from "node:path";

import { network } from "hardhat";

import { deployIntentWallet } from "./deployIntentWallet.js";

const { ethers, networkName } = await network.create();
const [signer] = await ethers.getSigners();
if (signer === undefined) {
  throw new Error(`network ${networkName} has no account: configure \`accounts\` for it`);
}

console.log(`Network ${networkName}`);
const deployment = await deployIntentWallet({
  signer,
  log: (line) => console.log(`  ${line}`),
  directory: process.env.DEPLOYMENTS_DIR || undefined,
});

const anything = Object.values(deployment.deployed).some(Boolean);
console.log(`
IntentWallet on chain ${deployment.chainId} (${networkName}):
  implementation  ${deployment.implementation}
  factory         ${deployment.factory}
  sessionModule   ${deployment.sessionModule}
  batcher         ${deployment.batcher}
${anything ? "Deployed now" : "Nothing deployed: already there"}; recorded in ${relative(process.cwd(), deployment.file!)}`);
