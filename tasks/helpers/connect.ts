import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

/** The selected network as a task sees it. */
export interface TaskNetwork {
  ethers: HardhatEthers;
  chainId: bigint;
  /** Its name in hardhat.config.ts (`--network`), `default` for the in-process one. */
  networkName: string;
  /** Whether it is Hardhat's in-process simulated network, which starts empty on every command. */
  simulated: boolean;
}

/**
 * The network chosen with `--network` (the in-process one by default), through the HRE's shared
 * connection (`getOrCreate`): tasks run in one process, such as a test, see one chain.
 *
 * @example
 * const { ethers, chainId } = await connectNetwork(hre);
 */
export async function connectNetwork(hre: HardhatRuntimeEnvironment): Promise<TaskNetwork> {
  const { ethers, networkName, networkConfig } = await hre.network.getOrCreate();
  let chainId: bigint;
  try {
    ({ chainId } = await ethers.provider.getNetwork());
  } catch (error) {
    if (networkConfig.type !== "http") throw error;
    throw new Error(await unreachableNetworkMessage(networkName, networkConfig.url, error), {
      cause: error,
    });
  }
  return { ethers, chainId, networkName, simulated: networkConfig.type === "edr-simulated" };
}

/**
 * Why an HTTP network did not answer, with its URL and what to do: start a node for
 * `localhost` (or point RPC_URL at one), else check the network's URL.
 */
async function unreachableNetworkMessage(
  networkName: string,
  url: { get(): Promise<string> },
  error: unknown,
): Promise<string> {
  const where = `--network ${networkName} (${await url.get().catch(() => "its URL")})`;
  const code = (error as { cause?: { cause?: { code?: unknown } } }).cause?.cause?.code;
  const what =
    typeof code === "string"
      ? `no node answers (${code})`
      : error instanceof Error
        ? error.message
        : String(error);
  const remedy =
    networkName === "localhost"
      ? "start one with `npx hardhat node` (another terminal), or set RPC_URL to a running node"
      : `check the URL of ${networkName} in hardhat.config.ts and that its node is running`;
  return `${where}: ${what}; ${remedy}`;
}

/**
 * The network's account number `index` (`--signer`; 0 is the first account).
 *
 * @example
 * const owner = await signerAt(ethers, args.signer);
 */
export async function signerAt(ethers: HardhatEthers, index: number): Promise<HardhatEthersSigner> {
  const signers = await ethers.getSigners();
  if (!Number.isInteger(index) || index < 0 || index >= signers.length) {
    const range = signers.length === 0 ? "none" : `0 to ${signers.length - 1}`;
    throw new Error(`--signer ${index}: no such account on this network (accounts: ${range})`);
  }
  return signers[index];
}

/**
 * "Now" for expirations and session windows, on the chain's clock (which a local chain may have
 * moved ahead): the timestamp its next block will have, when a transaction sent now runs. That
 * is the pending block's timestamp where the node gives one, never before the latest block's:
 * a `hardhat node` left idle has a latest block minutes or hours old, yet stamps its next block
 * with the current time.
 *
 * @example
 * const now = await chainNow(ethers);
 */
export async function chainNow(ethers: HardhatEthers): Promise<bigint> {
  const latest = await ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("the network returned no latest block");
  const next = await pendingBlockTime(ethers);
  const time = BigInt(latest.timestamp);
  return next !== undefined && next > time ? next : time;
}

/**
 * The pending block's timestamp, read raw (ethers cannot parse a block without a number), or
 * `undefined` when the node has no pending block.
 */
async function pendingBlockTime(ethers: HardhatEthers): Promise<bigint | undefined> {
  try {
    const block = (await ethers.provider.send("eth_getBlockByNumber", ["pending", false])) as {
      timestamp?: unknown;
    } | null;
    return typeof block?.timestamp === "string" ? BigInt(block.timestamp) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws unless `address` has code: a wallet must exist before its owner calls it directly.
 *
 * @example
 * await requireDeployedWallet(ethers, wallet);
 */
export async function requireDeployedWallet(ethers: HardhatEthers, wallet: string): Promise<void> {
  if ((await ethers.provider.getCode(wallet)) === "0x") {
    throw new Error(
      `wallet ${wallet} is not deployed on this chain: run \`npx hardhat wallet create\` first`,
    );
  }
}
