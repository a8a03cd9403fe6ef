import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { DEPLOYMENTS_DIRECTORY, type Deployment } from "../src/protocol/deployments.js";

/** The parameters of `writeDeployment`. */
export interface WriteDeploymentParameters {
  deployment: Deployment;
  /** The folder of the `<chainId>.json` files; the repository's `deployments/` by default. */
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
  directory = DEPLOYMENTS_DIRECTORY,
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
