import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { Interface, Wallet, id, type Signer } from "ethers";

import {
  buildSessionGrant,
  signSessionGrant,
  signSessionIntent,
  type BuildIntentParameters,
  type BuildSessionGrantParameters,
  type Call,
  type Permission,
  type SessionGrant,
  type SignedIntent,
  type SignedSessionGrant,
} from "../../src/sdk/index.js";
import type { MockExchange, SessionKeyModule } from "../../typechain-types/index.js";
import { signedIntent } from "./intents.js";
import { buildIntentNow, deployWalletWorld, type WalletWorld } from "./walletFixture.js";

/** The trading actions a session may be granted on the exchange. */
export const PLACE_ORDER = "placeOrder(uint256,uint256)";
export const MODIFY_ORDER = "modifyOrder(uint256,uint256,uint256)";
export const CANCEL_ORDER = "cancelOrder(uint256)";
export const WITHDRAW = "withdraw(address,uint256)";

/** One hour, the default session length of these tests. */
export const SESSION_LENGTH = 3600n;

export interface SessionWorld extends WalletWorld {
  module: SessionKeyModule;
  moduleAddress: string;
  exchange: MockExchange;
  exchangeAddress: string;
  /** The app's session key: a local key, never funded, that signs intents without the owner. */
  sessionKey: Wallet;
}

/**
 * `deployWalletWorld`, plus the session-key module (installed on the wallet by the owner), a
 * toy exchange and a session key.
 */
export async function deploySessionWorld(ethers: HardhatEthers): Promise<SessionWorld> {
  const world = await deployWalletWorld(ethers);
  const module = await ethers.deployContract("SessionKeyModule");
  const moduleAddress = await module.getAddress();
  await world.wallet.connect(world.owner).installModule(moduleAddress);
  const exchange = await ethers.deployContract("MockExchange");
  return {
    ...world,
    module: module as unknown as SessionKeyModule,
    moduleAddress,
    exchange: exchange as unknown as MockExchange,
    exchangeAddress: await exchange.getAddress(),
    sessionKey: new Wallet(id("IntentWallet test session key")),
  };
}

/** The latest block's timestamp. */
export async function now(world: Pick<WalletWorld, "ethers">): Promise<bigint> {
  const block = await world.ethers.provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

/** Permissions for `functionSignatures` on the exchange (place, modify and cancel by default). */
export function exchangePermissions(
  world: Pick<SessionWorld, "exchangeAddress">,
  functionSignatures: string[] = [PLACE_ORDER, MODIFY_ORDER, CANCEL_ORDER],
): Permission[] {
  return functionSignatures.map((functionSignature) => ({
    target: world.exchangeAddress,
    functionSignature,
  }));
}

/**
 * A grant of the trading permissions to `world.sessionKey` for `world.wallet`, usable at once
 * for `SESSION_LENGTH` seconds; any field can be overridden.
 */
export async function tradingGrant(
  world: SessionWorld,
  overrides: Partial<BuildSessionGrantParameters> = {},
): Promise<SessionGrant> {
  return buildSessionGrant({
    wallet: world.walletAddress,
    app: "trade.example.com",
    sessionKey: world.sessionKey.address,
    permissions: exchangePermissions(world),
    validUntil: (await now(world)) + SESSION_LENGTH,
    ...overrides,
  });
}

/** `grant` signed by `signer` (the owner by default) for the module on the world's chain. */
export async function signGrant(
  world: SessionWorld,
  grant: SessionGrant,
  signer: Signer = world.owner,
  chainId: bigint = world.chainId,
): Promise<SignedSessionGrant> {
  return signSessionGrant({ signer, grant, module: world.moduleAddress, chainId });
}

/** A call, without value, of the exchange's function `functionSignature` with `args`. */
export function exchangeCall(
  world: Pick<SessionWorld, "exchangeAddress">,
  functionSignature: string,
  args: unknown[],
): Call {
  const data = new Interface([`function ${functionSignature}`]).encodeFunctionData(
    functionSignature,
    args,
  );
  return { to: world.exchangeAddress, value: 0n, data };
}

/** A call, without value, of the session-key module's function `method` with `args`. */
export function moduleCall(
  world: Pick<SessionWorld, "module" | "moduleAddress">,
  method: string,
  args: unknown[],
): Call {
  const data = (world.module.interface as Interface).encodeFunctionData(method, args);
  return { to: world.moduleAddress, value: 0n, data };
}

/** Builds an intent for `world.wallet` and signs it with the session key (or `options.sessionKey`). */
export async function sessionIntent(
  world: SessionWorld,
  parameters: BuildIntentParameters,
  options: { carry?: SignedSessionGrant; sessionKey?: Signer; wallet?: string } = {},
): Promise<SignedIntent> {
  const intent = await buildIntentNow(world, parameters);
  return signSessionIntent({
    sessionKey: options.sessionKey ?? world.sessionKey,
    intent,
    wallet: options.wallet ?? world.walletAddress,
    chainId: world.chainId,
    module: world.moduleAddress,
    carry: options.carry,
  });
}

/** Relays `signed` on `world.wallet` from the relayer account. */
export async function relay(world: SessionWorld, signed: SignedIntent) {
  return world.wallet.connect(world.relayer).relay(signed.intent, signed.signature);
}

/** Registers `grant` through an owner-signed intent that calls `registerSession`, relayed by the relayer. */
export async function registerByOwnerIntent(world: SessionWorld, grant: SessionGrant) {
  const { signed } = await signedIntent(world, {
    calls: [moduleCall(world, "registerSession", [grant])],
  });
  return relay(world, signed);
}

/** Calls the module's `method` from the wallet through the owner's direct `execute`. */
export async function ownerExecutesOnModule(world: SessionWorld, method: string, args: unknown[]) {
  return world.wallet.connect(world.owner).execute([moduleCall(world, method, args)]);
}

/** `deploySessionWorld`, plus a trading grant signed by the owner and registered through an owner intent. */
export async function deploySessionWorldWithRegisteredGrant(ethers: HardhatEthers) {
  const world = await deploySessionWorld(ethers);
  const grant = await tradingGrant(world);
  const signedGrant = await signGrant(world, grant);
  await registerByOwnerIntent(world, grant);
  return { ...world, grant, signedGrant };
}
