import type { OwnerKey, OwnerKeyDescription } from "../../src/sdk/index.js";
import { connectNetwork, requireDeployedWallet } from "../helpers/connect.js";
import { printKeySet } from "../helpers/keys.js";
import { readOwners } from "../helpers/ownerIntent.js";
import { printFields } from "../helpers/output.js";
import { parseAddress } from "../helpers/parse.js";
import { taskAction } from "../helpers/taskAction.js";

interface WalletKeysArguments {
  wallet?: string;
}

/** What `wallet keys` found: who signs for the wallet. */
export interface WalletKeysResult {
  wallet: string;
  /** `address`: one address owns it (in its clone code); `keySet`: a key set does. */
  ownedBy: "address" | "keySet";
  /** The keys, lower-case hex: `[owner]` for a wallet owned by one address. */
  keys: OwnerKey[];
  /** What each key is, in the same order. */
  described: OwnerKeyDescription[];
  threshold: bigint;
}

/** `wallet keys`: prints who signs for a wallet: its keys, each with its kind, and the threshold. */
export default taskAction(async (args: WalletKeysArguments, hre): Promise<WalletKeysResult> => {
  if (args.wallet === undefined) throw new Error("--wallet: required");
  const wallet = parseAddress(args.wallet, "--wallet");
  const network = await connectNetwork(hre);
  await requireDeployedWallet(network.ethers, wallet);
  const { owner, keys, described, threshold } = await readOwners(network, wallet);
  printFields({
    wallet,
    "owned by":
      owner === null
        ? "a key set"
        : "one address (`wallet add-key` turns it into a key set of it and the new key)",
  });
  printKeySet({ keys, threshold, described });
  return { wallet, ownedBy: owner === null ? "keySet" : "address", keys, described, threshold };
});
