import { parseSignedIntent, WalletClient } from "../../src/sdk/index.js";
import { connectNetwork, requireDeployedWallet, signerAt } from "../helpers/connect.js";
import { readJsonFile } from "../helpers/files.js";
import { printFields } from "../helpers/output.js";
import { parseAddress, parseBytes32, splitList } from "../helpers/parse.js";
import { taskAction } from "../helpers/taskAction.js";

interface IntentCancelArguments {
  wallet?: string;
  ids?: string;
  file?: string;
  signer: number;
}

/** What `intent cancel` did. */
export interface IntentCancelResult {
  wallet: string;
  ids: string[];
  transactionHash: string;
}

/** `intent cancel`: the owner cancels unrelayed intent IDs of the wallet, directly (paying gas). */
export default taskAction(async (args: IntentCancelArguments, hre): Promise<IntentCancelResult> => {
  const { wallet, ids } = await intentsToCancel(args);
  const { ethers } = await connectNetwork(hre);
  await requireDeployedWallet(ethers, wallet);
  const owner = await signerAt(ethers, args.signer);
  const receipt = await WalletClient.at(wallet, owner).cancel(ids);
  printFields({
    wallet,
    canceled: ids.join(", "),
    transaction: receipt.hash,
    block: receipt.blockNumber,
    gas: receipt.gasUsed,
  });
  return { wallet, ids, transactionHash: receipt.hash };
});

/** The wallet and IDs: `--ids` (a comma list) of `--wallet`, and/or the intent of `--file`. */
async function intentsToCancel(
  args: IntentCancelArguments,
): Promise<{ wallet: string; ids: string[] }> {
  const signed =
    args.file === undefined
      ? undefined
      : parseSignedIntent(await readJsonFile(args.file, "--file"));
  const walletText = args.wallet ?? signed?.wallet;
  if (walletText === undefined) throw new Error("--wallet: required (or --file)");
  const wallet = parseAddress(walletText, "--wallet");
  if (signed !== undefined && signed.wallet !== wallet) {
    throw new Error(`--file: the intent is for wallet ${signed.wallet}, not --wallet ${wallet}`);
  }
  const ids = [
    ...(args.ids === undefined ? [] : splitList(args.ids).map((id) => parseBytes32(id, "--ids"))),
    ...(signed === undefined ? [] : [signed.id]),
  ];
  if (ids.length === 0) throw new Error("--ids: give the IDs to cancel (or --file)");
  return { wallet, ids };
}
