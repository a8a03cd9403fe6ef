import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { NetworkConfig } from "hardhat/types/config";

import { deploymentsDirectory, type Deployment } from "../src/protocol/deployments.js";

/**
 * Where the deploy script records a deployment made on a network of type `networkType` (its
 * config's `type`): a
 * network reached over HTTP (a real node, whose contracts outlive the run) in
 * `deploymentsDirectory()`; Hardhat's in-process simulated network nowhere (`null`), since its
 * chain is gone when the run ends, and its chain ID (31337) being a `hardhat node`'s too, its
 * record would replace the node's with addresses the node may not have.
 *
 * @example
 * const directory = recordDirectoryFor(networkConfig.type); // null for the in-process network
 */
export function recordDirectoryFor(
  networkType: NetworkConfig["type"],
  env: Record<string, string | undefined> = process.env,
): string | null {
  return networkType === "http" ? deploymentsDirectory(env) : null;
}

/** The parameters of `writeDeployment`. */
export interface WriteDeploymentParameters {
  deployment: Deployment;
  /** The folder of the `<chainId>.json` files; `deploymentsDirectory()` by default. */
  directory?: string;
}

/**
 * Records `deployment` in `<directory>/<chainId>.json`, the file `readDeployment` reads: every
 * value a string (the chain ID in decimal), keys in a fixed order, so the same deployment always
 * writes the same bytes. Creates the folder if needed. Returns the file's path.
 *
 * @example
 * const file = await writeDeployment({ deployment });
 */
export async function writeDeployment({
  deployment,
  directory = deploymentsDirectory(),
}: WriteDeploymentParameters): Promise<string> {
  await mkdir(directory, { recursive: true });
  const file = join(directory, `${deployment.chainId}.json`);
  await writeFile(file, serializeDeployment(deployment));
  return file;
}

/** The text of a deployment file: indented JSON with a final newline. */
export function serializeDeployment(deployment: Deployment): string {
  const json = {
    chainId: deployment.chainId.toString(),
    create2Deployer: deployment.create2Deployer,
    salt: deployment.salt,
    implementation: deployment.implementation,
    factory: deployment.factory,
    sessionModule: deployment.sessionModule,
    batcher: deployment.batcher,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
