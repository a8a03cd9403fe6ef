import {
  readSessionState,
  revokeSessionCall,
  WalletClient,
  type SessionState,
} from "../../src/sdk/index.js";
import { connectNetwork, requireDeployedWallet, signerAt } from "../helpers/connect.js";
import { readJsonFile } from "../helpers/files.js";
import { printFields } from "../helpers/output.js";
import { parseSignedGrant } from "../../src/sdk/index.js";
import { taskAction } from "../helpers/taskAction.js";

interface SessionRevokeArguments {
  file?: string;
  signer: number;
}

/** What `session revoke` did. */
export interface SessionRevokeResult {
  id: string;
  status: SessionState;
  transactionHash: string;
}

/** `session revoke`: the owner revokes one grant (registered or not), by direct `execute`. */
export default taskAction(
  async (args: SessionRevokeArguments, hre): Promise<SessionRevokeResult> => {
    if (args.file === undefined) throw new Error("--file: required (a signed-grant JSON file)");
    const { grant, module, chainId, id } = parseSignedGrant(
      await readJsonFile(args.file, "--file"),
    );
    const { ethers, chainId: networkChainId } = await connectNetwork(hre);
    if (chainId !== networkChainId) {
      throw new Error(`--file: the grant is for chain ${chainId}, not ${networkChainId}`);
    }
    await requireDeployedWallet(ethers, grant.wallet);
    const owner = await signerAt(ethers, args.signer);
    const receipt = await WalletClient.at(grant.wallet, owner).execute([
      revokeSessionCall({ module, grant }),
    ]);
    const status = await readSessionState({ module, grant, runner: ethers.provider });
    printFields({
      session: id,
      wallet: grant.wallet,
      status,
      transaction: receipt.hash,
      block: receipt.blockNumber,
      gas: receipt.gasUsed,
    });
    return { id, status, transactionHash: receipt.hash };
  },
);
