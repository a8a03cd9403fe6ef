/**
 * What the relayer checks before it serves anything, each failure an error that names the
 * setting at fault, its value and what to do: the node at RELAYER_RPC_URL answers, the
 * implementation it serves has code there, the database at RELAYER_DB_PATH opens.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

import type { Provider } from "ethers";

import { deploymentsDirectory, readDeployment } from "../protocol/deployments.js";
import { LOCAL_CHAIN_ID } from "./config.js";
import { SqliteIntentStore } from "./store/SqliteIntentStore.js";

/** The URL of Hardhat's `localhost` network when RPC_URL is not set (hardhat.config.ts). */
const HARDHAT_LOCALHOST_URL = "http://127.0.0.1:8545";

/** The errors of a connection that no server answered (Node's system error codes). */
const UNANSWERED_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** A relayer that may not start: the message names the setting, its value and what to do. */
export class RelayerStartupError extends Error {
  override readonly name = "RelayerStartupError";
}

/** Where the relayer reads the chain: the URL it connects to, or none when a provider was lent. */
export interface ChainSource {
  /** RELAYER_RPC_URL, or `undefined` when the host process lent its provider. */
  rpcUrl: string | undefined;
}

/**
 * The chain ID of the node behind `provider`. A node that does not answer is a
 * `RelayerStartupError` naming RELAYER_RPC_URL and how to start a node, not a bare
 * `ECONNREFUSED`.
 *
 * @example
 * const chainId = await connectChain(provider, { rpcUrl: config.RELAYER_RPC_URL });
 */
export async function connectChain(provider: Provider, { rpcUrl }: ChainSource): Promise<bigint> {
  try {
    return (await provider.getNetwork()).chainId;
  } catch (error) {
    if (rpcUrl === undefined) throw error;
    throw new RelayerStartupError(unreachableNodeMessage(rpcUrl, error), { cause: error });
  }
}

/** `RELAYER_RPC_URL=<url>: no node answers (ECONNREFUSED); start one with ...`. */
function unreachableNodeMessage(rpcUrl: string, error: unknown): string {
  const code = unansweredCode(error);
  const setting = `RELAYER_RPC_URL=${rpcUrl}`;
  if (code === undefined) {
    return `${setting}: the node did not tell its chain ID (${errorMessage(error)}); check that the URL is a JSON-RPC endpoint`;
  }
  const remedy = isLocalUrl(rpcUrl)
    ? "start one with `npx hardhat node` (another terminal), or set RELAYER_RPC_URL to a running node"
    : "check the URL and that the node is running";
  return `${setting}: no node answers (${code}); ${remedy}`;
}

/** The parameters of `resolveServedImplementation`. */
export interface ResolveServedImplementationParameters extends ChainSource {
  provider: Provider;
  chainId: bigint;
  /** RELAYER_IMPLEMENTATION, when set. */
  configured: string | undefined;
  /** Whether RELAYER_ALLOWED_WALLETS lists wallets (then no implementation is needed). */
  hasAllowedWallets: boolean;
  /** The folder of the deployment records; `deploymentsDirectory()` by default. */
  directory?: string;
}

/**
 * The implementation whose clones the relayer serves: RELAYER_IMPLEMENTATION, else the one
 * recorded for `chainId`; `undefined` when neither is there but RELAYER_ALLOWED_WALLETS lists
 * wallets. Refuses (`RelayerStartupError`) an implementation with no code on the chain (a
 * record of another chain with the same ID, such as a restarted node) and a relayer with
 * nothing to serve, naming the command that deploys the contracts to the node in use.
 *
 * @example
 * const implementation = await resolveServedImplementation({ provider, chainId, rpcUrl, configured: config.RELAYER_IMPLEMENTATION, hasAllowedWallets: false });
 */
export async function resolveServedImplementation({
  provider,
  chainId,
  rpcUrl,
  configured,
  hasAllowedWallets,
  directory = deploymentsDirectory(),
}: ResolveServedImplementationParameters): Promise<string | undefined> {
  const chain = describeChain(chainId, rpcUrl);
  const deploy = `deploy the contracts to this node with \`${deployCommandFor({ chainId, rpcUrl })}\``;
  const file = displayPath(join(directory, `${chainId}.json`));
  if (configured !== undefined) {
    if ((await provider.getCode(configured)) !== "0x") return configured;
    throw new RelayerStartupError(
      `RELAYER_IMPLEMENTATION=${configured} has no code on ${chain}: no wallet could be served; ${deploy}, or set RELAYER_IMPLEMENTATION to the implementation deployed there`,
    );
  }
  const recorded = (await readDeployment({ chainId, directory }))?.implementation;
  if (recorded === undefined) {
    if (hasAllowedWallets) return undefined;
    throw new RelayerStartupError(
      `no wallets to serve on ${chain}: no RELAYER_IMPLEMENTATION, no RELAYER_ALLOWED_WALLETS and no ${file}; ${deploy} (it records ${file}), or set RELAYER_IMPLEMENTATION or RELAYER_ALLOWED_WALLETS`,
    );
  }
  if ((await provider.getCode(recorded)) !== "0x") return recorded;
  throw new RelayerStartupError(
    `the implementation ${recorded} recorded in ${file} has no code on ${chain}: the record is of another chain with this ID (a restarted node forgets its contracts); ${deploy}, or set RELAYER_IMPLEMENTATION`,
  );
}

