import { parseSignedIntent, WalletClient, type IntentState } from "../../src/sdk/index.js";
import { connectNetwork } from "../helpers/connect.js";
import { readJsonFile } from "../helpers/files.js";
import { printFields } from "../helpers/output.js";
import { parseAddress, parseBytes32 } from "../helpers/parse.js";
import { taskAction } from "../helpers/taskAction.js";

interface IntentReceiptArguments {
  wallet?: string;
  id?: string;
  file?: string;
}

/** `intent receipt`: what the wallet recorded for an intent ID (or that it is pending or expired). */
export default taskAction(async (args: IntentReceiptArguments, hre): Promise<IntentState> => {
  const { wallet, id, intent } = await target(args);
  const { ethers } = await connectNetwork(hre);
  const state = await WalletClient.at(wallet, ethers.provider).intentState({ id, intent });
  printFields({ intent: id, wallet, status: describe(state) });
  return state;
});

/** One line: `relayed by 0x… in block 12`, `expired at 1732000000`, `pending`, ... */
function describe(state: IntentState): string {
  switch (state.status) {
    case "pending":
      return "pending (neither relayed nor canceled)";
    case "scheduled":
      return `scheduled: relayable from ${state.validAfter}`;
    case "expired":
      return `expired at ${state.expiration} (never relayed)`;
    case "relayed":
      return `relayed by ${state.relayer} in block ${state.blockNumber}`;
    case "failed":
      return `failed: relayed by ${state.relayer} in block ${state.blockNumber}, its calls reverted`;
    case "canceled":
      return `canceled by ${state.relayer} in block ${state.blockNumber}`;
  }
}

/** The intent asked about: from `--file` (which also gives its time window), or `--wallet` and `--id`. */
async function target(
  args: IntentReceiptArguments,
): Promise<{ wallet: string; id: string; intent?: { expiration: bigint; validAfter: bigint } }> {
  if (args.file !== undefined) {
    if (args.wallet !== undefined || args.id !== undefined) {
      throw new Error("pass either --file or --wallet with --id, not both");
    }
    const signed = parseSignedIntent(await readJsonFile(args.file, "--file"));
    return { wallet: signed.wallet, id: signed.id, intent: signed.intent };
  }
  if (args.wallet === undefined || args.id === undefined) {
    throw new Error("pass --wallet and --id (or --file, a signed-intent JSON file)");
  }
  return { wallet: parseAddress(args.wallet, "--wallet"), id: parseBytes32(args.id, "--id") };
}
