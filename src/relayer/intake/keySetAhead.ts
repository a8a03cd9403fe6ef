import {
  dataLength,
  dataSlice,
  getAddress,
  Interface,
  toBeHex,
  ZeroAddress,
  type Provider,
} from "ethers";

import { InvalidParameterError } from "../../protocol/errors/invalidParameterError.js";
import { isKeySetCreation, type SignedIntent } from "../../protocol/intent/types.js";
import type { KeySet } from "../../protocol/keys/keySet.js";
import { decodeKeySignatures, type KeySignature } from "../../protocol/keys/keySetSignature.js";
import { walletAt, walletRevert, type SignatureCheck } from "../chainReads.js";
import { recoverSigner } from "./ecdsa.js";

/** The ERC-1271 and ERC-7913 calls a keyed entry is verified with, and their magic values. */
const verifierInterface = new Interface([
  "function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)",
  "function verify(bytes key, bytes32 hash, bytes signature) view returns (bytes4)",
]);
const ERC1271_VALID = verifierInterface.getFunction("isValidSignature")!.selector;
const ERC7913_VALID = verifierInterface.getFunction("verify")!.selector;

/**
 * The key set that judges `signed`'s key-set signature: the one its `create` hands a wallet that
 * has no code yet, else the wallet's own (`listKeys()`); `undefined` for a wallet owned by one
 * address (`owner()` not zero), which takes no key-set signature.
 *
 * @example
 * const keySet = await keySetOf(provider, signed);
 */
export async function keySetOf(
  provider: Provider,
  signed: SignedIntent,
): Promise<KeySet | undefined> {
  const { create } = signed;
  if (create !== undefined && isKeySetCreation(create)) {
    if ((await provider.getCode(signed.wallet)) === "0x") return create;
  }
  const wallet = walletAt(signed.wallet, provider);
  if ((await wallet.owner()) !== ZeroAddress) return undefined;
  const [keys, threshold] = await wallet.listKeys();
  return { keys, threshold };
}

/**
 * Whether the key-set signature of `signed` (`0x02 ‖ entries`) authorizes its ID under `keySet`,
 * decided as the wallet's `OwnerKeySignatures` decides it, for an intent whose simulated relay
 * stops before the signature is read (a scheduled intent). Entry by entry: a secp256k1 entry's
 * key is the address it recovers (here, no JSON-RPC call); a key seen before is repeated; a key
 * outside the set is not in it; a keyed entry's signature is verified last, as the wallet
 * verifies it, through eth_call from the wallet: an address by ECDSA (no code) or ERC-1271, any
 * other key by its verifier's ERC-7913 `verify`. Then at least `threshold` keys must have signed.
 * Answers `ok`, or the wallet's error: `IntentInvalidSignature` (malformed entries),
 * `IntentKeyRepeated`, `IntentKeyNotInSet`, `IntentKeySignatureInvalid`, `IntentBelowThreshold`.
 *
 * @example
 * const check = await checkKeySetSignatureAhead(provider, signed, { keys, threshold: 2n });
 * if (check.kind === "revert") console.log(check.reason.message); // "IntentBelowThreshold(id=0x…, signatures=1, threshold=2)"
 */
export async function checkKeySetSignatureAhead(
  provider: Provider,
  signed: SignedIntent,
  keySet: KeySet,
): Promise<SignatureCheck> {
  const signatures = entriesOf(signed);
  if (signatures === undefined) return walletRevert("IntentInvalidSignature", [signed.id]);
  const members = new Set(keySet.keys.map((key) => key.toLowerCase()));
  const signers = new Set<string>();
  for (const entry of signatures) {
    const key = keyOf(signed.id, entry);
    if (key === undefined) return walletRevert("IntentInvalidSignature", [signed.id]);
    if (signers.has(key)) return walletRevert("IntentKeyRepeated", [signed.id, key]);
    if (!members.has(key)) return walletRevert("IntentKeyNotInSet", [signed.id, key]);
    if ("key" in entry && !(await verifies(provider, signed, key, entry.signature))) {
      return walletRevert("IntentKeySignatureInvalid", [signed.id, key]);
    }
    signers.add(key);
  }
  if (BigInt(signers.size) >= keySet.threshold) return { kind: "ok" };
  return walletRevert("IntentBelowThreshold", [signed.id, signers.size, keySet.threshold]);
}

/** The entries of `signed`'s key-set signature, or `undefined` where the wallet finds them malformed. */
function entriesOf(signed: SignedIntent): KeySignature[] | undefined {
  try {
    return decodeKeySignatures(dataSlice(signed.signature, 1));
  } catch (error) {
    if (error instanceof InvalidParameterError) return undefined;
    throw error;
  }
}

/** The key of an entry, lower-case: a secp256k1 entry's recovered address (none if it recovers none). */
function keyOf(id: string, entry: KeySignature): string | undefined {
  if ("key" in entry) return entry.key.toLowerCase();
  return recoverSigner(id, entry.secp256k1)?.toLowerCase();
}

/**
 * Whether `key` signed the ID with `signature`, as OpenZeppelin's `SignatureChecker` decides it
 * for an ERC-7913 signer: an address without code by ECDSA, one with code by ERC-1271, a longer
 * key by its verifier (its first 20 bytes) given the rest of the key.
 */
async function verifies(
  provider: Provider,
  signed: SignedIntent,
  key: string,
  signature: string,
): Promise<boolean> {
  if (dataLength(key) < 20) return false;
  const head = getAddress(dataSlice(key, 0, 20));
  if (dataLength(key) === 20) {
    if ((await provider.getCode(head)) === "0x")
      return recoverSigner(signed.id, signature) === head;
    const data = verifierInterface.encodeFunctionData("isValidSignature", [signed.id, signature]);
    return answersMagic(provider, signed.wallet, head, data, ERC1271_VALID);
  }
  const data = verifierInterface.encodeFunctionData("verify", [
    dataSlice(key, 20),
    signed.id,
    signature,
  ]);
  return answersMagic(provider, signed.wallet, head, data, ERC7913_VALID);
}

/**
 * Whether `to`, called from `from` with `data`, answers at least one word whose first is
 * `selector` left-aligned, as `SignatureChecker` requires; a revert is a no.
 */
async function answersMagic(
  provider: Provider,
  from: string,
  to: string,
  data: string,
  selector: string,
): Promise<boolean> {
  try {
    const answer = await provider.call({ to, from, data });
    return (
      dataLength(answer) >= 32 && dataSlice(answer, 0, 32) === toBeHex(BigInt(selector) << 224n, 32)
    );
  } catch {
    return false;
  }
}
