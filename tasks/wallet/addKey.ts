import { addOwnerKeyCall } from "../../src/sdk/index.js";
import { connectNetwork } from "../helpers/connect.js";
import { parseOwnerKey } from "../helpers/keys.js";
import {
  relayOwnerIntent,
  type OwnerIntentArguments,
  type OwnerIntentResult,
} from "../helpers/ownerIntent.js";
import { taskAction } from "../helpers/taskAction.js";

interface WalletAddKeyArguments extends OwnerIntentArguments {
  key?: string;
}

/**
 * `wallet add-key`: adds `--key` to the wallet's key set by an owner intent, signed by its keys
 * and relayed from `--signer`. A wallet owned by one address becomes owned by {it, the key},
 * threshold 1.
 */
export default taskAction(async (args: WalletAddKeyArguments, hre): Promise<OwnerIntentResult> => {
  if (args.key === undefined) throw new Error("--key: required (an address, or a key's full hex)");
  const key = parseOwnerKey(args.key, "--key");
  const network = await connectNetwork(hre);
  return relayOwnerIntent(network, args, (wallet, { keys }) => {
    if (keys.includes(key)) throw new Error(`--key ${key}: already a key of wallet ${wallet}`);
    return [addOwnerKeyCall({ wallet, key })];
  });
});
