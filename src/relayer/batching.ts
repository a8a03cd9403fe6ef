/**
 * What the relayer needs of the `IntentBatcher` (contracts/IntentBatcher.sol): which batcher to
 * use, encoding a batch, simulating it at the gas limit it will be sent with, and reading what a
 * mined batch skipped.
 */
import { getAddress, type Authorization, type Provider, type TransactionReceipt } from "ethers";
import { z } from "zod";

import { IntentBatcher__factory } from "../../typechain-types/factories/contracts/IntentBatcher__factory.js";
import { readDeploymentJson } from "../protocol/deployments.js";
import { address } from "../protocol/schema/primitives.js";
import { decodeFailureReason } from "../protocol/errors/decodeRevert.js";
import type { SignedIntent } from "../protocol/intent/types.js";
import { encodeBatchEntries } from "../protocol/intent/batchEntries.js";

export const batcherInterface = IntentBatcher__factory.createInterface();

/** Whether two addresses are the same, whatever their case. */
export function sameAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  return a != null && b != null && a.toLowerCase() === b.toLowerCase();
}

/** What the relayer reads of a deployment record: its batcher's address (checksummed). */
const recordedBatcher = z.object({ batcher: address });

/**
 * The `batcher` the deploy script recorded in `<directory>/<chainId>.json` (`directory`:
 * `deploymentsDirectory()` by default), or `undefined` when
 * there is no such file or it records no batcher (a deployment from before the batcher).
 *
 * @example
 * const batcher = await readDeployedBatcher({ chainId: 31337n });
 */
export async function readDeployedBatcher(parameters: {
  chainId: bigint;
  directory?: string;
}): Promise<string | undefined> {
  let json: unknown;
  try {
    json = await readDeploymentJson(parameters);
  } catch {
    return undefined; // not JSON: no batcher recorded
  }
  // Only the batcher is read: a file of an older deploy, without it, still serves the rest.
  const recorded = recordedBatcher.safeParse(json);
  return recorded.success ? recorded.data.batcher : undefined;
}

/** Whether `address` holds an `IntentBatcher`: it has code and `relayBatch("0x")` answers 0. */
export async function isIntentBatcher(provider: Provider, address: string): Promise<boolean> {
  if ((await provider.getCode(address)) === "0x") return false;
  try {
    const answer = await provider.call({
      to: address,
      data: batcherInterface.encodeFunctionData("relayBatch", ["0x"]),
    });
    const [relayed, failed] = batcherInterface.decodeFunctionResult("relayBatch", answer);
    return relayed === 0n && failed === 0n;
  } catch {
    return false;
  }
}

/** The parameters of `resolveBatcher`. */
export interface ResolveBatcherParameters {
  provider: Provider;
  chainId: bigint;
  /** `RELAYER_BATCHER`, when set. */
  configured: string | undefined;
  /** `RELAYER_MAX_BATCH`: 1 turns batching off. */
  maxBatch: number;
  /** Where the deployment files are; `deploymentsDirectory()` by default. */
  directory?: string;
}

/** The batcher to relay through, or why there is none (then one transaction per intent, as without batching). */
export type ResolveBatcherReturnType =
  | { batcher: string; source: "RELAYER_BATCHER" | "deployment" }
  | { batcher: undefined; reason: string; warning: boolean };

/**
 * Chooses the batcher: `RELAYER_BATCHER` (start-up fails if it holds no `IntentBatcher`), else
 * the one recorded in `deployments/<chainId>.json` (ignored, with a warning, if it holds no
 * `IntentBatcher` on this chain: the file may come from another chain of the same ID), else
 * none. `RELAYER_MAX_BATCH=1` turns batching off whatever is configured.
 *
 * @example
 * const batching = await resolveBatcher({ provider, chainId, configured: config.RELAYER_BATCHER, maxBatch: config.RELAYER_MAX_BATCH });
 */
