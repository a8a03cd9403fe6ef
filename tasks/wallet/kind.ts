import { readWalletKind, type WalletKind } from "../../src/sdk/index.js";
import { connectNetwork } from "../helpers/connect.js";
import { resolveImplementation, type ContractOptions } from "../helpers/contracts.js";
import { printFields } from "../helpers/output.js";
import { parseAddress } from "../helpers/parse.js";
import { taskAction } from "../helpers/taskAction.js";

interface WalletKindArguments extends ContractOptions {
  address?: string;
}

/** What `wallet kind` found. */
export interface WalletKindResult {
  address: string;
  implementation: string;
  kind: WalletKind;
}

/** What each kind means to the person at the terminal. */
const MEANING: Record<WalletKind, string> = {
  clone: "a wallet: a clone of the implementation",
  delegated: "a wallet: an EOA delegated to the implementation (EIP-7702)",
  none: "no code: an EOA not delegated (`wallet delegate` makes it a wallet), or nothing yet",
  other: "other code: another contract, or an EOA delegated elsewhere",
};

/**
 * `wallet kind`: prints what an address is to the implementation: `clone`, `delegated`, `none`
 * or `other`.
 */
export default taskAction(async (args: WalletKindArguments, hre): Promise<WalletKindResult> => {
  if (args.address === undefined) throw new Error("--address: required");
  const address = parseAddress(args.address, "--address");
  const network = await connectNetwork(hre);
  const implementation = await resolveImplementation(network, args);
  const kind = await readWalletKind(network.ethers.provider, address, implementation);
  printFields({ address, kind, meaning: MEANING[kind] });
  return { address, implementation, kind };
});
