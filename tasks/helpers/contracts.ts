import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

import {
  DEPLOYMENTS_DIRECTORY,
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
  { ethers, chainId }: TaskNetwork,
  options: ContractOptions,
  source: DeploymentSource = {},
): Promise<{ factory: string; implementation: string }> {
  if (options.factory !== undefined) {
    const factory = parseAddress(options.factory, "--factory");
    await requireCode(ethers, factory, `--factory ${factory}`);
    const implementation =
      options.implementation !== undefined
        ? parseAddress(options.implementation, "--implementation")
        : await WalletFactory__factory.connect(factory, ethers.provider).implementation();
    return { factory, implementation };
  }
  const deployment = await requireDeployment(chainId, "--factory", source);
  await requireCode(
    ethers,
    deployment.factory,
    `the factory ${deployment.factory} recorded for chain ${chainId}`,
    STALE_RECORD_HINT,
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
  { ethers, chainId }: TaskNetwork,
  options: ContractOptions,
  source: DeploymentSource = {},
): Promise<string> {
  if (options.module !== undefined) {
    const module = parseAddress(options.module, "--module");
    await requireCode(ethers, module, `--module ${module}`);
    return module;
  }
  const deployment = await requireDeployment(chainId, "--module", source);
  await requireCode(
    ethers,
    deployment.sessionModule,
    `the session module ${deployment.sessionModule} recorded for chain ${chainId}`,
    STALE_RECORD_HINT,
  );
  return deployment.sessionModule;
}

/**
 * The recorded deployment of `chainId`, or an error naming the way out (`option`).
 *
 * @example
 * const deployment = await requireDeployment(31337n, "--factory");
 */
export async function requireDeployment(
  chainId: bigint,
  option: string,
  { directory = DEPLOYMENTS_DIRECTORY }: DeploymentSource = {},
): Promise<Deployment> {
  const deployment = await readDeployment({ chainId, directory });
  if (deployment === undefined) {
    throw new Error(
      `no deployment recorded for chain ${chainId}: run npm run deploy, or pass ${option}`,
    );
  }
  return deployment;
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

/** Why a recorded contract may be missing, and what to do. */
const STALE_RECORD_HINT =
  " (a restarted local node forgets its contracts: run npm run deploy again)";
