import {
  dataLength,
  dataSlice,
  getAddress,
  getBytes,
  Interface,
  toBeHex,
  type Provider,
} from "ethers";

import { IIntentValidator__factory } from "../../../typechain-types/factories/contracts/interfaces/IIntentValidator__factory.js";
import { isContractRevertError } from "../../protocol/errors/contractRevertError.js";
import { MODULE_SIGNATURE_KIND, OWNER_SIGNATURE_KIND } from "../../protocol/intent/signature.js";
import { KEY_SET_SIGNATURE_KIND } from "../../protocol/keys/keySetSignature.js";
import type { SignedIntent } from "../../protocol/intent/types.js";
import { recoverSigner } from "./ecdsa.js";
import {
  relayRevertOf,
  walletAt,
  walletRevert,
  type RelayRevert,
  type SignatureCheck,
} from "../chainReads.js";
import { delegates } from "../delegation/intake.js";
import { checkKeySetSignatureAhead, keySetOf } from "./keySetAhead.js";

const validatorInterface = IIntentValidator__factory.createInterface();
const VALIDATED = validatorInterface.getFunction("validateIntent")!.selector;

const erc1271Interface = new Interface([
  "function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)",
]);
const ERC1271_VALID = erc1271Interface.getFunction("isValidSignature")!.selector;

/**
 * Whether `signed.signature` authorizes its ID on its wallet, decided as the wallet will decide
 * it, for an intent whose simulated relay stops at `IntentNotYetValid` before the signature is
 * read (a scheduled intent). The owner's ECDSA signature is recovered here; an ERC-1271 owner or
 * a validator module is asked through eth_call from the wallet, as the wallet asks it, at the
 * chain's time now (a session that has not started yet but will have by `validAfter` is no
 * reason to refuse); a module's intent may call neither the wallet nor an installed module; a
 * key-set signature is checked entry by entry against the wallet's key set, or the one `create`
 * hands a wallet still to be created (`checkKeySetSignatureAhead`); an EOA still to be delegated
 * takes only its own key's signature (`checkDelegatingSignature`). Answers `ok`, or the revert
 * the relay would end with (`IntentInvalidSignature`, `WalletModuleNotInstalled`, the module's
 * own error, `IntentTargetForbidden`, the key set's errors).
 *
 * @example
 * const check = await checkSignatureAhead(provider, signed);
 * if (check.kind === "revert") console.log(check.reason.message); // "IntentInvalidSignature(id=0x…)"
 */
export async function checkSignatureAhead(
  provider: Provider,
  signed: SignedIntent,
): Promise<SignatureCheck> {
  const kind = dataLength(signed.signature) === 0 ? "0x" : dataSlice(signed.signature, 0, 1);
  if (await delegates(provider, signed)) return checkDelegatingSignature(signed, kind);
  if (kind === OWNER_SIGNATURE_KIND) {
    return checkOwnerSignature(provider, signed, dataSlice(signed.signature, 1));
  }
  if (kind === MODULE_SIGNATURE_KIND && dataLength(signed.signature) >= 21) {
    const module = getAddress(dataSlice(signed.signature, 1, 21));
    return checkModuleSignature(provider, signed, module, dataSlice(signed.signature, 21));
  }
  if (kind === KEY_SET_SIGNATURE_KIND) {
    const keySet = await keySetOf(provider, signed);
    // A wallet of one owner takes no key-set signature: the wallet finds it invalid.
    if (keySet !== undefined) return checkKeySetSignatureAhead(provider, signed, keySet);
  }
  return walletRevert("IntentInvalidSignature", [signed.id]);
}

/**
 * The signature of an EOA still to be delegated, as the wallet will decide it once delegated:
 * its owner is the EOA itself, whose key signs (kind `0x00`); it has no module or key set yet.
 */
function checkDelegatingSignature(signed: SignedIntent, kind: string): SignatureCheck {
  const signer =
    kind === OWNER_SIGNATURE_KIND ? recoverSigner(signed.id, dataSlice(signed.signature, 1)) : "";
  if (signer === getAddress(signed.wallet)) return { kind: "ok" };
  return walletRevert("IntentInvalidSignature", [signed.id]);
}

