import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

import {
  deploymentsDirectory,
  readDeployment,
  type Deployment,
} from "../../src/protocol/deployments.js";
import { WalletFactory__factory } from "../../typechain-types/factories/contracts/WalletFactory__factory.js";
import { parseAddress } from "./parse.js";
import type { TaskNetwork } from "./connect.js";

/** The `--factory` / `--implementation` / `--module` options, which override the recorded deployment. */
export interface ContractOptions {
  factory?: string;
  implementation?: string;
  module?: string;
}

/** Where `readDeployment` looks; tests point it elsewhere. */
export interface DeploymentSource {
  directory?: string;
}

/**
 * The factory and the implementation its wallets clone: from `--factory` (and `--implementation`,
 * else read from the factory), or from `deployments/<chainId>.json`. Checks that the factory has
 * code, so a record left from another chain (a restarted node) is not trusted silently.
 *
 * @example
 * const { factory, implementation } = await resolveFactory(network, args);
 */
export async function resolveFactory(
  network: TaskNetwork,
  options: ContractOptions,
  source: DeploymentSource = {},
): Promise<{ factory: string; implementation: string }> {
  const { ethers, chainId } = network;
  if (options.factory !== undefined) {
    const factory = parseAddress(options.factory, "--factory");
    await requireCode(ethers, factory, `--factory ${factory}`);
    const implementation =
      options.implementation !== undefined
        ? parseAddress(options.implementation, "--implementation")
        : await WalletFactory__factory.connect(factory, ethers.provider).implementation();
    return { factory, implementation };
  }
  const deployment = await requireDeployment(network, "--factory", source);
  await requireCode(
    ethers,
    deployment.factory,
    `the factory ${deployment.factory} recorded for chain ${chainId}`,
    staleRecordHint(network),
  );
  const implementation =
    options.implementation !== undefined
      ? parseAddress(options.implementation, "--implementation")
      : deployment.implementation;
  return { factory: deployment.factory, implementation };
}

/**
 * The session-key module: `--module`, or the one in `deployments/<chainId>.json`.
 *
 * @example
 * const module = await resolveModule(network, args);
 */
export async function resolveModule(
  network: TaskNetwork,
  options: ContractOptions,
  source: DeploymentSource = {},
): Promise<string> {
  const { ethers, chainId } = network;
  if (options.module !== undefined) {
    const module = parseAddress(options.module, "--module");
    await requireCode(ethers, module, `--module ${module}`);
    return module;
  }
  const deployment = await requireDeployment(network, "--module", source);
  await requireCode(
    ethers,
    deployment.sessionModule,
    `the session module ${deployment.sessionModule} recorded for chain ${chainId}`,
    staleRecordHint(network),
  );
  return deployment.sessionModule;
}

/** The network a deployment is looked up for: its chain, and how to deploy to it. */
export type DeploymentTarget = Pick<TaskNetwork, "chainId" | "networkName" | "simulated">;

/**
 * The recorded deployment of the network's chain, or an error naming the ways out: the command
 * that deploys to the network, or `option`.
 *
 * @example
 * const deployment = await requireDeployment(network, "--factory");
 */
export async function requireDeployment(
  network: DeploymentTarget,
  option: string,
  { directory = deploymentsDirectory() }: DeploymentSource = {},
): Promise<Deployment> {
  const { chainId } = network;
  const deployment = await readDeployment({ chainId, directory });
  if (deployment === undefined) {
    throw new Error(
      `no deployment recorded for chain ${chainId}: ${deployAdvice(network)}, or pass ${option}`,
    );
  }
  return deployment;
}

/**
 * How to get the contracts onto the network: the command that deploys to it, or, for the
 * in-process network (empty on every command, and never recorded), how to use a node instead.
 *
 * @example
 * deployAdvice({ networkName: "localhost", simulated: false }); // "deploy to localhost with `npx hardhat run deploy/deploy.ts --network localhost`"
 */
export function deployAdvice({
  networkName,
  simulated,
}: Pick<DeploymentTarget, "networkName" | "simulated">): string {
  if (simulated) {
    return (
      `${networkName} is Hardhat's in-process network, empty on every command: start a node ` +
      "(`npx hardhat node`), deploy to it (`npx hardhat run deploy/deploy.ts --network localhost`) " +
      "and pass `--network localhost`"
    );
  }
  return `deploy to ${networkName} with \`npx hardhat run deploy/deploy.ts --network ${networkName}\``;
}

async function requireCode(
  ethers: HardhatEthers,
  address: string,
  what: string,
  hint = "",
): Promise<void> {
  if ((await ethers.provider.getCode(address)) === "0x") {
    throw new Error(`${what} has no code on this chain${hint}`);
  }
}

/** Why a recorded contract may be missing on the network, and what to do. */
function staleRecordHint(network: DeploymentTarget): string {
  if (network.simulated) return ` (${deployAdvice(network)})`;
  return ` (a restarted local node forgets its contracts: ${deployAdvice(network)} again)`;
}

/**
 * The IntentWallet implementation: `--implementation`, or the one in `deployments/<chainId>.json`.
 * Checks that it has code, so an EOA is never delegated to an empty address.
 *
 * @example
 * const implementation = await resolveImplementation(network, args);
 */
export async function resolveImplementation(
  network: TaskNetwork,
  options: ContractOptions,
  source: DeploymentSource = {},
): Promise<string> {
  const { ethers, chainId } = network;
  if (options.implementation !== undefined) {
    const implementation = parseAddress(options.implementation, "--implementation");
    await requireCode(ethers, implementation, `--implementation ${implementation}`);
    return implementation;
  }
  const deployment = await requireDeployment(network, "--implementation", source);
  await requireCode(
    ethers,
    deployment.implementation,
    `the implementation ${deployment.implementation} recorded for chain ${chainId}`,
    staleRecordHint(network),
  );
  return deployment.implementation;
}
