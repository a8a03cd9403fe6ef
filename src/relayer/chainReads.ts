import { Contract, type Provider } from "ethers";

import type { IntentWallet } from "../../typechain-types/contracts/IntentWallet.js";

import { IntentWallet__factory } from "../../typechain-types/factories/contracts/IntentWallet__factory.js";
import {
  ContractRevertError,
  type AnyContractRevertError,
} from "../protocol/errors/contractRevertError.js";
import { decodeRevert, findRevertData } from "../protocol/errors/decodeRevert.js";
import { encodeRelayPacked } from "../protocol/intent/packed.js";
import type { SignedIntent } from "../protocol/intent/types.js";
import { IntentStatus, intentStatusCode, type IntentStatusCode } from "../protocol/chain/enums.js";
import type { RefusalCode } from "./refusal.js";
import type { IntentStore } from "./store/IntentStore.js";
import { neverSucceeds, type IntentReason, type RelayerIntentStatus } from "./types.js";

export const walletInterface = IntentWallet__factory.createInterface();

/**
 * The wallet at `address`, typed, built on the shared `walletInterface`: TypeChain's `connect`
 * parses the whole ABI again on every call, which was a fifth of the relayer's CPU under load.
 */
export function walletAt(address: string, provider: Provider): IntentWallet {
  return new Contract(address, walletInterface, provider) as unknown as IntentWallet;
}

/** The status of intent `id` on `wallet` (0 for an address that is no wallet), at `blockTag` or the latest block. */
export async function onChainStatus(
  provider: Provider,
  wallet: string,
  id: string,
  blockTag?: number,
): Promise<IntentStatusCode> {
  try {
    return intentStatusCode(await walletAt(wallet, provider).intentStatus(id, { blockTag }));
  } catch {
    return IntentStatus.None;
  }
}

/**
 * What became of a dependency, as both the front desk (check 16) and the scheduler decide it:
 * `relayed` (its calls succeeded on-chain), `dead` (it can never succeed: failed or canceled
 * on-chain, or, unknown on-chain, final here without success: `here` says which), or
 * `pending`.
 */
export type DependencyState =
  | { kind: "relayed" | "pending" }
  | { kind: "dead"; status: "failed" | "canceled" | RelayerIntentStatus; here: boolean };

/**
 * The `DependencyState` of a dependency whose status on its wallet is `onChain`, asking the
 * store about one the chain does not know.
 *
 * @example
 * const state = await dependencyStateFrom(IntentStatus.None, store, dependency); // pending, or dead here
 */
export async function dependencyStateFrom(
  onChain: IntentStatusCode,
  store: Pick<IntentStore, "get">,
  dependency: { wallet: string; id: string },
): Promise<DependencyState> {
  if (onChain === IntentStatus.Succeeded) return { kind: "relayed" };
  if (onChain === IntentStatus.Failed) return { kind: "dead", status: "failed", here: false };
  if (onChain === IntentStatus.Canceled) return { kind: "dead", status: "canceled", here: false };
  const known = await store.get(dependency.id);
  return known !== undefined && neverSucceeds(known.status)
    ? { kind: "dead", status: known.status, here: true }
    : { kind: "pending" };
}

/**
 * The `DependencyState` of a dependency, its status read from its wallet.
 *
 * @example
 * const state = await dependencyState(provider, store, dependency);
 * if (state.kind === "dead") console.log(`dependency ${dependency.id} is ${state.status}`);
 */
export async function dependencyState(
  provider: Provider,
  store: Pick<IntentStore, "get">,
  dependency: { wallet: string; id: string },
): Promise<DependencyState> {
  const onChain = await onChainStatus(provider, dependency.wallet, dependency.id);
  return dependencyStateFrom(onChain, store, dependency);
}

/** The chain's notion of "now" for expirations: the latest block's time, or the wall clock if later. */
export async function chainNow(provider: Provider): Promise<bigint> {
  return (await chainHead(provider)).now;
}

