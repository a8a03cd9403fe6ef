import { IntentWallet__factory } from "../../../typechain-types/factories/contracts/IntentWallet__factory.js";
import type { Call } from "../../protocol/intent/types.js";

const walletInterface = IntentWallet__factory.createInterface();

/*
 * Call builders for the owner's actions as intents: each returns the `Call` by which the wallet
 * calls itself. Put it in an intent the owner signs (`buildIntent` + `signIntent`) and let any
 * relayer relay it; the owner pays no gas. The wallet accepts these calls only from owner-signed
 * intents (or the owner's `execute`), never from session keys.
 */

export interface CancelCallParameters {
  /** The wallet whose intents are canceled. */
  wallet: string;
  /** The IDs to cancel; IDs canceled already are skipped, a relayed ID reverts the batch. */
  ids: readonly string[];
}

/**
 * The call that cancels unrelayed intents `ids` of `wallet`.
 *
 * @example
 * const intent = buildIntent({ calls: [cancelCall({ wallet, ids: [limitOrder.id] })] });
 * const signed = await signIntent({ signer: owner, intent, wallet, chainId });
 */
export function cancelCall({ wallet, ids }: CancelCallParameters): Call {
  return selfCall(wallet, walletInterface.encodeFunctionData("cancelIntents", [[...ids]]));
}

export interface InvalidateAllIntentsCallParameters {
  /** The wallet whose outstanding intents all become invalid. */
  wallet: string;
}

/**
 * The call that invalidates every unrelayed intent of `wallet` at once (it moves the wallet's
 * intent epoch). Intents signed afterwards must sign the new epoch.
 *
 * @example
 * const intent = buildIntent({ calls: [invalidateAllIntentsCall({ wallet })] });
 */
export function invalidateAllIntentsCall({ wallet }: InvalidateAllIntentsCallParameters): Call {
  return selfCall(wallet, walletInterface.encodeFunctionData("invalidateAllIntents"));
}

export interface ChangeOwnerCallParameters {
  /** The wallet handed over. */
  wallet: string;
  /** The new owner: an EOA or an ERC-1271 contract, never zero nor the wallet. */
  newOwner: string;
}

/**
 * The call that hands `wallet` to `newOwner`.
 *
 * @example
 * const intent = buildIntent({ calls: [changeOwnerCall({ wallet, newOwner: recoveryKey })] });
 */
export function changeOwnerCall({ wallet, newOwner }: ChangeOwnerCallParameters): Call {
  return selfCall(wallet, walletInterface.encodeFunctionData("changeOwner", [newOwner]));
}

export interface ModuleCallParameters {
  /** The wallet whose modules change. */
  wallet: string;
  /** The validator module. */
  module: string;
}

/**
 * The call that installs validator `module` on `wallet`.
 *
 * @example
 * const intent = buildIntent({ calls: [installModuleCall({ wallet, module: sessionKeyModule })] });
 */
export function installModuleCall({ wallet, module }: ModuleCallParameters): Call {
  return selfCall(wallet, walletInterface.encodeFunctionData("installModule", [module]));
}

/**
 * The call that uninstalls validator `module` from `wallet`. For the session-key module prefer
 * `uninstallSessionModuleCalls`, which revokes all sessions first (uninstalling alone only pauses them).
 *
 * @example
 * const intent = buildIntent({ calls: [uninstallModuleCall({ wallet, module: oldModule })] });
 */
export function uninstallModuleCall({ wallet, module }: ModuleCallParameters): Call {
  return selfCall(wallet, walletInterface.encodeFunctionData("uninstallModule", [module]));
}

/** A call, without value, of the wallet to itself. */
function selfCall(wallet: string, data: string): Call {
  return { to: wallet, value: 0n, data };
}
