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
import type { IntentReason, RelayerIntentStatus } from "./types.js";

export const walletInterface = IntentWallet__factory.createInterface();

/**
 * The wallet at `address`, typed, built on the shared `walletInterface`: TypeChain's `connect`
 * parses the whole ABI again on every call, which was a fifth of the relayer's CPU under load.
 */
export function walletAt(address: string, provider: Provider): IntentWallet {
  return new Contract(address, walletInterface, provider) as unknown as IntentWallet;
}

/** The status of intent `id` on `wallet` (0 for an address that is no wallet). */
export async function onChainStatus(
  provider: Provider,
  wallet: string,
  id: string,
): Promise<IntentStatusCode> {
  try {
    return intentStatusCode(await walletAt(wallet, provider).intentStatus(id));
  } catch {
    return IntentStatus.None;
  }
}

/** The chain's notion of "now" for expirations: the latest block's time, or the wall clock if later. */
export async function chainNow(provider: Provider): Promise<bigint> {
  const block = await provider.getBlock("latest");
  return BigInt(Math.max(block?.timestamp ?? 0, Math.floor(Date.now() / 1000)));
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
 * The calldata of a relay of `signed` on its own: `relayPacked()`, the same intent, ID and checks
 * as `relay(intent, signature)` in about a quarter of the calldata. It is what the relayer
 * simulates, estimates and sends, so each sees the exact bytes the next one does.
 */
export function relayCalldata(signed: SignedIntent): string {
  return encodeRelayPacked({ intent: signed.intent, signature: signed.signature });
}

/** Simulates the relay of `signed` (`relayCalldata`) from `from` with eth_call. */
export async function simulateRelay(
  provider: Provider,
  signed: SignedIntent,
  from: string,
): Promise<Simulation> {
  try {
    const answer = await provider.call({ to: signed.wallet, from, data: relayCalldata(signed) });
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

/** Classifies a decoded revert of `relay` (see docs/relayer-api.md). */
export function classifyRevert(error: AnyContractRevertError | undefined): RevertVerdict {
  if (error === undefined) return { kind: "hold" };
  if (error.contract === "SessionKeyModule") return { kind: "refuse", code: "invalid_signature" };
  switch (error.errorName) {
    case "IntentInvalidSignature":
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