/**
 * The latest block's number, and the chain's notion of "now" (as `chainNow`), from one read:
 * what the scheduler's tick reads once for every intent.
 *
 * @example
 * const { blockNumber, now } = await chainHead(provider);
 */
export async function chainHead(provider: Provider): Promise<{ blockNumber: number; now: bigint }> {
  const block = await provider.getBlock("latest");
  return {
    blockNumber: block?.number ?? 0,
    now: chainNowAt({ timestamp: BigInt(block?.timestamp ?? 0) }),
  };
}

/**
 * The intent epoch of `wallet` (`intentEpoch()`): an intent signed for a lower epoch was
 * invalidated by the owner's `invalidateAllIntents`. `undefined` when the call fails (no
 * wallet there, the node does not answer): nothing can be concluded.
 *
 * @example
 * const epoch = await intentEpoch(provider, record.wallet);
 * if (epoch !== undefined && epoch > (record.signed.epoch ?? 0n)) console.log("invalidated");
 */
export async function intentEpoch(provider: Provider, wallet: string): Promise<bigint | undefined> {
  try {
    return await walletAt(wallet, provider).intentEpoch();
  } catch {
    return undefined;
  }
}

/**
 * A relay the wallet refuses: its custom error decoded (`undefined` for revert data that is
 * none of our contracts' errors) and the reason to record, with the raw revert data.
 */
export interface RelayRevert {
  kind: "revert";
  error: AnyContractRevertError | undefined;
  reason: IntentReason;
}

/** What a signature checked ahead of the wallet comes to: it authorizes the ID, or the relay's revert. */
export type SignatureCheck = { kind: "ok" } | RelayRevert;

/** What a simulated relay says about an intent. */
export type Simulation = { kind: "ok"; callsSucceed: boolean } | RelayRevert;

/**
 * The `RelayRevert` of a revert: an error thrown by an eth_call, or revert data. Rethrows an
 * error that holds no revert data (the node is unreachable, say): it says nothing of the intent.
 *
 * @example
 * const revert = relayRevertOf(walletInterface.encodeErrorResult("IntentInvalidSignature", [id]));
 */
export function relayRevertOf(errorOrData: unknown): RelayRevert {
  const decoded = decodeRevert(errorOrData);
  if (decoded === undefined) throw errorOrData;
  return {
    kind: "revert",
    error: decoded instanceof ContractRevertError ? decoded : undefined,
    reason: {
      code: "simulation_failed",
      message: decoded.shortMessage,
      details: { revertData: findRevertData(errorOrData) ?? "0x" },
    },
  };
}

/**
 * The revert of the wallet's custom error `name` with `args`, as a simulated relay reports it:
 * what a check made ahead of the wallet answers when it finds what the wallet would.
 *
 * @example
 * const revert = walletRevert("IntentKeyNotInSet", [signed.id, key]);
 */
export function walletRevert(name: string, args: unknown[]): RelayRevert {
  return relayRevertOf(walletInterface.encodeErrorResult(name, args));
}

/**
 * The calldata of a relay of `signed` on its own: `relayPacked()`, the same intent, ID and checks
 * as `relay(intent, signature)` in about a quarter of the calldata. It is what the relayer
 * simulates, estimates and sends, so each sees the exact bytes the next one does.
 */
export function relayCalldata(signed: SignedIntent): string {
  return encodeRelayPacked({ intent: signed.intent, signature: signed.signature });
}

/**
 * Simulates the relay of `signed` (`relayCalldata`) from `from` with eth_call, on the latest
 * block or on block `blockTag`. The call pays no gas price, so an intent waiting for the gas
 * price is simulated as it will be relayed once the price is within its `maxGasPrice`.
 */
