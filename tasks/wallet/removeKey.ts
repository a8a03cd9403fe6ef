import { removeOwnerKeyCall } from "../../src/sdk/index.js";
import { connectNetwork } from "../helpers/connect.js";
import { parseOwnerKey } from "../helpers/keys.js";
import {
  relayOwnerIntent,
  type OwnerIntentArguments,
  type OwnerIntentResult,
} from "../helpers/ownerIntent.js";
import { taskAction } from "../helpers/taskAction.js";

interface WalletRemoveKeyArguments extends OwnerIntentArguments {
  key?: string;
}

/**
 * `wallet remove-key`: removes `--key` from the wallet's key set by an owner intent, signed by
 * its keys and relayed from `--signer`. Refuses, before signing, a key not in the set and a
 * removal that would leave fewer keys than the threshold.
 */
export default taskAction(
  async (args: WalletRemoveKeyArguments, hre): Promise<OwnerIntentResult> => {
    if (args.key === undefined)
      throw new Error("--key: required (an address, or a key's full hex)");
    const key = parseOwnerKey(args.key, "--key");
    const network = await connectNetwork(hre);
    return relayOwnerIntent(network, args, (wallet, { keys, threshold }) => {
      if (!keys.includes(key)) throw new Error(`--key ${key}: not a key of wallet ${wallet}`);
      if (BigInt(keys.length - 1) < threshold) {
        throw new Error(
          `--key: removing it would leave ${keys.length - 1} key${keys.length === 2 ? "" : "s"}, fewer than the threshold ${threshold}: lower it first with \`wallet threshold\``,
        );
      }
      return [removeOwnerKeyCall({ wallet, key })];
    });
  },
);
