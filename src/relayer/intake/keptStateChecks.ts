import { dataSlice, type Provider } from "ethers";

import { IntentStatus } from "../../protocol/chain/enums.js";
import { OWNER_SIGNATURE_KIND } from "../../protocol/intent/signature.js";
import type { Dependency, SignedIntent } from "../../protocol/intent/types.js";
import type { ChainFollower } from "../chainState/follower.js";
import type { KnownReceipt, WalletState } from "../chainState/walletState.js";
import type { WalletStates } from "../chainState/WalletStates.js";
import {
  chainNowAt,
  dependencyState,
  dependencyStateFrom,
  relayRevertOf,
  walletInterface,
  type DependencyState,
} from "../chainReads.js";
import type { Outcome, Refusal } from "../refusal.js";
import type { IntentStore } from "../store/IntentStore.js";
import { checkDependencies } from "./dependencyChecks.js";
import {
  consumedRefusal,
  epochRefusal,
  expiredRefusal,
  invalidSignatureRefusal,
} from "./refusals.js";
import { recoverSigner } from "./ecdsa.js";
import type { SignerRecovery } from "./SignerRecovery.js";

/**
 * What the checks from the kept state read: the wallets' states, the follower's head, the store,
 * and the node only for a dependency on an address that is no wallet of ours.
 *
 * @example
 * const context: KeptStateContext = { states, follower, store, provider };
 */
export interface KeptStateContext {
  states: WalletStates;
  follower: ChainFollower;
  store: Pick<IntentStore, "get">;
  provider: Provider;
  /** Recovers owner signatures (on worker threads); default inline. */
  recovery?: SignerRecovery;
}

/**
 * Checks 12 to 16 of a submission decided from the state the relayer keeps of the wallet (its
 * intent epoch, receipts and owner) with the owner's ECDSA signature recovered here: no JSON-RPC
 * call for an ordinary intent. `undefined` when the kept state cannot decide and the node must:
 * a wallet of other code, an owner that is a contract (ERC-1271) or a module's signature.
 * Otherwise the outcome, with the chain's time it was judged at.
 *
 * @example
 * const outcome = await checkFromKeptState(context, signed);
 * if (outcome === undefined) console.log("ask the node");
 */
export async function checkFromKeptState(
  context: KeptStateContext,
  signed: SignedIntent,
): Promise<Outcome<{ now: bigint }> | undefined> {
  const state = await context.states.get(signed.wallet);
  if (!decidesLocally(state, signed)) return undefined;
  const now = chainNowAt(context.follower.head);
  const refusal =
    epochRefusal(signed, state.intentEpoch) ??
    receiptRefusal(signed, state.receipts.get(signed.id.toLowerCase())) ??
    expiredRefusal(signed, now) ??
    (await signatureRefusal(context, signed, state.owner!)) ??
    (await checkDependencies(context.store, signed, (d) => keptDependencyState(context, d)));
  return refusal === undefined ? { ok: true, now } : { ok: false, refusal };
}

/** A wallet of ours, owned by an account without code, and an owner-kind signature. */
function decidesLocally(state: WalletState, signed: SignedIntent): boolean {
  return (
    state.kind === "wallet" &&
    state.ownerIsContract === false &&
    signed.signature.slice(0, 4) === OWNER_SIGNATURE_KIND
  );
}

function receiptRefusal(
  signed: SignedIntent,
  receipt: KnownReceipt | undefined,
): Refusal | undefined {
  if (receipt === undefined) return undefined;
  if (receipt.status === IntentStatus.Canceled)
    return consumedRefusal(signed, { outcome: "canceled" });
  const outcome = receipt.status === IntentStatus.Succeeded ? "succeeded" : "failed";
  const { relayer } = receipt;
  return consumedRefusal(signed, { outcome, blockNumber: BigInt(receipt.blockNumber), relayer });
}

/** `invalid_signature` unless the owner signed the ID, as the wallet would find. */
async function signatureRefusal(
  { recovery }: KeptStateContext,
  signed: SignedIntent,
  owner: string,
): Promise<Refusal | undefined> {
  const ownerSignature = dataSlice(signed.signature, 1);
  const signer =
    recovery === undefined
      ? recoverSigner(signed.id, ownerSignature)
      : await recovery.recover(signed.id, ownerSignature);
  if (signer?.toLowerCase() === owner.toLowerCase()) return undefined;
  const error = walletInterface.encodeErrorResult("IntentInvalidSignature", [signed.id]);
  return invalidSignatureRefusal(signed, relayRevertOf(error).reason.message);
}

/** A dependency's state from its wallet's kept receipts; from the node if it is no wallet of ours. */
async function keptDependencyState(
  { states, store, provider }: KeptStateContext,
  dependency: Dependency,
): Promise<DependencyState> {
  const state = await states.get(dependency.wallet);
  if (state.kind === "other") return dependencyState(provider, store, dependency);
  const receipt = state.receipts.get(dependency.id.toLowerCase());
  return dependencyStateFrom(receipt?.status ?? IntentStatus.None, store, dependency);
}
