import { WalletClient } from "../../src/sdk/index.js";
import { signerAt, type TaskNetwork } from "./connect.js";
import { resolveFactory, type ContractOptions } from "./contracts.js";
import { parseAddress } from "./parse.js";

/** The options that name a wallet by its deployment: owner, owner's salt, factory. */
export interface WalletDeploymentArguments extends ContractOptions {
  /** The owner; defaults to the `signer` account. */
  owner?: string;
  salt: bigint;
  /** The account that sends the task's transactions (and the default owner). */
  signer: number;
}

/**
 * The counterfactual wallet of `--owner` (default: the `--signer` account) and `--salt` from the
 * resolved factory. With `send`, connected to the signer (who pays for what the task sends);
 * otherwise to the provider, and no account is needed when `--owner` is given.
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
  const needsSigner = send || args.owner === undefined;
  const signer = needsSigner ? await signerAt(network.ethers, args.signer) : undefined;
  const owner = args.owner === undefined ? signer!.address : parseAddress(args.owner, "--owner");
  const { factory, implementation } = await resolveFactory(network, args);
  return WalletClient.counterfactual({
    factory,
    implementation,
    owner,
    salt: args.salt,
    runner: signer ?? network.ethers.provider,
  });
}
