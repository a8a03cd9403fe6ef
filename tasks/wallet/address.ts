import { connectNetwork } from "../helpers/connect.js";
import { printKeySet } from "../helpers/keys.js";
import { printFields } from "../helpers/output.js";
import { taskAction } from "../helpers/taskAction.js";
import {
  counterfactualWallet,
  describeDeploymentKeys,
  type WalletDeploymentArguments,
} from "../helpers/wallet.js";

/** What `wallet address` found for a wallet owned by one address. */
export interface WalletAddressResult {
  address: string;
  owner: string;
  salt: bigint;
  deployed: boolean;
}

/** What `wallet address --keys ... --threshold ...` found for a wallet owned by a key set. */
export interface KeySetWalletAddressResult {
  address: string;
  /** The keys, lower-case hex, in the order given. */
  keys: string[];
  threshold: bigint;
  salt: bigint;
  deployed: boolean;
}

/** `wallet address`: the counterfactual address of (owner, salt) or (keys, threshold, salt); sends nothing. */
export default taskAction(
  async (
    args: WalletDeploymentArguments,
    hre,
  ): Promise<WalletAddressResult | KeySetWalletAddressResult> => {
    const network = await connectNetwork(hre);
    const wallet = await counterfactualWallet(network, args, { send: false });
    const deployed = await wallet.isDeployed();
    const keySet = wallet.keySetDeployment;
    if (keySet !== null) {
      const { keys, threshold, salt } = keySet;
      printFields({ wallet: wallet.address, salt, deployed });
      printKeySet({ keys, threshold, described: await describeDeploymentKeys(network, keySet) });
      return {
        address: wallet.address,
        keys: [...keys],
        threshold,
        salt,
        deployed,
      } satisfies KeySetWalletAddressResult;
    }
    const { owner, salt } = wallet.deployment!;
    printFields({ wallet: wallet.address, owner, salt, deployed });
    return { address: wallet.address, owner, salt, deployed } satisfies WalletAddressResult;
  },
);