export async function simulateRelay(
  provider: Provider,
  signed: SignedIntent,
  from: string,
  blockTag?: number,
): Promise<Simulation> {
  try {
    const data = relayCalldata(signed);
    const answer = await provider.call({ to: signed.wallet, from, data, blockTag });
    const [callsSucceed] = walletInterface.decodeFunctionResult("relayPacked", answer);
    return { kind: "ok", callsSucceed: callsSucceed as boolean };
  } catch (error) {
    return relayRevertOf(error);
  }
}

/** Why the calls of `signed` revert: `execute(calls)` simulated as the wallet itself. */
export async function callFailureReason(
  provider: Provider,
  signed: SignedIntent,
): Promise<IntentReason> {
  const data = walletInterface.encodeFunctionData("execute", [signed.intent.calls]);
  try {
    await provider.call({ to: signed.wallet, from: signed.wallet, data });
    return { code: "call_would_fail", message: "the intent's calls revert in simulation" };
  } catch (error) {
    const decoded = decodeRevert(error);
    const revertData = findRevertData(error);
    return {
      code: "call_would_fail",
      message: decoded?.shortMessage ?? "the intent's calls revert in simulation",
      ...(revertData === undefined ? {} : { details: { revertData } }),
    };
  }
}

/** The statuses a relay's revert may make an intent wait in. */
export type WaitingStatus = Extract<
  RelayerIntentStatus,
  "scheduled" | "waiting_dependencies" | "waiting_gas_price"
>;

/** How a revert of `relay` classifies: refuse at once (with a refusal code), wait, or hold and retry. */
export type RevertVerdict =
  | { kind: "refuse"; code: RefusalCode }
  | { kind: "wait"; status: WaitingStatus }
  | { kind: "hold" };

/**
 * The wallet's refusals of the key set a creating relay (`launchWalletWithKeysAndRelay`) hands
 * it: a bad `create`, never to be relayed.
 */
export const KEY_SET_CREATION_ERRORS: ReadonlySet<string> = new Set([
  "WalletInvalidKey",
  "WalletKeyAlreadyAdded",
  "WalletInvalidThreshold",
  "WalletTooManyKeys",
]);

/** Classifies a decoded revert of `relay` (see docs/relayer-api.md). */
export function classifyRevert(error: AnyContractRevertError | undefined): RevertVerdict {
  if (error === undefined) return { kind: "hold" };
  if (KEY_SET_CREATION_ERRORS.has(error.errorName))
    return { kind: "refuse", code: "invalid_field" };
  if (error.contract === "SessionKeyModule") return { kind: "refuse", code: "invalid_signature" };
  switch (error.errorName) {
    case "IntentInvalidSignature":
    case "IntentKeySignatureInvalid":
    case "IntentKeyNotInSet":
    case "IntentKeyRepeated":
    case "IntentBelowThreshold":
    case "WalletModuleNotInstalled":
    case "IntentTargetForbidden":
      return { kind: "refuse", code: "invalid_signature" };

    case "IntentExpired":
      return { kind: "refuse", code: "expired" };
    case "IntentAlreadyRelayed":
      return { kind: "refuse", code: "already_relayed" };
    case "IntentIsCanceled":
      return { kind: "refuse", code: "canceled" };
    case "IntentHasNoCalls":
      return { kind: "refuse", code: "invalid_field" };
    case "IntentNotYetValid":
      return { kind: "wait", status: "scheduled" };
    case "IntentDependencyNotMet":
      return { kind: "wait", status: "waiting_dependencies" };
    case "IntentGasPriceTooHigh":
      return { kind: "wait", status: "waiting_gas_price" };
    default:
      return { kind: "hold" };
  }
}

/**
 * The chain's notion of now for expirations, from a block (the latest, or the
 * followed head): its time, or the wall clock's when later.
 *
 * @example
 * const now = chainNowAt(follower.head);
 */
export function chainNowAt(head: { timestamp: bigint } | undefined): bigint {
  const wallClock = BigInt(Math.floor(Date.now() / 1000));
  const block = head?.timestamp ?? 0n;
  return block > wallClock ? block : wallClock;
}
