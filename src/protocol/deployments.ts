import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
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

/** The repository's `deployments/` folder (in an installed package: a folder that does not exist). */
export const DEPLOYMENTS_DIRECTORY = fileURLToPath(new URL("../../deployments/", import.meta.url));

/**
 * The folder of the deployment records that the deploy script writes and the tasks, the relayer
 * and `readDeployment` read: `DEPLOYMENTS_DIR` when set (resolved against the working
 * directory), else the repository's `deployments/` when this code runs from the repository,
 * else (the SDK installed as a package) `deployments/` in the working directory. Tests point it
 * at a temporary folder, so the record of a real node in the repository is never touched.
 *
 * @example
 * const directory = deploymentsDirectory(); // DEPLOYMENTS_DIR=/tmp/d → "/tmp/d"
 */
export function deploymentsDirectory(
  env: Record<string, string | undefined> = process.env,
): string {
  const configured = env.DEPLOYMENTS_DIR;
  if (configured !== undefined && configured !== "") return resolve(configured);
  return existsSync(DEPLOYMENTS_DIRECTORY) ? DEPLOYMENTS_DIRECTORY : resolve("deployments");
}

/**
 * The JSON value recorded in `<directory>/<chainId>.json`, or `undefined` when there is no such
 * file; throws a `SyntaxError` for a file that is not JSON. What `readDeployment` reads, and
 * what the relayer reads its batcher from.
 *
 * @example
 * const json = await readDeploymentJson({ chainId: 31337n }); // { chainId: "31337", factory: "0x…", … }
 */
export async function readDeploymentJson({
  chainId,
  directory = deploymentsDirectory(),
}: {
  chainId: bigint;
  directory?: string;
}): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(`${directory.replace(/\/?$/, "/")}${chainId}.json`, "utf8");
  } catch {
    return undefined;
  }
  return JSON.parse(text);
}

/**
 * Reads the recorded deployment of `chainId`, or `undefined` if none was recorded.
 *
 * @example
 * const deployment = await readDeployment({ chainId: 31337n });
 * const wallet = WalletClient.counterfactual({ ...deployment!, owner, salt: 0n, runner });
 */
export async function readDeployment(parameters: {
  chainId: bigint;
  directory?: string;
}): Promise<Deployment | undefined> {
  const json = (await readDeploymentJson(parameters)) as Record<string, string> | undefined;
  if (json === undefined) return undefined;
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
