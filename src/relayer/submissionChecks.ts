import { dataSlice, getAddress, type Provider } from "ethers";

import { IntentStatus } from "../protocol/chain/enums.js";
import { OWNER_SIGNATURE_KIND } from "../protocol/intent/signature.js";
import type { SignedIntent } from "../protocol/intent/types.js";
import {
  chainNow,
  classifyRevert,
  dependencyState,
  onChainStatus,
  simulateRelay,
  walletAt,
} from "./chainReads.js";
import { checkSignatureAhead, recoveredSigner } from "./checkSignatureAhead.js";
import type { Outcome, Refusal } from "./refusal.js";
import type { IntentStore } from "./store/IntentStore.js";

/**
 * The checks of a submission (docs/relayer-api.md section 3), one function each, numbered as
 * there. Each returns its refusal as data (`Refusal`, or `undefined` when the check passes);
 * none throws one. An error thrown is a fault, or a node that does not answer.
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
 * Check 7: `chainId` is the relayer's.
 *
 * @example
 * const refusal = checkChain(signed, 31337n); // undefined, or wrong_chain
 */
export function checkChain(signed: SignedIntent, chainId: bigint): Refusal | undefined {
  if (signed.chainId === chainId) return undefined;
  return {
    code: "wrong_chain",
    message: `chain ${signed.chainId} is not this relayer's chain ${chainId}`,
    details: { expected: chainId.toString(), received: signed.chainId.toString() },
  };
}

/**
 * Check 8: an intent whose window never opens (`validAfter >= expiration`) can never be
 * relayed. Known from the intent alone, before any JSON-RPC call.
 *
 * @example
 * const refusal = checkWindow(signed); // undefined, or invalid_window
 */
export function checkWindow({ id, intent }: SignedIntent): Refusal | undefined {
  if (intent.validAfter < intent.expiration) return undefined;
  return {
    code: "invalid_window",
    message: `intent ${id} can never be relayed: its validAfter ${intent.validAfter} is not before its expiration ${intent.expiration}`,
    details: { validAfter: intent.validAfter.toString(), expiration: intent.expiration.toString() },
  };
}

/**
 * Check 8, its second half: `expiration` at most `maxSeconds` after the chain's time (the latest
 * block's, or the wall clock's when later, as `checkExpiration` reads it), so that no intent
 * parks at the relayer for long. Within the wall clock's horizon it needs no JSON-RPC call (the
 * chain's time is never earlier); beyond it, `readNow` is asked once.
 *
 * @example
 * const refusal = await checkHorizon(signed, 31_622_400, () => chainNow(provider));
 */
export async function checkHorizon(
  signed: SignedIntent,
  maxSeconds: number,
  readNow: () => Promise<bigint>,
): Promise<Refusal | undefined> {
  const { expiration } = signed.intent;
  const horizon = BigInt(maxSeconds);
  if (expiration <= BigInt(Math.floor(Date.now() / 1000)) + horizon) return undefined;
  const now = await readNow();
  if (expiration <= now + horizon) return undefined;
  const reason = `must be at most ${maxSeconds} seconds from now (the chain's time is ${now}); it is ${expiration - now}`;
  return {
    code: "invalid_field",
    message: `intent.expiration: ${reason}`,
    details: { path: "intent.expiration", reason },
  };
}

/**
 * Check 10, its first half: the wallet has fewer than `limit` intents at this relayer whose
 * status is not final, so that one wallet cannot fill every scheduler tick. Reads the store
 * only.
 *
 * @example
 * const refusal = await checkPending(store, signed.wallet, 64);
 */
export async function checkPending(
  store: IntentStore,
  wallet: string,
  limit: number,
): Promise<Refusal | undefined> {
  const pending = await store.countPendingByWallet(wallet);
  if (pending < limit) return undefined;
  const key = getAddress(wallet);
  return {
    code: "rate_limited",
    message: `wallet ${key} has ${pending} intents pending at this relayer (limit ${limit}): wait for some to be final`,
    details: { wallet: key, limit, pending },
    retryAfterSeconds: PENDING_RETRY_AFTER_SECONDS,
  };
}

/**
 * The `Retry-After` of a wallet at its pending limit: about how long a few of its intents take
 * to become final.
 *
 * @example
 * response.header("retry-after", String(PENDING_RETRY_AFTER_SECONDS));
 */
export const PENDING_RETRY_AFTER_SECONDS = 30;

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
  const epoch = await walletAt(signed.wallet, provider).intentEpoch();
  const signedEpoch = signed.epoch ?? 0n;
  if (signedEpoch < epoch) {
    return {
      code: "canceled",
      message: `wallet ${signed.wallet} invalidated every intent of epoch ${signedEpoch}: it is at epoch ${epoch} now`,
      details: { reason: "epoch", epoch: epoch.toString() },
    };
  }
  if (signedEpoch > epoch) {
    return {
      code: "invalid_field",
      message: `epoch ${signedEpoch} is ahead of the wallet's epoch ${epoch}`,
      details: { path: "epoch" },
    };
  }
  return undefined;
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
  if (status === IntentStatus.Canceled) {
    return {
      code: "canceled",
      message: `intent ${signed.id} was canceled by the owner of wallet ${signed.wallet}`,
      details: { reason: "canceled" },
    };
  }
  const receipt = await walletAt(signed.wallet, provider).intentReceipt(signed.id);
  const outcome = status === IntentStatus.Succeeded ? "succeeded" : "failed";
  return {
    code: "already_relayed",
    message: `intent ${signed.id} was already relayed on wallet ${signed.wallet} in block ${receipt.blockNumber} by ${receipt.relayer} (its calls ${outcome})`,
    details: {
      status: outcome,
      blockNumber: receipt.blockNumber.toString(),
      relayer: receipt.relayer,
    },
  };
}

