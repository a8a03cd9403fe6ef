import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/**
 * Where the IntentWallet contracts live on one chain, as the deploy script records them in
 * `deployments/<chainId>.json`. The addresses are the same on every EVM chain (CREATE2).
 */
export interface Deployment {
  chainId: bigint;
  /** The CREATE2 deployer used (the deterministic-deployment proxy). */
  create2Deployer: string;
  /** The CREATE2 salt of the contracts. */
  salt: string;
  implementation: string;
  factory: string;
  sessionModule: string;
  /** The `IntentBatcher`: relays many intents, from any wallets, in one transaction. */
  batcher: string;
}

/** The repository's `deployments/` folder. */
export const DEPLOYMENTS_DIRECTORY = fileURLToPath(new URL("../../deployments/", import.meta.url));

/**
 * Reads the recorded deployment of `chainId`, or `undefined` if none was recorded.
 *
 * @example
 * const deployment = await readDeployment({ chainId: 31337n });
 * const wallet = WalletClient.counterfactual({ ...deployment!, owner, salt: 0n, runner });
 */
export async function readDeployment({
  chainId,
  directory = DEPLOYMENTS_DIRECTORY,
}: {
  chainId: bigint;
  directory?: string;
}): Promise<Deployment | undefined> {
  let text: string;
  try {
    text = await readFile(`${directory.replace(/\/?$/, "/")}${chainId}.json`, "utf8");
  } catch {
    return undefined;
  }
  const json = JSON.parse(text) as Record<string, string>;
  return {
    chainId: BigInt(json.chainId),
    create2Deployer: json.create2Deployer,
    salt: json.salt,
    implementation: json.implementation,
    factory: json.factory,
    sessionModule: json.sessionModule,
    batcher: json.batcher,
  };
}
