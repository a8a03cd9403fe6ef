import { IntentWallet__factory } from "../../../typechain-types/factories/contracts/IntentWallet__factory.js";
import { InvalidParameterError } from "../../protocol/errors/invalidParameterError.js";
import type { Call } from "../../protocol/intent/types.js";
import { checkKeySet, checkOwnerKey, type KeySet } from "../../protocol/keys/keySet.js";
import { MAX_OWNER_KEYS } from "../../protocol/keys/keySetSignature.js";
import type { OwnerKey } from "../../protocol/keys/keys.js";

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

export interface OwnerKeyCallParameters {
  /** The wallet whose key set changes. */
  wallet: string;
  /**
   * The key: an ERC-7913 signer, hex (`addressKey`, `p256Key`, `webAuthnKey`, or a verifier's
   * address followed by its public key).
   */
  key: OwnerKey;
}

/**
 * The call that adds `key` to `wallet`'s key set. A wallet owned by one address becomes owned by
 * the key set {that address, `key`} with threshold 1. Throws an `InvalidParameterError` for a key
 * that is not hex of 20 to `MAX_OWNER_KEY_BYTES` bytes.
 *
 * @example
 * const passkey = webAuthnKey({ verifiers: await readKeyVerifiers({ wallet, runner: provider }), publicKey });
 * const intent = buildIntent({ calls: [addOwnerKeyCall({ wallet, key: passkey })] });
 * const signed = await signIntent({ signer: owner, intent, wallet, chainId });
 */
export function addOwnerKeyCall({ wallet, key }: OwnerKeyCallParameters): Call {
  checkOwnerKey(key, "key");
  return selfCall(wallet, walletInterface.encodeFunctionData("enrollSigner", [key]));
}

/**
 * The call that removes `key` from `wallet`'s key set. The wallet refuses it when fewer keys
 * than the threshold would remain (lower the threshold in the same intent first). Throws an
 * `InvalidParameterError` for a key that is not hex of 20 to `MAX_OWNER_KEY_BYTES` bytes.
 *
 * @example
 * const intent = buildIntent({
 *   calls: [setOwnerThresholdCall({ wallet, threshold: 1n }), removeOwnerKeyCall({ wallet, key: lostPhone })],
 * });
 */
export function removeOwnerKeyCall({ wallet, key }: OwnerKeyCallParameters): Call {
  checkOwnerKey(key, "key");
  return selfCall(wallet, walletInterface.encodeFunctionData("unregisterSigner", [key]));
}

export interface SetOwnerThresholdCallParameters {
  /** The wallet whose threshold changes. */
  wallet: string;
  /** How many distinct keys must sign from now on: at least 1, at most the number of keys. */
  threshold: bigint;
}

/**
 * The call that sets how many distinct keys of `wallet`'s key set must sign. Throws an
 * `InvalidParameterError` for a threshold outside [1, `MAX_OWNER_KEYS`] (the wallet checks it
 * against its number of keys).
 *
 * @example
 * const intent = buildIntent({ calls: [setOwnerThresholdCall({ wallet, threshold: 2n })] });
 */
export function setOwnerThresholdCall({
  wallet,
  threshold,
}: SetOwnerThresholdCallParameters): Call {
  if (typeof threshold !== "bigint" || threshold < 1n || threshold > BigInt(MAX_OWNER_KEYS))
    throw new InvalidParameterError({
      parameter: "threshold",
      shortMessage: `threshold ${String(threshold)} is not a bigint from 1 to ${MAX_OWNER_KEYS}`,
    });
  return selfCall(wallet, walletInterface.encodeFunctionData("setSigningThreshold", [threshold]));
}

export interface SetOwnerKeysCallParameters extends KeySet {
  /** The wallet handed to the key set. */
  wallet: string;
}

/**
 * The call that hands `wallet` to the key set (`keys`, `threshold`), replacing whoever owns it
 * (one address or another key set). Throws an `InvalidParameterError` for a key set the wallet
 * would refuse (`checkKeySet`: 1 to 32 distinct keys, a threshold from 1 to their number).
 *
 * @example
 * const keys = [addressKey(laptop.address), addressKey(phone.address), passkey];
 * const intent = buildIntent({ calls: [setOwnerKeysCall({ wallet, keys, threshold: 2n })] });
 */
export function setOwnerKeysCall({ wallet, keys, threshold }: SetOwnerKeysCallParameters): Call {
  checkKeySet({ keys, threshold });
  return selfCall(
    wallet,
    walletInterface.encodeFunctionData("handToKeySet", [[...keys], threshold]),
  );
}

/** A call, without value, of the wallet to itself. */
function selfCall(wallet: string, data: string): Call {
  return { to: wallet, value: 0n, data };
}
