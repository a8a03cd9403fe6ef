import type { Provider } from "ethers";

import type { SignedIntent } from "../../protocol/intent/types.js";
import { checkServedOrCreatable } from "../creation/intake.js";
import type { SpendingPolicy } from "../policy.js";
import type { Refusal } from "../refusal.js";
import type { KeptStateContext } from "./keptStateChecks.js";

/**
 * Check 10's serving policy: a wallet its kept state shows to be a clone of the served
 * implementation needs only the factory's word (remembered once given); anything else (a
 * delegated EOA too: its code may change with no event), and any intent with `create`, is the
 * policy's (`checkServedOrCreatable`).
 *
 * @example
 * const refusal = await checkServing({ policy, kept }, signed, provider);
 */
export async function checkServing(
  { policy, kept }: { policy: SpendingPolicy; kept: Pick<KeptStateContext, "states"> | undefined },
  signed: SignedIntent,
  provider: Provider,
): Promise<Refusal | undefined> {
  if (kept !== undefined && signed.create === undefined) {
    const state = await kept.states.get(signed.wallet);
    const clone = state.kind === "wallet" && state.delegated !== true;
    if (clone && (await policy.servesClone(signed.wallet, provider))) return undefined;
  }
  return checkServedOrCreatable(policy, signed, provider);
}
