import type { Intent } from "../../src/sdk/index.js";

/**
 * Refuses, before anything is signed, an intent that could never be relayed: one whose
 * `validAfter` is not before its expiration, or whose expiration the chain's time `now` has
 * reached already. The messages name the option to fix.
 *
 * @example
 * checkIntentWindow(intent, await chainNow(ethers)); // throws for an expiration in the past
 */
export function checkIntentWindow(
  { validAfter, expiration }: Pick<Intent, "validAfter" | "expiration">,
  now: bigint,
): void {
  if (validAfter >= expiration) {
    throw new Error(
      `--valid-after ${validAfter} is not before the expiration ${expiration}: the intent could never be relayed`,
    );
  }
  if (expiration <= now) {
    throw new Error(
      `--expiration ${expiration} is not after the chain's time ${now}: the intent could never be relayed`,
    );
  }
}
