import {
  describeOwnerKey,
  readKeyVerifiers,
  WalletClient,
  type KeySetWalletDeployment,
  type OwnerKeyDescription,
} from "../../src/sdk/index.js";
import { signerAt, type TaskNetwork } from "./connect.js";
import { resolveFactory, type ContractOptions } from "./contracts.js";
import { parseOwnerKeys, parseThreshold } from "./keys.js";
import { parseAddress } from "./parse.js";

/**
 * The options that name a wallet by its deployment: owner (or key set), salt, factory.
 */
export interface WalletDeploymentArguments extends ContractOptions {
  /** The owner; defaults to the `signer` account. */
  owner?: string;
  /** Instead of an owner: the comma list of the key set's keys (addresses or full hex). */
  keys?: string;
  /** With `keys`: how many of them must sign. */
  threshold?: string;
  salt: bigint;
  /** The account that sends the task's transactions (and the default owner). */
  signer: number;
}

/**
 * The counterfactual wallet of `--owner` (default: the `--signer` account) and `--salt` from the
 * resolved factory, or, with `--keys` and `--threshold`, of that key set and `--salt`. With
 * `send`, connected to the signer (who pays for what the task sends); otherwise to the
 * provider, and no account is needed when `--owner` or `--keys` is given.
 *
 * @example
 * const wallet = await counterfactualWallet(network, args, { send: false });
 * console.log(wallet.address, await wallet.isDeployed());
 */
export async function counterfactualWallet(
  network: TaskNetwork,
  args: WalletDeploymentArguments,
  { send }: { send: boolean },
): Promise<WalletClient> {
  const keySet = readKeySetOptions(args);
  const needsSigner = send || (args.owner === undefined && keySet === undefined);
  const signer = needsSigner ? await signerAt(network.ethers, args.signer) : undefined;
  const runner = signer ?? network.ethers.provider;
  const { factory, implementation } = await resolveFactory(network, args);
  if (keySet !== undefined) {
    return WalletClient.counterfactualWithKeys({
      factory,
      implementation,
      ...keySet,
      salt: args.salt,
      runner,
    });
  }
  const owner = args.owner === undefined ? signer!.address : parseAddress(args.owner, "--owner");
  return WalletClient.counterfactual({ factory, implementation, owner, salt: args.salt, runner });
}

/**
 * What each key of a key-set deployment is (`describeOwnerKey`), with the verifiers its
 * implementation names: the wallet need not exist yet.
 *
 * @example
 * const keySet = wallet.keySetDeployment!;
 * printKeySet({ ...keySet, described: await describeDeploymentKeys(network, keySet) });
 */
export async function describeDeploymentKeys(
  network: TaskNetwork,
  { implementation, keys }: KeySetWalletDeployment,
): Promise<OwnerKeyDescription[]> {
  const verifiers = await readKeyVerifiers({
    wallet: implementation,
    runner: network.ethers.provider,
  });
  return keys.map((key) => describeOwnerKey({ key, verifiers }));
}

/** `--keys` and `--threshold` read together, or `undefined` for a one-owner wallet. */
function readKeySetOptions(
  args: WalletDeploymentArguments,
): { keys: string[]; threshold: bigint } | undefined {
  if (args.keys === undefined) {
    if (args.threshold !== undefined) {
      throw new Error("--threshold counts keys of a key set: give the keys with --keys");
    }
    return undefined;
  }
  if (args.owner !== undefined) {
    throw new Error(
      "give either --owner (one address owns the wallet) or --keys (a key set), not both",
    );
  }
  const keys = parseOwnerKeys(args.keys, "--keys");
  if (args.threshold === undefined) {
    throw new Error(
      `--threshold: required with --keys (how many of the ${keys.length} keys must sign)`,
    );
  }
  return { keys, threshold: parseThreshold(args.threshold, "--threshold", keys.length) };
}