export async function resolveBatcher({
  provider,
  chainId,
  configured,
  maxBatch,
  directory,
}: ResolveBatcherParameters): Promise<ResolveBatcherReturnType> {
  if (maxBatch < 2) return { batcher: undefined, reason: "RELAYER_MAX_BATCH is 1", warning: false };
  if (configured !== undefined) {
    if (!(await isIntentBatcher(provider, configured))) {
      throw new Error(
        `RELAYER_BATCHER ${configured} holds no IntentBatcher on chain ${chainId} (no code, or relayBatch([]) does not answer 0)`,
      );
    }
    return { batcher: getAddress(configured), source: "RELAYER_BATCHER" };
  }
  const recorded = await readDeployedBatcher({ chainId, directory });
  if (recorded === undefined) {
    return {
      batcher: undefined,
      reason: `no RELAYER_BATCHER and no batcher recorded in deployments/${chainId}.json`,
      warning: false,
    };
  }
  if (!(await isIntentBatcher(provider, recorded))) {
    return {
      batcher: undefined,
      reason: `the batcher ${recorded} recorded in deployments/${chainId}.json holds no IntentBatcher on this chain`,
      warning: true,
    };
  }
  return { batcher: recorded, source: "deployment" };
}

/** The calldata of `relayBatch` relaying `intents`, in order. */
export function encodeRelayBatch(intents: readonly SignedIntent[]): string {
  return batcherInterface.encodeFunctionData("relayBatch", [encodeBatchEntries(intents)]);
}

/**
 * How many entries of a batch would be relayed with calls that succeed: `relayBatch` simulated
 * with eth_call from
 * `from` with exactly `gasLimit`, the limit it will be sent with (and the authorizations of its
 * EOAs still to delegate, which the call applies as the type-4 transaction will). `eth_estimateGas` must not be
 * used instead: the batch never reverts because of an entry, so the lowest limit that does not
 * revert may be one at which the last entries are skipped for want of gas.
 */
export async function simulateBatch({
  provider,
  batcher,
  from,
  data,
  gasLimit,
  authorizationList = [],
}: {
  provider: Provider;
  batcher: string;
  from: string;
  data: string;
  gasLimit: bigint;
  /** The EIP-7702 authorizations the batch carries, applied in the call as in the transaction. */
  authorizationList?: Authorization[];
}): Promise<number> {
  const call = { to: batcher, from, data, gasLimit };
  const answer = await provider.call(
    authorizationList.length === 0 ? call : { ...call, type: 4, authorizationList },
  );
  const [relayed, failed] = batcherInterface.decodeFunctionResult("relayBatch", answer);
  // An entry relayed with failing calls would be burnt (its intent consumed as Failed), which
  // the relayer never does: it counts as not relayed.
  return Number(relayed - failed);
}

/** An entry a mined batch did not relay. */
export interface BatchSkip {
  index: number;
  wallet: string;
  /** Why: the decoded revert of the wallet's `relay`, or that the batch stopped before it. */
  reason: string;
}

/**
 * The entries of a mined batch that were not relayed: each `BatchedIntentSkipped` of
 * `batcher` in `receipt`, and the entries from a `BatchStopped` on (`size` entries in all).
 */
export function batchSkips(
  receipt: TransactionReceipt,
  batcher: string,
  size: number,
): BatchSkip[] {
  const skips: BatchSkip[] = [];
  for (const log of receipt.logs) {
    if (!sameAddress(log.address, batcher)) continue;
    const parsed = batcherInterface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === "BatchedIntentSkipped") {
      const reason = parsed.args.reason as string;
      skips.push({
        index: Number(parsed.args.index),
        wallet: parsed.args.wallet as string,
        reason: reason === "0x" ? "out of gas" : decodeFailureReason(reason).shortMessage,
      });
    }
    if (parsed?.name === "BatchStopped") {
      for (let index = Number(parsed.args.index); index < size; index++) {
        skips.push({
          index,
          wallet: "",
          reason: `the batch stopped with ${parsed.args.gasLeft} gas left`,
        });
      }
    }
  }
  return skips;
}
