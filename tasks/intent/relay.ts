import {
  decodeFailureReason,
  parseSignedIntent,
  RelayerClient,
  WalletClient,
  type IntentStatusResponse,
  type RelayReturnType,
  type SignedIntent,
} from "../../src/sdk/index.js";
import { connectNetwork, signerAt, type TaskNetwork } from "../helpers/connect.js";
import type { ContractOptions } from "../helpers/contracts.js";
import { readJsonFile } from "../helpers/files.js";
import { printFields } from "../helpers/output.js";
import { taskAction } from "../helpers/taskAction.js";
import { counterfactualWallet } from "../helpers/wallet.js";

interface IntentRelayArguments extends ContractOptions {
  file?: string;
  relayerUrl?: string;
  wait: boolean;
  signer: number;
  owner?: string;
  walletSalt: bigint;
}

/** What `intent relay` did: relayed it here, or handed it to a relayer. */
export type IntentRelayResult =
  | { via: "direct"; id: string; success: boolean; deployed: boolean; transactionHash: string }
  | { via: "relayer"; id: string; status: IntentStatusResponse["status"]; alreadyKnown: boolean };

/** `intent relay`: relays a signed-intent file from the signer's account, or submits it to a relayer. */
export default taskAction(async (args: IntentRelayArguments, hre): Promise<IntentRelayResult> => {
  if (args.file === undefined) throw new Error("--file: required (a signed-intent JSON file)");
  const signed = parseSignedIntent(await readJsonFile(args.file, "--file"));
  const network = await connectNetwork(hre);
  if (signed.chainId !== network.chainId) {
    throw new Error(`--file: the intent is for chain ${signed.chainId}, not ${network.chainId}`);
  }
  if (args.relayerUrl !== undefined) return submitToRelayer(signed, args.relayerUrl, args.wait);
  const wallet = await walletClient(network, signed, args);
  const outcome = await wallet.relay(signed);
  printFields({
    intent: signed.id,
    wallet: wallet.address,
    outcome: describeOutcome(outcome),
    transaction: outcome.receipt.hash,
    block: outcome.receipt.blockNumber,
    gas: outcome.receipt.gasUsed,
  });
  return {
    via: "direct",
    id: signed.id,
    success: outcome.success,
    deployed: outcome.deployed,
    transactionHash: outcome.receipt.hash,
  };
});

/** The signed intent's wallet, sent from the signer; counterfactual with `--owner` (deploys it on the way). */
async function walletClient(
  network: TaskNetwork,
  signed: SignedIntent,
  args: IntentRelayArguments,
): Promise<WalletClient> {
  if (args.owner !== undefined) {
    const wallet = await counterfactualWallet(
      network,
      { ...args, salt: args.walletSalt },
      { send: true },
    );
    if (wallet.address !== signed.wallet) {
      throw new Error(
        `--owner ${args.owner} with --wallet-salt ${args.walletSalt} gives wallet ${wallet.address}, but the intent is for ${signed.wallet}`,
      );
    }
    return wallet;
  }
  const wallet = WalletClient.at(signed.wallet, await signerAt(network.ethers, args.signer));
  if (!(await wallet.isDeployed())) {
    throw new Error(
      `wallet ${signed.wallet} is not deployed: pass --owner (and --wallet-salt) to deploy it in the relay transaction, or run \`npx hardhat wallet create\``,
    );
  }
  return wallet;
}

async function submitToRelayer(
  signed: SignedIntent,
  url: string,
  wait: boolean,
): Promise<IntentRelayResult> {
  const relayer = new RelayerClient({ url });
  const { id, status, alreadyKnown } = await relayer.submit(signed);
  printFields({
    intent: id,
    relayer: url,
    status: alreadyKnown ? `${status} (already known)` : status,
  });
  if (!wait) return { via: "relayer", id, status, alreadyKnown };
  let last = status;
  const final = await relayer.waitFor(id, {
    onStatus: ({ status: current }) => {
      if (current !== last) console.log(`status   ${current}`);
      last = current;
    },
  });
  printFields({
    final: final.status,
    ...(final.txHash === undefined ? {} : { transaction: final.txHash }),
    ...(final.blockNumber === undefined ? {} : { block: final.blockNumber }),
    ...(final.reason === undefined
      ? {}
      : { reason: `${final.reason.code}: ${final.reason.message}` }),
  });
  return { via: "relayer", id, status: final.status, alreadyKnown };
}

function describeOutcome(outcome: RelayReturnType): string {
  const deployed = outcome.deployed ? " (the wallet was deployed in the same transaction)" : "";
  if (outcome.success) return `relayed: the calls succeeded${deployed}`;
  const reason =
    outcome.failure === null ? "" : `: ${decodeFailureReason(outcome.failure.reason).shortMessage}`;
  return `failed: the calls reverted${reason}${deployed}`;
}
