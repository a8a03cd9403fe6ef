import { toQuantity, type Provider } from "ethers";

import { WalletFactory__factory } from "../../../typechain-types/factories/contracts/WalletFactory__factory.js";
import type { SignedIntent } from "../../protocol/intent/types.js";
import { getDelegationCode } from "../../protocol/wallet/delegation.js";
import { relayRevertOf, simulateRelay, walletInterface, type Simulation } from "../chainReads.js";
import { decodeCreationResult, relayRouteOf, type RelayRoute } from "./relayRoute.js";

const factoryInterface = WalletFactory__factory.createInterface();

/**
 * A simulated relay (`Simulation`), and whether it went through the factory, which deploys the
 * wallet first (`creates`): such a relay is sent alone, never in a batch.
 *
 * @example
 * const simulation: RoutedSimulation = { kind: "ok", callsSucceed: true, creates: true };
 */
export type RoutedSimulation = Simulation & { creates: boolean };

/**
 * Simulates the relay of `signed` alone from `from` with eth_call, at block `blockTag` (latest
 * by default), by the route it would be sent by (`relayRouteOf`): `relayPacked()` on its
 * wallet (`simulateRelay`), or the factory's creating relay (`createWalletAndRelay`, or
 * `launchWalletWithKeysAndRelay` for a key set) for a wallet still to be created, whose reverts
 * are the wallet's own errors, decoded alike; for an EOA still to be delegated, `relayPacked()`
 * on it as if delegated already (`simulateDelegation`).
 *
 * @example
 * const simulation = await simulateRelayRoute(provider, record.signed, sender.address);
 * if (simulation.kind === "ok" && simulation.creates) console.log("relayed alone, creating the wallet");
 */
export async function simulateRelayRoute(
  provider: Provider,
  signed: SignedIntent,
  from: string,
  blockTag?: number,
): Promise<RoutedSimulation> {
  const route = await relayRouteOf(provider, signed, blockTag);
  if (route.authorization !== undefined) {
    return { ...(await simulateDelegation(provider, route, from, blockTag)), creates: false };
  }
  if (!route.creates)
    return { ...(await simulateRelay(provider, signed, from, blockTag)), creates: false };
  return { ...(await simulateCreation(provider, route, from, blockTag)), creates: true };
}

/** The creating relay simulated; an answer that is none holds the intent, saying why. */
async function simulateCreation(
  provider: Provider,
  route: RelayRoute,
  from: string,
  blockTag: number | undefined,
): Promise<Simulation> {
  let answer: string;
  try {
    answer = await provider.call({ to: route.to, from, data: route.data, blockTag });
  } catch (error) {
    return relayRevertOf(error);
  }
  const callsSucceed = decodeCreationResult(answer);
  if (callsSucceed !== undefined) return { kind: "ok", callsSucceed };
  const called = factoryInterface.parseTransaction({ data: route.data })?.name;
  const message = `factory ${route.to} gave no answer of ${called}: it holds no WalletFactory`;
  return { kind: "revert", error: undefined, reason: { code: "simulation_failed", message } };
}

/** A provider that takes raw JSON-RPC requests (ethers' `JsonRpcProvider`, Hardhat's). */
interface RawRpc {
  send(method: string, parameters: unknown[]): Promise<unknown>;
}

/**
 * The relay of an EOA still to be delegated, simulated as it will run once its authorization
 * applies: `eth_call` of `relayPacked()` with a state override that gives the EOA the
 * delegation's code (`0xef0100 ‖ implementation`). A provider without raw requests simulates it
 * with the authorization in the call instead (type 4), which nodes apply as the transaction will.
 */
async function simulateDelegation(
  provider: Provider,
  route: RelayRoute,
  from: string,
  blockTag: number | undefined,
): Promise<Simulation> {
  const { to, data, authorization } = route;
  let answer: string;
  try {
    if (typeof (provider as Partial<RawRpc>).send === "function") {
      const block = blockTag === undefined ? "latest" : toQuantity(blockTag);
      const override = { [to]: { code: getDelegationCode(authorization!.address) } };
      const call = { to, from, data };
      answer = (await (provider as unknown as RawRpc).send("eth_call", [
        call,
        block,
        override,
      ])) as string;
    } else {
      const authorizationList = [authorization!];
      answer = await provider.call({ to, from, data, blockTag, type: 4, authorizationList });
    }
  } catch (error) {
    return relayRevertOf(error);
  }
  const [callsSucceed] = walletInterface.decodeFunctionResult("relayPacked", answer);
  return { kind: "ok", callsSucceed: callsSucceed as boolean };
}
