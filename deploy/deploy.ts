/**
 * Deploys the IntentWallet implementation, the WalletFactory, the SessionKeyModule and the
 * IntentBatcher at their deterministic addresses (the same on every EVM chain). A second run
 * deploys nothing and says so.
 *
 *   npx hardhat run deploy/deploy.ts --network localhost  a `hardhat node` (RPC_URL overrides its URL)
 *   npx hardhat run deploy/deploy.ts --network <name>     any network of hardhat.config.ts
 *   npm run deploy                                        a dry run on the in-process network
 *
 * On a network reached over HTTP (a node) the addresses are recorded in
 * `deployments/<chainId>.json` (in DEPLOYMENTS_DIR when set), where the tasks and the relayer
 * read them. Hardhat's in-process network records nothing: its chain ends with the run, and
 * its chain ID is a `hardhat node`'s too, whose record it must not replace.
 *
 * The first account of the network pays. On a local chain (31337, 31338) the CREATE2 deployer
 * is installed when missing; on another chain it must be there already, and the error says how
 * to deploy it.
 */
import { relative } from "node:path";

import { network } from "hardhat";

import { deployIntentWallet } from "./deployIntentWallet.js";
import { recordDirectoryFor } from "./writeDeployment.js";

const { ethers, networkName, networkConfig } = await network.create();
const [signer] = await ethers.getSigners();
if (signer === undefined) {
  throw new Error(`network ${networkName} has no account: configure \`accounts\` for it`);
}

console.log(`Network ${networkName}`);
const deployment = await deployIntentWallet({
  signer,
  log: (line) => console.log(`  ${line}`),
  directory: recordDirectoryFor(networkConfig.type),
});

const anything = Object.values(deployment.deployed).some(Boolean);
console.log(`
IntentWallet on chain ${deployment.chainId} (${networkName}):
  implementation  ${deployment.implementation}
  factory         ${deployment.factory}
  sessionModule   ${deployment.sessionModule}
  batcher         ${deployment.batcher}
${anything ? "Deployed now" : "Nothing deployed: already there"}; ${recordedWhere(deployment.file)}`);

/** Where the deployment was recorded, or why it was not and how to deploy to a node. */
function recordedWhere(file: string | null): string {
  if (file !== null) return `recorded in ${displayPath(file)}`;
  return [
    `not recorded: ${networkName} is Hardhat's in-process network, gone when this run ends.`,
    "To deploy to a node: `npx hardhat node`, then `npx hardhat run deploy/deploy.ts --network localhost`",
  ].join("\n");
}

/** `file` relative to the working directory when it is inside it, else absolute. */
function displayPath(file: string): string {
  const path = relative(process.cwd(), file);
  return path.startsWith("..") ? file : path;
}