/** The owner's ECDSA signature of the ID, else the owner contract's ERC-1271 answer. */
async function checkOwnerSignature(
  provider: Provider,
  signed: SignedIntent,
  ownerSignature: string,
): Promise<SignatureCheck> {
  const owner = await walletAt(signed.wallet, provider).owner();
  if (await isOwnerSignature(provider, signed, owner, ownerSignature)) return { kind: "ok" };
  return walletRevert("IntentInvalidSignature", [signed.id]);
}

/**
 * Whether `ownerSignature` authorizes the ID for `owner`, as the wallet decides it: its ECDSA
 * signer is `owner`, else `owner`, a contract, accepts it through ERC-1271.
 *
 * @example
 * const valid = await isOwnerSignature(provider, signed, owner, dataSlice(signed.signature, 1));
 */
export async function isOwnerSignature(
  provider: Provider,
  signed: SignedIntent,
  owner: string,
  ownerSignature: string,
): Promise<boolean> {
  if (recoverSigner(signed.id, ownerSignature) === getAddress(owner)) return true;
  return isValidErc1271Signature(provider, signed, owner, ownerSignature);
}

/**
 * Whether `owner`, a contract, accepts `ownerSignature` of the ID through ERC-1271, asked from
 * the wallet as the wallet asks it: its answer is the magic value in a whole word, as
 * OpenZeppelin's `SignatureChecker` (the wallet's) requires. False for an owner without code.
 */
async function isValidErc1271Signature(
  provider: Provider,
  signed: SignedIntent,
  owner: string,
  ownerSignature: string,
): Promise<boolean> {
  if ((await provider.getCode(owner)) === "0x") return false;
  const data = erc1271Interface.encodeFunctionData("isValidSignature", [signed.id, ownerSignature]);
  try {
    return isMagicWord(
      await provider.call({ to: owner, from: signed.wallet, data }),
      ERC1271_VALID,
    );
  } catch {
    return false;
  }
}

/** The module is installed, it validates the intent, and no call targets the wallet or a module. */
async function checkModuleSignature(
  provider: Provider,
  signed: SignedIntent,
  module: string,
  moduleData: string,
): Promise<SignatureCheck> {
  const wallet = walletAt(signed.wallet, provider);
  if (!(await wallet.isModuleInstalled(module))) {
    return walletRevert("WalletModuleNotInstalled", [module]);
  }
  const epoch = await wallet.moduleEpoch();
  const validated = await moduleValidates(provider, signed, module, moduleData, epoch);
  if (validated.kind === "revert") return validated;
  for (const { to } of signed.intent.calls) {
    if (getAddress(to) === getAddress(signed.wallet) || (await wallet.isModuleInstalled(to))) {
      return walletRevert("IntentTargetForbidden", [signed.id, to]);
    }
  }
  return { kind: "ok" };
}

/** The module's `validateIntent`, called from the wallet as the wallet calls it. */
async function moduleValidates(
  provider: Provider,
  signed: SignedIntent,
  module: string,
  moduleData: string,
  moduleEpoch: bigint,
): Promise<SignatureCheck> {
  const data = validatorInterface.encodeFunctionData("validateIntent", [
    signed.id,
    signed.intent.calls,
    moduleData,
    moduleEpoch,
  ]);
  try {
    const answer = await provider.call({ to: module, from: signed.wallet, data });
    if (isMagicWord(answer, VALIDATED)) return { kind: "ok" };
    return walletRevert("IntentInvalidSignature", [signed.id]);
  } catch (error) {
    const revert = relayRevertOf(error);
    return sessionStartsBy(revert, signed.intent.validAfter) ? { kind: "ok" } : revert;
  }
}

/**
 * Whether `revert` is the session module's `SessionNotYetValid` for a session that starts by
 * `validAfter`: asked at the chain's time now, the module refuses what it will accept when the
 * intent becomes valid, so that is no reason to refuse the intent.
 */
function sessionStartsBy(revert: RelayRevert, validAfter: bigint): boolean {
  return (
    isContractRevertError(revert.error, "SessionNotYetValid") &&
    revert.error.namedArgs.validAfter <= validAfter
  );
}

/** Whether `answer` is exactly one word holding `selector`, left-aligned (an ABI-encoded `bytes4`). */
function isMagicWord(answer: string, selector: string): boolean {
  return answer.toLowerCase() === toBeHex(BigInt(selector) << 224n, 32);
}
