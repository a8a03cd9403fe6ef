import { getAddress, ZeroAddress } from "ethers";

import type { SignedIntent, WalletCreation } from "../../protocol/intent/types.js";
import { computeWalletAddress } from "../../protocol/wallet/address.js";
import type { Refusal } from "../refusal.js";

/**
 * The factory whose wallets the relayer serves and creates, with the implementation its wallets
 * are clones of (`factory.implementation()`).
 *
 * @example
 * const served: ServedFactory = { factory: deployment.factory, implementation: deployment.implementation };
 */
export interface ServedFactory {
  factory: string;
  implementation: string;
}

/**
 * Check 10, for a submission that carries `create`: the factory is the one the relayer serves,
 * the owner is not the zero address (the factory refuses it), and the CREATE2 address of
 * (factory, implementation, owner, salt), computed here with no JSON-RPC call, is `wallet`.
 * Else `invalid_field` at path `create`, with the reason. `undefined` without `create`.
 *
 * @example
 * const refusal = checkCreateField(signed, { factory, implementation }); // undefined, or invalid_field
 */
export function checkCreateField(
  signed: SignedIntent,
  served: ServedFactory | undefined,
): Refusal | undefined {
  if (signed.create === undefined) return undefined;
  const reason = createProblem(signed.wallet, signed.create, served);
  if (reason === undefined) return undefined;
  return {
    code: "invalid_field",
    message: `create: ${reason}`,
    details: { path: "create", reason },
  };
}

/** Why `create` does not deploy `wallet` through the served factory, or `undefined`. */
function createProblem(
  wallet: string,
  create: WalletCreation,
  served: ServedFactory | undefined,
): string | undefined {
  if (served === undefined) return "this relayer serves no wallet factory: it creates no wallets";
  const factory = getAddress(served.factory);
  if (getAddress(create.factory) !== factory) {
    return `factory ${getAddress(create.factory)} is not the factory this relayer serves (${factory})`;
  }
  const owner = getAddress(create.owner);
  if (owner === ZeroAddress)
    return "owner is the zero address: the factory creates no wallet for it";
  const { implementation } = served;
  const created = computeWalletAddress({ factory, implementation, owner, salt: create.salt });
  if (created === getAddress(wallet)) return undefined;
  return `factory ${factory} creates the wallet of owner ${owner} and salt ${create.salt} at ${created}, not at wallet ${getAddress(wallet)}`;
}
