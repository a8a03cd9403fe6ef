import { id, Wallet, type Signer } from "ethers";

import {
  buildIntent,
  computeWalletAddress,
  signIntent,
  type BuildIntentParameters,
  type SignedIntent,
  type WalletCreation,
} from "../../src/sdk/index.js";
import { latestTimestamp, nodeAccount, type NodeWorld } from "./nodeWorld.js";

/** A wallet of the world's factory that does not exist yet: who signs for it, its address, its creation. */
export interface Counterfactual {
  /** The key that signs its intents: its owner, or the signer of its ERC-1271 owner. */
  key: Wallet;
  address: string;
  create: WalletCreation;
}

/**
 * The counterfactual wallet of `owner` (default: a fresh key named by `label`, which is also
 * its `key`) and `salt` from the world's factory, funded with `value` wei by the node's
 * account #0 before it exists.
 */
export async function fundedCounterfactual(
  world: NodeWorld,
  label: string,
  options: { salt?: bigint; value?: bigint; owner?: string } = {},
): Promise<Counterfactual> {
  const { salt = 0n, value = 10n ** 17n } = options;
  const key = new Wallet(id(`counterfactual owner ${label}`));
  const owner = options.owner ?? key.address;
  const factory = await world.factory.getAddress();
  const { implementation } = world;
  const address = computeWalletAddress({ factory, implementation, owner, salt });
  const funding = await nodeAccount(0, world.provider).sendTransaction({ to: address, value });
  await funding.wait();
  return { key, address, create: { factory, owner, salt } };
}

/**
 * An intent of `wallet` built with the SDK's defaults on the node's time, signed by `signer`
 * (its key unless told otherwise), carrying its `create` unless told another (or `undefined`).
 */
export async function signForCounterfactual(
  world: NodeWorld,
  wallet: Counterfactual,
  parameters: BuildIntentParameters,
  options: { signer?: Signer; create?: WalletCreation | undefined; epoch?: bigint } = {},
): Promise<SignedIntent> {
  const create = "create" in options ? options.create : wallet.create;
  return signIntent({
    signer: options.signer ?? wallet.key,
    intent: buildIntent({ now: await latestTimestamp(world), ...parameters }),
    wallet: wallet.address,
    chainId: world.chainId,
    epoch: options.epoch,
    create,
  });
}
