import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { TransactionReceipt } from "ethers";

import {
  fromWalletAuthorization,
  getDelegationCode,
  readWalletKind,
  type WalletKind,
} from "../../src/sdk/index.js";
import { connectNetwork, signerAt, type TaskNetwork } from "../helpers/connect.js";
import { resolveImplementation, type ContractOptions } from "../helpers/contracts.js";
import {
  authorizeImplementation,
  readEoaKey,
  type EoaArguments,
  type EoaKey,
} from "../helpers/eoa.js";
import { printFields } from "../helpers/output.js";
import { taskAction } from "../helpers/taskAction.js";

interface WalletDelegateArguments extends EoaArguments, ContractOptions {
  /** The account that sends the type-4 transaction and pays its gas. */
  signer: number;
}

/** What `wallet delegate` did. */
export interface WalletDelegateResult {
  /** The EOA, a wallet at its own address. */
  address: string;
  implementation: string;
  /** The EOA's code: its delegation, `0xef0100 ‖ implementation`. */
  code: string;
  alreadyDelegated: boolean;
  /** The type-4 transaction; `null` when the EOA was delegated to the implementation already. */
  transactionHash: string | null;
}

/**
 * `wallet delegate`: makes an EOA a wallet at its own address (EIP-7702). The EOA signs its
 * authorization of the implementation; the `--signer` account sends it in a type-4 transaction
 * and pays, so the EOA needs no ETH. Nothing is sent when the EOA is delegated to it already.
 */
export default taskAction(
  async (args: WalletDelegateArguments, hre): Promise<WalletDelegateResult> => {
    const network = await connectNetwork(hre);
    const eoa = await readEoaKey(network, args);
    const payer = await signerAt(network.ethers, args.signer);
    if (payer.address === eoa.address) {
      throw new Error(
        `--signer ${args.signer} is the EOA itself: another account sends the delegation and pays for it`,
      );
    }
    const implementation = await resolveImplementation(network, args);
    const { provider } = network.ethers;
    const kind = await readWalletKind(provider, eoa.address, implementation);
    if (kind === "delegated") return report(eoa, implementation, null);
    await refuseContract(provider, eoa, kind);
    const receipt = await sendDelegation(payer, eoa, implementation);
    await requireDelegated(provider, eoa, implementation, receipt.hash);
    return report(eoa, implementation, receipt);
  },
);

/** Prints what was done (`receipt`; `null` when nothing was sent) and returns it. */
function report(
  eoa: EoaKey,
  implementation: string,
  receipt: TransactionReceipt | null,
): WalletDelegateResult {
  const code = getDelegationCode(implementation);
  const status =
    receipt === null
      ? "already delegated: nothing sent"
      : `delegated in ${receipt.hash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed}), paid by ${receipt.from}`;
  printFields({ eoa: eoa.address, code, status });
  return {
    address: eoa.address,
    implementation,
    code,
    alreadyDelegated: receipt === null,
    transactionHash: receipt?.hash ?? null,
  };
}

/** Throws unless the EOA's code is its delegation to `implementation` after `transaction`. */
async function requireDelegated(
  provider: TaskNetwork["ethers"]["provider"],
  eoa: EoaKey,
  implementation: string,
  transaction: string,
): Promise<void> {
  const code = await provider.getCode(eoa.address);
  if (code.toLowerCase() !== getDelegationCode(implementation)) {
    throw new Error(
      `transaction ${transaction} left ${eoa.address} with code ${code}, not its delegation: the chain ignored the authorization`,
    );
  }
}

/**
 * Throws unless the EOA has no code or a delegation elsewhere (which it may leave): an address
 * with contract code is no EOA, and a clone is a wallet already.
 */
async function refuseContract(
  provider: TaskNetwork["ethers"]["provider"],
  eoa: EoaKey,
  kind: WalletKind,
): Promise<void> {
  if (kind === "none") return;
  const code = (await provider.getCode(eoa.address)).toLowerCase();
  if (kind === "other" && code.startsWith("0xef0100") && code.length === 2 + 23 * 2) return;
  throw new Error(
    `${eoa.label} (${eoa.address}) has contract code (${kind === "clone" ? "a wallet clone" : "not a delegation"}): only an EOA can be delegated`,
  );
}

/** Sends the type-4 transaction that carries the EOA's authorization, from `payer`. */
async function sendDelegation(payer: HardhatEthersSigner, eoa: EoaKey, implementation: string) {
  const authorization = fromWalletAuthorization(await authorizeImplementation(eoa, implementation));
  const response = await payer.sendTransaction({
    to: eoa.address,
    type: 4,
    authorizationList: [authorization],
  });
  const receipt = await response.wait();
  if (receipt === null || receipt.status !== 1) {
    throw new Error(`the delegation transaction ${response.hash} failed`);
  }
  return receipt;
}
