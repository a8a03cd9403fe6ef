import type { Provider } from "ethers";

import { isKeySetCreation, type SignedIntent } from "../../protocol/intent/types.js";
import type { SpendingPolicy } from "../policy.js";
import type { Outcome, Refusal } from "../refusal.js";
import { checkCreateField } from "./createField.js";
import { checkCreationSignature } from "./creationSignature.js";

/**
 * The intake's two steps for intents that carry `create` (deploy on first use), in the order of
 * docs/relayer-api.md section 3: `checkServedOrCreatable` in place of the serving policy of
 * check 10, `checkCreation` in place of checks 12 to 14. Without `create`, the first is the
 * policy's `checkServed` and the second answers `undefined` at once (no JSON-RPC call).
 */

/**
 * Check 10's serving policy. Without `create`: the policy's `checkServed` (a wallet with no code
 * is refused, told to send `create`, unless the intent carries an EOA's `authorization`, which
 * is checked once the submission is counted: `checkDelegation`). With it: `create` must deploy `wallet` through the served
 * factory, checked locally (`checkCreateField`, no JSON-RPC call); then the wallet is served,
 * deployed or not, since only that factory can put code at that CREATE2 address.
 *
 * @example
 * const refusal = await checkServedOrCreatable(policy, signed, provider);
 */
export async function checkServedOrCreatable(
  policy: SpendingPolicy,
  signed: SignedIntent,
  provider: Provider,
): Promise<Refusal | undefined> {
  if (signed.create === undefined) {
    const delegatable = signed.authorization !== undefined;
    return policy.checkServed(signed.wallet, provider, { delegatable });
  }
  return checkCreateField(signed, policy.servedFactory);
}

/**
 * Checks 12 to 14 for a wallet still to be created: `undefined` when there is nothing to create
 * (no `create`, or the wallet has code by now: `create` is then ignored and the usual checks
 * follow). Else, as the wallet will be on its creation: its intent epoch is 0 (a higher `epoch`
 * is `invalid_field`), no ID is consumed, and for one owner the owner signature is
 * `create.owner`'s (`checkCreationSignature`, decided here). For a key set, `simulate` decides:
 * the simulated creating relay, whose revert names what the factory or the wallet refuses (a key
 * the set can't take, a signature the set doesn't accept). Needs `checkServedOrCreatable` to
 * have passed.
 *
 * @example
 * const created = await checkCreation({ provider }, signed, () => checkSignature(context, signed));
 * const authorized = created ?? (await checkSignature(context, signed));
 */
export async function checkCreation(
  { provider }: { provider: Provider },
  signed: SignedIntent,
  simulate: () => Promise<Outcome<{ notYetValid: boolean }>>,
): Promise<Outcome<{ notYetValid: boolean }> | undefined> {
  const { create } = signed;
  if (create === undefined || (await provider.getCode(signed.wallet)) !== "0x") return undefined;
  const epoch = checkCreationEpoch(signed);
  if (epoch !== undefined) return { ok: false, refusal: epoch };
  if (isKeySetCreation(create)) return simulate();
  const refusal = await checkCreationSignature(provider, signed, create.owner);
  return refusal === undefined ? { ok: true, notYetValid: false } : { ok: false, refusal };
}

/** Check 12 for a wallet still to be created: its intent epoch is 0. */
function checkCreationEpoch(signed: SignedIntent): Refusal | undefined {
  const epoch = signed.epoch ?? 0n;
  if (epoch === 0n) return undefined;
  return {
    code: "invalid_field",
    message: `epoch ${epoch} is ahead of the wallet's epoch 0: wallet ${signed.wallet} is not deployed yet`,
    details: { path: "epoch" },
  };
}
