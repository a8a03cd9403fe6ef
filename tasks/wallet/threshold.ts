import { setOwnerThresholdCall } from "../../src/sdk/index.js";
import { connectNetwork } from "../helpers/connect.js";
import { parseThreshold } from "../helpers/keys.js";
import {
  relayOwnerIntent,
  type OwnerIntentArguments,
  type OwnerIntentResult,
} from "../helpers/ownerIntent.js";
import { taskAction } from "../helpers/taskAction.js";

interface WalletThresholdArguments extends OwnerIntentArguments {
  threshold?: string;
}

/**
 * `wallet threshold`: sets how many of the wallet's keys must sign, by an owner intent signed by
 * enough of its current keys (the old threshold) and relayed from `--signer`.
 */
export default taskAction(
  async (args: WalletThresholdArguments, hre): Promise<OwnerIntentResult> => {
    if (args.threshold === undefined) {
      throw new Error("--threshold: required (how many keys must sign from now on)");
    }
    const text = args.threshold;
    const network = await connectNetwork(hre);
    return relayOwnerIntent(network, args, (wallet, { keys, threshold: current }) => {
      const threshold = parseThreshold(text, "--threshold", keys.length);
      if (threshold === current) {
        throw new Error(`--threshold ${threshold}: wallet ${wallet} has that threshold already`);
      }
      return [setOwnerThresholdCall({ wallet, threshold })];
    });
  },
);
