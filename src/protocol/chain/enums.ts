/**
 * The contracts' enums, each defined once for all off-chain code: the numeric values the
 * contracts return (`IIntentWallet.IntentStatus`, `ISessionKeyModule.SessionStatus`) and the
 * names the SDK and the tools show for them.
 */

/**
 * `IIntentWallet.IntentStatus`: what became of an intent ID, as `intentStatus(id)` and
 * `intentReceipt(id).status` return it (ethers gives enums as `bigint`).
 *
 * @example
 * if ((await wallet.intentStatus(id)) === IntentStatus.Succeeded) console.log("relayed");
 */
export const IntentStatus = { None: 0n, Succeeded: 1n, Failed: 2n, Canceled: 3n } as const;

/** One of `IntentStatus`'s values. */
export type IntentStatusCode = (typeof IntentStatus)[keyof typeof IntentStatus];

/**
 * The name of each `IntentStatus`, by value: `none` (never relayed nor canceled), `relayed` (its
 * calls succeeded), `failed` (relayed, its calls reverted), `canceled`.
 *
 * @example
 * const name = INTENT_RECEIPT_STATUSES[IntentStatus.Failed]; // "failed"
 */
export const INTENT_RECEIPT_STATUSES = ["none", "relayed", "failed", "canceled"] as const;

/** What an intent's receipt says became of it: one of `INTENT_RECEIPT_STATUSES`. */
export type IntentReceiptStatus = (typeof INTENT_RECEIPT_STATUSES)[number];

/**
 * The `IntentStatus` code of a value the chain returned. Throws a `RangeError` for a value the
 * contracts never return.
 *
 * @example
 * const code = intentStatusCode(receipt.status); // 1n for Succeeded
 */
export function intentStatusCode(value: bigint | number): IntentStatusCode {
  const code = BigInt(value);
  if (code < 0n || code >= BigInt(INTENT_RECEIPT_STATUSES.length)) {
    throw new RangeError(`not an IntentStatus: ${value}`);
  }
  return code as IntentStatusCode;
}

/**
 * The name of the `IntentStatus` the chain returned.
 *
 * @example
 * intentReceiptStatus(3n); // "canceled"
 */
export function intentReceiptStatus(value: bigint | number): IntentReceiptStatus {
  return INTENT_RECEIPT_STATUSES[Number(intentStatusCode(value))];
}

/**
 * The names of `ISessionKeyModule.SessionStatus`, by value: a grant `unregistered` (not yet on
 * chain), `pending` (registered, not yet valid), `active`, `expired` or `revoked`.
 *
 * @example
 * const state = SESSION_STATES[Number(await module.sessionStatus(grant))];
 */
export const SESSION_STATES = ["unregistered", "pending", "active", "expired", "revoked"] as const;

/** A session's state on chain, as `sessionStatus` reports it: one of `SESSION_STATES`. */
export type SessionState = (typeof SESSION_STATES)[number];

/**
 * The state named by the `SessionStatus` value the chain returned. Throws a `RangeError` for a
 * value the module never returns.
 *
 * @example
 * sessionState(2n); // "active"
 */
export function sessionState(value: bigint | number): SessionState {
  const state = SESSION_STATES[Number(value)];
  if (state === undefined) throw new RangeError(`not a SessionStatus: ${value}`);
  return state;
}