/**
 * Check 14: the wallet decides. A simulated relay that fails on the signature, a module or a
 * target is refused. Before its `validAfter` the relay stops at `IntentNotYetValid`, ahead of
 * the signature: then the signature is checked ahead, as the wallet will check it. Tells
 * whether the wallet said the intent is not yet valid.
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
  const simulation = await simulateRelay(provider, signed, relayerAddress);
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
  if (verdict.code === "invalid_signature") {
    const signer = ownerSigner(signed);
    const refusal: Refusal = {
      code: "invalid_signature",
      message: `the signature does not authorize intent ${signed.id} for wallet ${signed.wallet}${signer === undefined ? "" : ` (it was signed by ${signer})`}: ${outcome.reason.message}`,
      details: signer === undefined ? {} : { signer },
    };
    return { ok: false, refusal };
  }
  const refusal: Refusal = {
    code: verdict.code,
    message: outcome.reason.message,
    details: { error: outcome.error?.errorName },
  };
  return { ok: false, refusal };
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
  if (signed.intent.expiration > now) return { ok: true, now };
  const refusal: Refusal = {
    code: "expired",
    message: `intent ${signed.id} expired at ${signed.intent.expiration} (the chain's time is ${now})`,
    details: { expiration: signed.intent.expiration.toString(), now: now.toString() },
  };
  return { ok: false, refusal };
}

/**
 * Check 16: no dependency on itself or in a cycle of known intents; none already failed or
 * canceled.
 *
 * @example
 * const refusal = await checkDependencies(context, signed);
 */
export async function checkDependencies(
  context: CheckContext,
  signed: SignedIntent,
): Promise<Refusal | undefined> {
  const cycle = await cycleThrough(context.store, signed);
  if (cycle !== undefined) {
    return {
      code: "dependency_cycle",
      message: `intent ${signed.id} depends on itself through ${cycle.length - 1} dependencies`,
      details: { cycle },
    };
  }
  for (const dependency of signed.intent.dependencies) {
    const state = await dependencyState(context.provider, context.store, dependency);
    if (state.kind === "dead") {
      return {
        code: "dependency_failed",
        message: `dependency ${dependency.id} on wallet ${dependency.wallet} can never succeed: it is ${state.status}`,
        details: {
          dependency: { wallet: dependency.wallet, id: dependency.id },
          status: state.status,
        },
      };
    }
  }
  return undefined;
}

/**
 * A path from `signed` back to itself through the dependencies of the intents the relayer
 * knows (`[signed, …, signed]`), if any. An ID hashes its dependencies, so no signed intent
 * can close such a cycle; the check is cheap and keeps the scheduler safe.
 */
async function cycleThrough(
  store: IntentStore,
  signed: SignedIntent,
): Promise<Array<{ wallet: string; id: string }> | undefined> {
  const id = signed.id.toLowerCase();
  const wallets = new Map<string, string>([[id, getAddress(signed.wallet)]]);
  const parent = new Map<string, string>();
  const queue: string[] = [];
  const visit = (from: string, dependencies: SignedIntent["intent"]["dependencies"]) => {
    for (const dependency of dependencies) {
      const next = dependency.id.toLowerCase();
      if (parent.has(next)) continue;
      parent.set(next, from);
      wallets.set(next, getAddress(dependency.wallet));
      queue.push(next);
    }
  };
  visit(id, signed.intent.dependencies);
  while (queue.length > 0 && parent.size < 10_000) {
    const next = queue.shift()!;
    if (next === id) return pathBack(id, parent, wallets);
    const record = await store.get(next);
    if (record !== undefined) visit(next, record.signed.intent.dependencies);
  }
  return undefined;
}

/** The cycle `[id, …, id]` that `parent` leads back through. */
function pathBack(
  id: string,
  parent: Map<string, string>,
  wallets: Map<string, string>,
): Array<{ wallet: string; id: string }> {
  const path = [id];
  for (let at = parent.get(id)!; at !== id; at = parent.get(at)!) path.unshift(at);
  path.unshift(id);
  return path.map((step) => ({ wallet: wallets.get(step)!, id: step }));
}

/** The address an owner-kind relay signature (`0x00 ‖ 65-byte ECDSA`) recovers to, if it is one. */
function ownerSigner(signed: SignedIntent): string | undefined {
  return dataSlice(signed.signature, 0, 1) === OWNER_SIGNATURE_KIND
    ? recoveredSigner(signed.id, dataSlice(signed.signature, 1))
    : undefined;
}
