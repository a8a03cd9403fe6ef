import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Interface } from "ethers";

import type { BuildIntentParameters, Call, Intent, SignedIntent } from "../../src/sdk/index.js";
import type { TypedContractMethod } from "../../typechain-types/common.js";
import type { CallTarget, IntentWallet } from "../../typechain-types/index.js";
import {
  buildIntentNow,
  deployWalletWorld,
  signForWallet,
  type WalletWorld,
} from "./walletFixture.js";

/** The names of `Contract`'s functions, as TypeChain lists them. */
type FunctionName<Contract extends { interface: Interface }> = Parameters<
  Contract["interface"]["getFunction"]
>[0];

/** The arguments of `Contract`'s function `M`, as TypeChain types them. */
type ArgumentsOf<Contract, M extends keyof Contract> =
  Contract[M] extends TypedContractMethod<infer A, infer _R, infer _S> ? A : never;

/** A call, without value, of `world.target`'s function `method` with `args`. */
export async function targetCall<M extends FunctionName<CallTarget> & keyof CallTarget>(
  world: Pick<WalletWorld, "target">,
  method: M,
  args: ArgumentsOf<CallTarget, M>,
): Promise<Call> {
  const { target } = world;
  const data = (target.interface as Interface).encodeFunctionData(method, args);
  return { to: await target.getAddress(), value: 0n, data };
}

/** A call, without value, of the wallet to itself: its own function `method` with `args`. */
export function selfCall<M extends FunctionName<IntentWallet> & keyof IntentWallet>(
  world: Pick<WalletWorld, "wallet" | "walletAddress">,
  method: M,
  args: ArgumentsOf<IntentWallet, M>,
): Call {
  const data = (world.wallet.interface as Interface).encodeFunctionData(method, args);
  return { to: world.walletAddress, value: 0n, data };
}

/** Builds an intent with `buildIntentNow` and signs it for `world.wallet` with `signer` (the owner by default). */
export async function signedIntent(
  world: Pick<WalletWorld, "ethers" | "owner" | "walletAddress" | "chainId">,
  parameters: BuildIntentParameters,
  signer: HardhatEthersSigner = world.owner,
): Promise<{ intent: Intent; signed: SignedIntent }> {
  const intent = await buildIntentNow(world, parameters);
  return { intent, signed: await signForWallet(world, intent, signer) };
}

/** The revert data of `WalletCallReverted(index, data)`: call `index` of a batch reverted with `data`. */
export function walletCallReverted(
  world: Pick<WalletWorld, "wallet">,
  index: bigint,
  data: string,
): string {
  return world.wallet.interface.encodeErrorResult("WalletCallReverted", [index, data]);
}

/** `deployWalletWorld`, plus an owner-signed `intent` that pings the target with 7, and its `signed` form. */
export async function deployWalletWorldWithSignedPing(ethers: HardhatEthers) {
  const world = await deployWalletWorld(ethers);
  const { intent, signed } = await signedIntent(world, {
    calls: [await targetCall(world, "ping", [7n])],
  });
  return { ...world, intent, signed };
}
