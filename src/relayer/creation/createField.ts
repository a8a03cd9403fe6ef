import { getAddress, ZeroAddress } from "ethers";

import {
  isKeySetCreation,
  type KeySetWalletCreation,
  type SignedIntent,
  type WalletCreation,
} from "../../protocol/intent/types.js";
import { computeKeySetWalletAddress, computeWalletAddress } from "../../protocol/wallet/address.js";
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
 * Check 10, for a submission that carries `create`: the factory is the one the relayer serves;
 * for one owner, the owner is not the zero address (the factory refuses it); for a key set, its
 * keys are distinct and its threshold at most their number (the wallet refuses others); and the
 * CREATE2 address of (factory, implementation, owner or key set, salt), computed here with no
 * JSON-RPC call, is `wallet`. Else `invalid_field` at path `create`, with the reason. What only
 * the chain can tell of a key set (a P-256 key off the curve, a verifier without code) is the
 * simulated creation's to find. `undefined` without `create`.
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
  create: WalletCreation | KeySetWalletCreation,
  served: ServedFactory | undefined,
): string | undefined {
  if (served === undefined) return "this relayer serves no wallet factory: it creates no wallets";
  const factory = getAddress(served.factory);
  if (getAddress(create.factory) !== factory) {
    return `factory ${getAddress(create.factory)} is not the factory this relayer serves (${factory})`;
  }
  if (isKeySetCreation(create)) return keySetProblem(wallet, create, served);
  const owner = getAddress(create.owner);
  if (owner === ZeroAddress)
    return "owner is the zero address: the factory creates no wallet for it";
  const { implementation } = served;
  const created = computeWalletAddress({ factory, implementation, owner, salt: create.salt });
  if (created === getAddress(wallet)) return undefined;
  return `factory ${factory} creates the wallet of owner ${owner} and salt ${create.salt} at ${created}, not at wallet ${getAddress(wallet)}`;
}

/** Why the key-set `create` does not deploy `wallet` through the served factory, or `undefined`. */
function keySetProblem(
  wallet: string,
  create: KeySetWalletCreation,
  served: ServedFactory,
): string | undefined {
  const { keys, threshold, salt } = create;
  const distinct = new Set(keys.map((key) => key.toLowerCase()));
  if (distinct.size !== keys.length)
    return "keys holds a key twice: the wallet takes each key once";
  if (threshold > BigInt(keys.length)) {
    return `threshold ${threshold} is above the number of keys (${keys.length}): the key set could never sign`;
  }
  const factory = getAddress(served.factory);
  const { implementation } = served;
  const created = computeKeySetWalletAddress({ factory, implementation, keys, threshold, salt });
  if (created === getAddress(wallet)) return undefined;
  return `factory ${factory} creates the wallet of these ${keys.length} keys, threshold ${threshold} and salt ${salt} at ${created}, not at wallet ${getAddress(wallet)}`;
}
