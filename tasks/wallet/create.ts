import { connectNetwork } from "../helpers/connect.js";
import { printKeySet } from "../helpers/keys.js";
import { printFields } from "../helpers/output.js";
import { taskAction } from "../helpers/taskAction.js";
import {
  counterfactualWallet,
  describeDeploymentKeys,
  type WalletDeploymentArguments,
} from "../helpers/wallet.js";

/** What `wallet create` did. */
export interface WalletCreateResult {
  address: string;
  alreadyDeployed: boolean;
  /** The deployment transaction; `null` when the wallet existed already. */
  transactionHash: string | null;
}

/**
 * `wallet create`: deploys the wallet of (owner, salt), or of (keys, threshold, salt) with
 * `--keys`, through the factory, once.
 */
export default taskAction(async (args: WalletDeploymentArguments, hre) => {
  const network = await connectNetwork(hre);
  const wallet = await counterfactualWallet(network, args, { send: true });
  const { alreadyDeployed, receipt } = await wallet.deploy();
  const status =
    receipt === null
      ? "already deployed: nothing sent"
      : `created in ${receipt.hash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`;
  const keySet = wallet.keySetDeployment;
  if (keySet === null) {
    const { owner, salt } = wallet.deployment!;
    printFields({ wallet: wallet.address, owner, salt, status });
  } else {
    printFields({ wallet: wallet.address, salt: keySet.salt, status });
    printKeySet({ ...keySet, described: await describeDeploymentKeys(network, keySet) });
  }
  return {
    address: wallet.address,
    alreadyDeployed,
    transactionHash: receipt?.hash ?? null,
  } satisfies WalletCreateResult;
});
