import { connectNetwork } from "../helpers/connect.js";
import { printFields } from "../helpers/output.js";
import { taskAction } from "../helpers/taskAction.js";
import { counterfactualWallet, type WalletDeploymentArguments } from "../helpers/wallet.js";

/** What `wallet address` found. */
export interface WalletAddressResult {
  address: string;
  owner: string;
  salt: bigint;
  deployed: boolean;
}

/** `wallet address`: the counterfactual address of (owner, salt); sends nothing. */
export default taskAction(async (args: WalletDeploymentArguments, hre) => {
  const network = await connectNetwork(hre);
  const wallet = await counterfactualWallet(network, args, { send: false });
  const { owner, salt } = wallet.deployment!;
  const deployed = await wallet.isDeployed();
  printFields({ wallet: wallet.address, owner, salt, deployed });
  return { address: wallet.address, owner, salt, deployed } satisfies WalletAddressResult;
});