/**
 * The command that deploys the contracts to the node at `rpcUrl`: Hardhat's `localhost`
 * network for a local chain (with RPC_URL when the node is not at its default URL), else the
 * network of hardhat.config.ts that points at the node.
 *
 * @example
 * deployCommandFor({ chainId: 31337n, rpcUrl: "http://127.0.0.1:8545" }); // "npx hardhat run deploy/deploy.ts --network localhost"
 */
export function deployCommandFor({
  chainId,
  rpcUrl,
}: {
  chainId: bigint;
  rpcUrl?: string;
}): string {
  if (chainId !== LOCAL_CHAIN_ID) {
    return "npx hardhat run deploy/deploy.ts --network <the network of hardhat.config.ts for this node>";
  }
  const url = rpcUrl === undefined || rpcUrl === HARDHAT_LOCALHOST_URL ? "" : `RPC_URL=${rpcUrl} `;
  return `${url}npx hardhat run deploy/deploy.ts --network localhost`;
}

/**
 * The database file the relayer uses: RELAYER_DB_PATH when set (its folder must exist), else
 * `.relayer/relayer-<chainId>.db` under `cwd`, its folder created if missing: one file per
 * chain, out of the way and git-ignored.
 *
 * @example
 * const path = relayerDbPath({ configured: config.RELAYER_DB_PATH, chainId }); // ".../.relayer/relayer-31337.db"
 */
export function relayerDbPath({
  configured,
  chainId,
  cwd = process.cwd(),
}: {
  configured: string | undefined;
  chainId: bigint;
  cwd?: string;
}): string {
  if (configured !== undefined) return configured;
  const folder = resolve(cwd, ".relayer");
  mkdirSync(folder, { recursive: true });
  return join(folder, `relayer-${chainId}.db`);
}

/**
 * Opens the intent store at `path` (RELAYER_DB_PATH, or its default). A file that cannot be
 * opened is a `RelayerStartupError` naming RELAYER_DB_PATH, its value and what to do, not a
 * bare `unable to open database file`.
 *
 * @example
 * const store = await openRelayerStore(relayerDbPath({ configured: config.RELAYER_DB_PATH, chainId }));
 */
export async function openRelayerStore(path: string): Promise<SqliteIntentStore> {
  try {
    return await SqliteIntentStore.open({ path });
  } catch (error) {
    const folder = dirname(resolve(path));
    const remedy = existsSync(folder)
      ? `check that the relayer may write in ${folder} and that the file is this relayer's SQLite database`
      : `its folder ${folder} does not exist: create it, or set RELAYER_DB_PATH to a file in a folder that exists`;
    throw new RelayerStartupError(
      `RELAYER_DB_PATH=${path}: cannot open the database (${errorMessage(error)}); ${remedy}`,
      { cause: error },
    );
  }
}

/**
 * `chain 31337 (RELAYER_RPC_URL=http://…)`, or `chain 31337` for a lent provider: how a
 * start-up error names the chain.
 *
 * @example
 * describeChain(31337n, "http://127.0.0.1:8545"); // "chain 31337 (RELAYER_RPC_URL=http://127.0.0.1:8545)"
 */
export function describeChain(chainId: bigint, rpcUrl: string | undefined): string {
  return rpcUrl === undefined ? `chain ${chainId}` : `chain ${chainId} (RELAYER_RPC_URL=${rpcUrl})`;
}

function isLocalUrl(url: string): boolean {
  try {
    return ["127.0.0.1", "localhost", "[::1]", "0.0.0.0"].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The code of a connection no server answered (`ECONNREFUSED`...), on the error or its cause. */
function unansweredCode(error: unknown): string | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  return [code, cause?.code].find(
    (candidate): candidate is string =>
      typeof candidate === "string" && UNANSWERED_CODES.has(candidate),
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `file` relative to the working directory when it is inside it, else absolute: how a start-up
 * error names a file.
 *
 * @example
 * displayPath(join(process.cwd(), "deployments/31337.json")); // "deployments/31337.json"
 */
export function displayPath(file: string): string {
  const path = relative(process.cwd(), file);
  return path.startsWith("..") ? file : path;
}
