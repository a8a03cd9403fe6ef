import { connectNetwork } from "../helpers/connect.js";
import { printFields } from "../helpers/output.js";
import { taskAction } from "../helpers/taskAction.js";
import { counterfactualWallet, type WalletDeploymentArguments } from "../helpers/wallet.js";

/** What `wallet create` did. */
export interface WalletCreateResult {
  address: string;
  alreadyDeployed: boolean;
  /** The deployment transaction; `null` when the wallet existed already. */
  transactionHash: string | null;
}

/** `wallet create`: deploys the wallet of (owner, salt) through the factory, once. */
export default taskAction(async (args: WalletDeploymentArguments, hre) => {
  const network = await connectNetwork(hre);
  const wallet = await counterfactualWallet(network, args, { send: true });
  const { owner, salt } = wallet.deployment!;
  const { alreadyDeployed, receipt } = await wallet.deploy();
  const status =
    receipt === null
      ? "already deployed: nothing sent"
      : `created in ${receipt.hash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`;
  printFields({ wallet: wallet.address, owner, salt, status });
  return {
    address: wallet.address,
    alreadyDeployed,
    transactionHash: receipt?.hash ?? null,
  } satisfies WalletCreateResult;
});
