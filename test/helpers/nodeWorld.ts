import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  HDNodeWallet,
  id,
  JsonRpcProvider,
  Network,
  Wallet,
  type ContractTransactionResponse,
} from "ethers";

import {
  CallTarget__factory,
  IntentBatcher__factory,
  IntentWallet__factory,
  MockERC20__factory,
  SessionKeyModule__factory,
  WalletFactory__factory,
} from "../../typechain-types/index.js";
import {
  HARDHAT_MNEMONIC,
  hardhatAccountPath,
  startHardhatNode,
  type HardhatNode,
} from "./hardhatNode.js";

/** One of the node's funded default accounts. */
export function nodeAccount(index: number, provider: JsonRpcProvider): HDNodeWallet {
  return HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, hardhatAccountPath(index)).connect(
    provider,
  );
}

async function mined(sent: Promise<ContractTransactionResponse>): Promise<void> {
  await (await sent).wait();
}

/**
 * A real `hardhat node` with the contracts deployed (by account #0, so the relayer's default
 * account #1 keeps its nonces to itself) and `walletCount` wallets of distinct owners (plain
 * keys that never hold ETH), each holding tokens. The `IntentBatcher` is deployed last, so the
 * other addresses are those of a world without it; a relayer uses it only when given it
 * (`RELAYER_BATCHER`).
 */
export async function startNodeWorld(walletCount = 3) {
  const node: HardhatNode = await startHardhatNode();
  const provider = new JsonRpcProvider(node.url, Network.from(node.chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval: 50,
  });
  const deployer = nodeAccount(0, provider);
  const implementation = await new IntentWallet__factory(deployer).deploy();
  const factory = await new WalletFactory__factory(deployer).deploy(
    await implementation.getAddress(),
  );
  const module = await new SessionKeyModule__factory(deployer).deploy();
  const target = await new CallTarget__factory(deployer).deploy();
  const token = await new MockERC20__factory(deployer).deploy();
  const owners = Array.from(
    { length: walletCount },
    (_, i) => new Wallet(id(`nodeWorld owner ${i}`)),
  );
  const wallets: string[] = [];
  for (const owner of owners) {
    await mined(factory.createWallet(owner.address, 0n));
    const wallet = await factory.walletAddress(owner.address, 0n);
    await mined(token.mint(wallet, 10n ** 24n));
    wallets.push(wallet);
  }
  const batcher = await new IntentBatcher__factory(deployer).deploy();
  await batcher.waitForDeployment();
  return {
    node,
    provider,
    chainId: node.chainId,
    deployer,
    implementation: await implementation.getAddress(),
    batcher: await batcher.getAddress(),
    factory,
    module,
    moduleAddress: await module.getAddress(),
    target,
    targetAddress: await target.getAddress(),
    token,
    tokenAddress: await token.getAddress(),
    owners,
    wallets,
    async stop() {
      provider.destroy();
      await node.stop();
    },
  };
}

export type NodeWorld = Awaited<ReturnType<typeof startNodeWorld>>;

/** The latest block's timestamp on the world's node: the "now" intents' expirations count from. */
export async function latestTimestamp(world: NodeWorld): Promise<bigint> {
  return BigInt((await world.provider.getBlock("latest"))!.timestamp);
}

/** A call of the world's `CallTarget.ping(x)`. */
export function pingCall(world: NodeWorld, x: bigint): { to: string; data: string } {
  return {
    to: world.targetAddress,
    data: world.target.interface.encodeFunctionData("ping", [x]),
  };
}

/**
 * The environment of a relayer serving `world` in tests: its node, its implementation, a fresh
 * database in a temporary folder, a fast tick and a short hold, then `extra` on top.
 */
export function relayerEnvFor(
  world: NodeWorld,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    RELAYER_RPC_URL: world.node.url,
    RELAYER_DB_PATH: join(mkdtempSync(join(tmpdir(), "relayer-")), "relayer.db"),
    RELAYER_IMPLEMENTATION: world.implementation,
    RELAYER_POLL_MS: "50",
    RELAYER_HOLD_MS: "1000",
    RELAYER_LOG_LEVEL: "warn",
    ...extra,
  };
}
