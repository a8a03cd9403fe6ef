import type { Intent } from "../intent/types.js";

/**
 * The wallet's gas rule, as off-chain code must mirror it (`IntentWallet._guardedCall`). Before
 * an intent's calls, the wallet checks that there is gas enough for the first call to get
 * `minGasLimit` after EIP-150 keeps 1/64 back, plus what the CALL itself may charge; a batch of
 * calls is checked the same way inside its own frame, before each call. Short of that the whole
 * relay reverts with `IntentInsufficientGas` and nothing is recorded, so a relayer that gives
 * too little gas only loses its transaction's fee: it can never burn the intent.
 */

/** Most a CALL without value charges before the 63/64 split (cold account 2,600) plus a margin. */
export const CALL_COST_WITHOUT_VALUE = 3_600n;

/** The same with value: a value transfer (9,000) to a new account (25,000) on top. */
export const CALL_COST_WITH_VALUE = CALL_COST_WITHOUT_VALUE + 9_000n + 25_000n;

/**
 * A failed call counts as starved, and the relay reverts, when less than 1/STARVED_DIVISOR of
 * the gas there was before the call is left after it.
 */
export const STARVED_DIVISOR = 7n;

/** The largest `minGasLimit` the wallet accepts (it refuses more with `IntentInsufficientGas`). */
export const MAX_MIN_GAS_LIMIT = 2n ** 64n - 1n;

/**
 * What a relay spends around the gas check: the transaction's intrinsic cost, calldata reading,
 * hashing, the signature check and the reads before it, the receipt and event after the call.
 * An allowance a relayer adds, not a contract value.
 */
export const RELAY_GAS_ALLOWANCE = 100_000n;

/**
 * The gas the wallet requires to be left at its check before a call that must get
 * `minGasLimit`: `minGasLimit + minGasLimit / 63` plus the CALL's own cost.
 *
 * @example
 * requiredGasAtCheck(100_000n, 0n); // 105_187n
 */
export function requiredGasAtCheck(minGasLimit: bigint, value: bigint): bigint {
  return (
    minGasLimit +
    minGasLimit / 63n +
    (value === 0n ? CALL_COST_WITHOUT_VALUE : CALL_COST_WITH_VALUE)
  );
}

/**
 * The least gas limit for a relay transaction of `intent` with which the wallet's check passes
 * and, when a single call uses at most `minGasLimit`, the outcome is recorded: the check's
 * requirement (with value if any call sends value), two more 1/64 for a batch's own frame,
 * `RELAY_GAS_ALLOWANCE`, and the 1/64 the wallet's proxy keeps back when it forwards the call.
 * In a batch each call is checked before it runs, so the gas the calls before the last one use
 * is not in it: a relayer sends the larger of this and its estimate.
 *
 * @example
 * const gasLimit = max((estimate * 12n) / 10n, relayGasFloor(signed.intent));
 */
export function relayGasFloor(intent: Pick<Intent, "calls" | "minGasLimit">): bigint {
  const sendsValue = intent.calls.some((call) => call.value !== 0n);
  const atCheck = requiredGasAtCheck(intent.minGasLimit, sendsValue ? 1n : 0n);
  // A batch runs in a self-call through the wallet's proxy: two more hops that keep 1/64 each.
  const batchFrame = intent.calls.length > 1 ? 2n * (atCheck / 63n + CALL_COST_WITHOUT_VALUE) : 0n;
  const inWallet = atCheck + batchFrame + RELAY_GAS_ALLOWANCE;
  return inWallet + inWallet / 63n + 1n;
}

/**
 * What a relay through `WalletFactory.createWalletAndRelay` spends on creating the wallet before
 * its call into it: CREATE2 (32,000), the 65 bytes of code it deposits (13,000), hashing the
 * creation code, the cold read of the wallet's account (2,600), `WalletCreated`, and the
 * factory's dispatch and argument copying: about 54,000 measured on chain, with room above. An
 * allowance a relayer adds, not a contract value.
 *
 * @example
 * const creationShare = creationRelayGasFloor(intent) - relayGasFloor(intent); // 1/64 + WALLET_CREATION_GAS
 */
export const WALLET_CREATION_GAS = 60_000n;

/**
 * The least gas limit for `createWalletAndRelay(owner, salt, intent, signature)` of a wallet
 * that does not exist yet with which the wallet's check passes and, as for `relayGasFloor`, a
 * single call using at most `minGasLimit` has its outcome recorded: `relayGasFloor(intent)`
 * for the call into the wallet, the 1/64 the factory's CALL keeps back on top of it, and
 * `WALLET_CREATION_GAS`. A relayer sends the larger of this and its estimate; should the wallet
 * exist by the time it is mined, the factory only relays, with more than enough.
 *
 * @example
 * const gasLimit = max((estimate * 12n) / 10n, creationRelayGasFloor(signed.intent));
 */
export function creationRelayGasFloor(intent: Pick<Intent, "calls" | "minGasLimit">): bigint {
  const intoWallet = relayGasFloor(intent);
  return intoWallet + intoWallet / 63n + 1n + WALLET_CREATION_GAS;
}
