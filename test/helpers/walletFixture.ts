import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import {
  buildIntent,
  signIntent,
  type BuildIntentParameters,
  type Intent,
  type SignedIntent,
} from "../../src/sdk/index.js";
import type {
  CallTarget,
  IntentWallet,
  MockERC20,
  WalletFactory,
} from "../../typechain-types/index.js";

export interface WalletWorld {
  ethers: HardhatEthers;
  chainId: bigint;
  factory: WalletFactory;
  implementation: IntentWallet;
  owner: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  wallet: IntentWallet;
  walletAddress: string;
  target: CallTarget;
  token: MockERC20;
}

/**
 * Deploys the implementation, the factory, a wallet owned by the first signer, a call target
 * and a token (1,000 tokens minted to the wallet, 1 ETH sent to it).
 */
export async function deployWalletWorld(ethers: HardhatEthers): Promise<WalletWorld> {
  const [owner, relayer, stranger] = await ethers.getSigners();
  const implementation = await ethers.deployContract("IntentWallet");
  const factory = await ethers.deployContract("WalletFactory", [await implementation.getAddress()]);
  await factory.createWallet(owner.address, 0n);
  const walletAddress = await factory.walletAddress(owner.address, 0n);
  const wallet = await ethers.getContractAt("IntentWallet", walletAddress);
  const target = await ethers.deployContract("CallTarget");
  const token = await ethers.deployContract("MockERC20");
  await token.mint(walletAddress, 1000n * 10n ** 18n);
  await owner.sendTransaction({ to: walletAddress, value: 10n ** 18n });
  const { chainId } = await ethers.provider.getNetwork();
  return {
    ethers,
    chainId,
    factory: factory as unknown as WalletFactory,
    implementation: implementation as unknown as IntentWallet,
    owner,
    relayer,
    stranger,
    wallet: wallet as unknown as IntentWallet,
    walletAddress,
    target: target as unknown as CallTarget,
    token: token as unknown as MockERC20,
  };
}

/** Builds an intent with the SDK's defaults, "now" taken from the chain's latest block. */
export async function buildIntentNow(
  world: Pick<WalletWorld, "ethers">,
  parameters: BuildIntentParameters,
): Promise<Intent> {
  const block = await world.ethers.provider.getBlock("latest");
  return buildIntent({ now: BigInt(block!.timestamp), ...parameters });
}

/** Signs `intent` for `world.wallet` with `signer` (the owner unless told otherwise). */
export async function signForWallet(
  world: Pick<WalletWorld, "owner" | "walletAddress" | "chainId">,
  intent: Intent,
  signer: HardhatEthersSigner = world.owner,
  epoch = 0n,
): Promise<SignedIntent> {
  return signIntent({ signer, intent, wallet: world.walletAddress, chainId: world.chainId, epoch });
}
