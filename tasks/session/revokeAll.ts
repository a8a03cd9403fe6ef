import { readSessionEpoch, revokeAllSessionsCall, WalletClient } from "../../src/sdk/index.js";
import { connectNetwork, requireDeployedWallet, signerAt } from "../helpers/connect.js";
import { resolveModule, type ContractOptions } from "../helpers/contracts.js";
import { printFields } from "../helpers/output.js";
import { parseAddress } from "../helpers/parse.js";
import { taskAction } from "../helpers/taskAction.js";

interface SessionRevokeAllArguments extends ContractOptions {
  wallet?: string;
  signer: number;
}

/** What `session revoke-all` did. */
export interface SessionRevokeAllResult {
  wallet: string;
  /** The wallet's new session epoch, which new grants sign. */
  epoch: bigint;
  transactionHash: string;
}

/** `session revoke-all`: the owner revokes every session of the wallet (moves its session epoch). */
export default taskAction(
  async (args: SessionRevokeAllArguments, hre): Promise<SessionRevokeAllResult> => {
    if (args.wallet === undefined) throw new Error("--wallet: required");
    const wallet = parseAddress(args.wallet, "--wallet");
    const network = await connectNetwork(hre);
    const module = await resolveModule(network, args);
    await requireDeployedWallet(network.ethers, wallet);
    const owner = await signerAt(network.ethers, args.signer);
    const receipt = await WalletClient.at(wallet, owner).execute([
      revokeAllSessionsCall({ module }),
    ]);
    const epoch = await readSessionEpoch({ module, wallet, runner: network.ethers.provider });
    printFields({
      wallet,
      revoked: `every session granted before (the session epoch is now ${epoch})`,
      transaction: receipt.hash,
      block: receipt.blockNumber,
      gas: receipt.gasUsed,
    });
    return { wallet, epoch, transactionHash: receipt.hash };
  },
);
