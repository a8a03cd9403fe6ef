import type { Provider } from "ethers";

import { IntentStatus } from "../../protocol/chain/enums.js";
import type { SignedIntent } from "../../protocol/intent/types.js";
import {
  chainNow,
  classifyRevert,
  dependencyState,
  KEY_SET_CREATION_ERRORS,
  onChainStatus,
  walletAt,
  type RelayRevert,
} from "../chainReads.js";
import type { Outcome, Refusal, RefusalCode } from "../refusal.js";
import { simulateRelayRoute } from "../creation/simulateRoute.js";
import type { IntentStore } from "../store/IntentStore.js";
import { checkCreation } from "../creation/intake.js";
import { delegates } from "../delegation/intake.js";
import { checkSignatureAhead } from "./checkSignatureAhead.js";
import { checkDependencies } from "./dependencyChecks.js";
import {
  consumedRefusal,
  epochRefusal,
  expiredRefusal,
  invalidSignatureRefusal,
} from "./refusals.js";

/**
 * Checks 12 to 15 of a submission (docs/relayer-api.md section 3) decided by asking the node:
 * the way for what the relayer's kept state cannot decide (a module's signature, an ERC-1271
 * owner, an allow-listed wallet of other code). Each returns its refusal as data; an error
 * thrown is a fault, or a node that does not answer.
 */

/**
 * What the checks read: the chain, the store, and who the relayer is.
 *
 * @example
 * const context: CheckContext = { provider, store, chainId: 31337n, relayerAddress };
 */
export interface CheckContext {
  provider: Provider;
  store: IntentStore;
  chainId: bigint;
  /** The account that sends relay transactions (the simulation's `from`). */
  relayerAddress: string;
}

/**
 * Check 12: `epoch` is the wallet's intent epoch: lower is `canceled`, higher `invalid_field`.
 *
 * @example
 * const refusal = await checkEpoch(context, signed);
 */
export async function checkEpoch(
  { provider }: CheckContext,
  signed: SignedIntent,
): Promise<Refusal | undefined> {
  return epochRefusal(signed, await walletAt(signed.wallet, provider).intentEpoch());
}

/**
 * Check 13: the wallet's receipt of the ID says neither relayed nor canceled.
 *
 * @example
 * const refusal = await checkNotConsumed(context, signed);
 */
export async function checkNotConsumed(
  { provider }: CheckContext,
  signed: SignedIntent,
): Promise<Refusal | undefined> {
  const status = await onChainStatus(provider, signed.wallet, signed.id);
  if (status === IntentStatus.None) return undefined;
  if (status === IntentStatus.Canceled) return consumedRefusal(signed, { outcome: "canceled" });
  const { blockNumber, relayer } = await walletAt(signed.wallet, provider).intentReceipt(signed.id);
  const outcome = status === IntentStatus.Succeeded ? "succeeded" : "failed";
  return consumedRefusal(signed, { outcome, blockNumber, relayer });
}

/**
 * Check 14: the wallet decides. A simulated relay (by its route: through the factory for a
 * key-set wallet still to be created) that fails on the signature, a module, a target or a key
 * set is refused. Before its `validAfter` the relay stops at `IntentNotYetValid`, ahead of the
 * signature: then the signature is checked ahead, as the wallet will check it. Tells whether
 * the wallet said the intent is not yet valid.
 *
 * @example
 * const outcome = await checkSignature(context, signed);
 * if (outcome.ok && outcome.notYetValid) console.log("scheduled");
 */
export async function checkSignature(
  context: CheckContext,
  signed: SignedIntent,
): Promise<Outcome<{ notYetValid: boolean }>> {
  const { provider, relayerAddress } = context;
  const simulation = await simulateRelayRoute(provider, signed, relayerAddress);
  const notYetValid =
    simulation.kind === "revert" && simulation.error?.errorName === "IntentNotYetValid";
  const outcome = notYetValid ? await checkSignatureAhead(provider, signed) : simulation;
  if (outcome.kind === "ok") return { ok: true, notYetValid };
  const verdict = classifyRevert(outcome.error);
  if (verdict.kind !== "refuse") return { ok: true, notYetValid }; // waits or is held: no reason to refuse it now
  // The wallet checks the expiration before the signature: check 15 says it with its details.
  if (verdict.code === "expired") {
    const expiration = await checkExpiration(context, signed);
    if (!expiration.ok) return expiration;
  }
  return { ok: false, refusal: revertRefusal(signed, verdict.code, outcome) };
}

/**
 * The refusal of a relay the wallet (or, creating it, the factory) refuses with `code`: a bad
 * signature names who signed it; a key set the factory can't hand a wallet to is a bad `create`.
 */
function revertRefusal(signed: SignedIntent, code: RefusalCode, revert: RelayRevert): Refusal {
  const { message } = revert.reason;
  if (code === "invalid_signature") return invalidSignatureRefusal(signed, message);
  if (code === "invalid_field" && KEY_SET_CREATION_ERRORS.has(revert.error?.errorName ?? "")) {
    return {
      code,
      message: `create: ${message}`,
      details: { path: "create", reason: message, error: revert.error?.errorName },
    };
  }
  return { code, message, details: { error: revert.error?.errorName } };
}

/**
 * Check 15: not expired by the chain's time, which it tells.
 *
 * @example
 * const outcome = await checkExpiration(context, signed);
 * if (outcome.ok) console.log(`the chain's time is ${outcome.now}`);
 */
export async function checkExpiration(
  { provider }: CheckContext,
  signed: SignedIntent,
): Promise<Outcome<{ now: bigint }>> {
  const now = await chainNow(provider);
  const refusal = expiredRefusal(signed, now);
  return refusal === undefined ? { ok: true, now } : { ok: false, refusal };
}

/**
 * Checks 12 to 14 asking the node; a wallet still to be created (`create`) has its own
 * (`checkCreation`); an EOA still to be delegated (`authorization`, no code yet) has no epoch
 * or receipt to read but in its storage: the relay simulated as if delegated decides all three.
 */
async function checkAuthorized(
  context: CheckContext,
  signed: SignedIntent,
): Promise<Outcome<{ notYetValid: boolean }>> {
  const creation = await checkCreation(context, signed, () => checkSignature(context, signed));
  if (creation !== undefined) return creation;
  if (await delegates(context.provider, signed)) return checkSignature(context, signed);
  const early = (await checkEpoch(context, signed)) ?? (await checkNotConsumed(context, signed));
  if (early !== undefined) return { ok: false, refusal: early };
  return checkSignature(context, signed);
}

/**
 * Checks 12 to 16 asking the node, in order; the chain's time they were judged at, and whether
 * the wallet said the intent is not yet valid.
 *
 * @example
 * const outcome = await checkOnNode(context, signed);
 * if (outcome.ok && outcome.notYetValid) console.log("scheduled");
 */
export async function checkOnNode(
  context: CheckContext,
  signed: SignedIntent,
): Promise<Outcome<{ now: bigint; notYetValid: boolean }>> {
  const signature = await checkAuthorized(context, signed);
  if (!signature.ok) return signature;
  const expiration = await checkExpiration(context, signed);
  if (!expiration.ok) return expiration;
  const { store, provider } = context;
  const stateOf = (dependency: { wallet: string; id: string }) =>
    dependencyState(provider, store, dependency);
  const dependencies = await checkDependencies(store, signed, stateOf);
  if (dependencies !== undefined) return { ok: false, refusal: dependencies };
  return { ok: true, now: expiration.now, notYetValid: signature.notYetValid };
}
