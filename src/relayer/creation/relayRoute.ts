import { getAddress, type Authorization, type Provider } from "ethers";

import { WalletFactory__factory } from "../../../typechain-types/factories/contracts/WalletFactory__factory.js";
import { creationRelayGasFloor, relayGasFloor } from "../../protocol/chain/gasRule.js";
import {
  isKeySetCreation,
  type KeySetWalletCreation,
  type SignedIntent,
  type WalletCreation,
} from "../../protocol/intent/types.js";
import {
  fromWalletAuthorization,
  type WalletAuthorization,
} from "../../protocol/wallet/authorization.js";
import { relayCalldata } from "../chainReads.js";

/**
 * Intrinsic gas EIP-7702 charges per authorization in a type-4 transaction
 * (`PER_EMPTY_ACCOUNT_COST`), added to the gas rule's floor of a delegating relay.
 */
const PER_AUTHORIZATION_GAS = 25_000n;

const factoryInterface = WalletFactory__factory.createInterface();

/**
 * Where a relay of one intent alone goes and with what: `relayPacked()` on its wallet, or, for a
 * wallet still to be created, the factory's `createWalletAndRelay` or
 * `launchWalletWithKeysAndRelay` (`creates`, see `creationRoute`). The simulation, the estimate and the transaction use the same route.
 *
 * @example
 * const { to, data } = await relayRouteOf(provider, signed);
 * await provider.call({ to, data, from: relayer });
 */
export interface RelayRoute {
  to: string;
  data: string;
  /** Whether the relay goes through the factory, which deploys the wallet first. */
  creates: boolean;
  /**
   * The EOA's EIP-7702 authorization, for a relay that delegates its wallet first (sent in a
   * type-4 transaction); `undefined` otherwise.
   */
  authorization?: Authorization;
}

/**
 * The route of a relay of `signed` alone, at block `blockTag` (latest by default): through its
 * factory when it carries `create` and its wallet has no code there; on its wallet with its
 * EIP-7702 authorization when it carries `authorization` and its wallet (an EOA) has no code
 * there; else on its wallet. An intent with neither costs no JSON-RPC call.
 *
 * @example
 * const route = await relayRouteOf(provider, record.signed);
 * if (route.creates) console.log(`deploys ${record.wallet} on the way`);
 */
export async function relayRouteOf(
  provider: Provider,
  signed: SignedIntent,
  blockTag?: number,
): Promise<RelayRoute> {
  const { create, authorization } = signed;
  if (create === undefined && authorization === undefined) return walletRoute(signed);
  if ((await provider.getCode(signed.wallet, blockTag)) !== "0x") return walletRoute(signed);
  return create !== undefined
    ? creationRoute(signed, create)
    : delegationRoute(signed, authorization!);
}

/**
 * `relayPacked()` of `signed` on its wallet, an EOA with no code yet, carrying the EOA's
 * authorization, which delegates it to the implementation in the same (type-4) transaction.
 *
 * @example
 * const { to, authorization } = delegationRoute(signed, signed.authorization!); // to: signed.wallet
 */
export function delegationRoute(
  signed: SignedIntent,
  authorization: WalletAuthorization,
): RelayRoute {
  return { ...walletRoute(signed), authorization: fromWalletAuthorization(authorization) };
}

/**
 * `relayPacked()` of `signed` on its wallet (`relayCalldata`).
 *
 * @example
 * const { to, data } = walletRoute(signed); // to: signed.wallet
 */
export function walletRoute(signed: SignedIntent): RelayRoute {
  return { to: signed.wallet, data: relayCalldata(signed), creates: false };
}

/**
 * The factory's call that creates `signed`'s wallet and relays it, on `create.factory`:
 * `createWalletAndRelay(owner, salt, intent, signature)` for one owner,
 * `launchWalletWithKeysAndRelay(keys, threshold, salt, intent, signature)` for a key set.
 *
 * @example
 * const { to, data } = creationRoute(signed, signed.create!); // to: the factory
 */
export function creationRoute(
  signed: SignedIntent,
  create: WalletCreation | KeySetWalletCreation,
): RelayRoute {
  const { intent, signature } = signed;
  const data = isKeySetCreation(create)
    ? factoryInterface.encodeFunctionData("launchWalletWithKeysAndRelay", [
        create.keys,
        create.threshold,
        create.salt,
        intent,
        signature,
      ])
    : factoryInterface.encodeFunctionData("createWalletAndRelay", [
        create.owner,
        create.salt,
        intent,
        signature,
      ]);
  return { to: getAddress(create.factory), data, creates: true };
}

/**
 * The gas rule's least gas limit for `route`: `creationRelayGasFloor` through the factory,
 * `relayGasFloor` on the wallet, plus EIP-7702's intrinsic gas for an authorization carried.
 *
 * @example
 * const floor = routeGasFloor(route, signed.intent);
 */
export function routeGasFloor(route: RelayRoute, intent: SignedIntent["intent"]): bigint {
  const floor = route.creates ? creationRelayGasFloor(intent) : relayGasFloor(intent);
  return route.authorization === undefined ? floor : floor + PER_AUTHORIZATION_GAS;
}

/**
 * Whether the factory's answer to a simulated `createWalletAndRelay` or
 * `launchWalletWithKeysAndRelay` (both answer `(wallet, success)`) says the calls succeeded;
 * `undefined` for an answer that is none (no factory at the address).
 *
 * @example
 * const callsSucceed = decodeCreationResult(await provider.call({ to, data, from }));
 */
export function decodeCreationResult(answer: string): boolean | undefined {
  try {
    const [, success] = factoryInterface.decodeFunctionResult("createWalletAndRelay", answer);
    return success as boolean;
  } catch {
    return undefined;
  }
}
