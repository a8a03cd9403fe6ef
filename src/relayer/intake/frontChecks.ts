import type { SignedIntent } from "../../protocol/intent/types.js";
import type { Refusal } from "../refusal.js";
import type { IntentStore } from "../store/IntentStore.js";
import { checksummed } from "../../protocol/schema/checksum.js";

/**
 * Checks 7 to 10 of a submission (docs/relayer-api.md section 3): what the intent and the store
 * decide before any state of the chain is looked at. Each returns its refusal as data.
 */

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
  const key = checksummed(wallet);
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
