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
  const { chainId } = await ethers.provider.getNetwork();
  return { ethers, chainId, networkName, simulated: networkConfig.type === "edr-simulated" };
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
 * The latest block's timestamp: "now" for expirations and session windows, so they follow the
 * chain's clock (which a local chain may have moved ahead).
 *
 * @example
 * const now = await chainNow(ethers);
 */
export async function chainNow(ethers: HardhatEthers): Promise<bigint> {
  const block = await ethers.provider.getBlock("latest");
  if (block === null) throw new Error("the network returned no latest block");
  return BigInt(block.timestamp);
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
