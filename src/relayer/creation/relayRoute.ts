import { getAddress, type Provider } from "ethers";

import { WalletFactory__factory } from "../../../typechain-types/factories/contracts/WalletFactory__factory.js";
import { creationRelayGasFloor, relayGasFloor } from "../../protocol/chain/gasRule.js";
import {
  isKeySetCreation,
  type KeySetWalletCreation,
  type SignedIntent,
  type WalletCreation,
} from "../../protocol/intent/types.js";
import { relayCalldata } from "../chainReads.js";

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
}

/**
 * The route of a relay of `signed` alone, at block `blockTag` (latest by default): through its
 * factory when it carries `create` and its wallet has no code there, else on its wallet. An
 * intent without `create` costs no JSON-RPC call.
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
  const { create } = signed;
  if (create === undefined || (await provider.getCode(signed.wallet, blockTag)) !== "0x") {
    return walletRoute(signed);
  }
  return creationRoute(signed, create);
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
 * `relayGasFloor` on the wallet.
 *
 * @example
 * const floor = routeGasFloor(route, signed.intent);
 */
export function routeGasFloor(route: RelayRoute, intent: SignedIntent["intent"]): bigint {
  return route.creates ? creationRelayGasFloor(intent) : relayGasFloor(intent);
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
