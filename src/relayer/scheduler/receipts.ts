import type { TransactionReceipt } from "ethers";

import { decodeFailureReason } from "../../protocol/errors/decodeRevert.js";
import { sameAddress } from "../batching.js";
import { walletInterface } from "../chainReads.js";
import type { IntentReason, IntentRecord } from "../types.js";

/**
 * What `receipt` says of `record`: its wallet's `IntentRelayed` (whether its calls succeeded,
 * and the decoded reason when they did not), or `undefined` when the transaction did not relay
 * it (a batch skipped it).
 *
 * @example
 * const outcome = relayOutcome(receipt, record);
 * if (outcome?.success === false) console.log(outcome.reason?.message);
 */
export function relayOutcome(
  receipt: TransactionReceipt,
  record: IntentRecord,
): { success: boolean; reason?: IntentReason } | undefined {
  let success: boolean | undefined;
  let reason: IntentReason | undefined;
  for (const log of receipt.logs) {
    if (!sameAddress(log.address, record.signed.wallet)) continue;
    const parsed = safeParse(log);
    // Only these two name an intent: the wallet's other events (ModuleInstalled,
    // IntentsInvalidated, OwnerChanged, ...) may come from the very calls being relayed.
    if (parsed?.name !== "IntentRelayed" && parsed?.name !== "IntentFailed") continue;
    if ((parsed.args.id as string).toLowerCase() !== record.id) continue;
    if (parsed.name === "IntentRelayed") success = parsed.args.success as boolean;
    if (parsed.name === "IntentFailed") {
      reason = {
        code: "call_reverted",
        message: decodeFailureReason(parsed.args.reason as string).shortMessage,
        details: { revertData: parsed.args.reason as string },
      };
    }
  }
  return success === undefined ? undefined : { success, reason };
}

function safeParse(log: { topics: readonly string[]; data: string }) {
  try {
    return walletInterface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return null; // another contract's event at the wallet's address: none of ours
  }
}

/**
 * `total` in `parts` shares that add up to it: equal, the remainder one unit each to the first ones.
 *
 * @example
 * splitEvenly(10n, 3); // [4n, 3n, 3n]
 */
export function splitEvenly(total: bigint, parts: number): bigint[] {
  if (parts < 1) return [];
  const count = BigInt(parts);
  const share = total / count;
  const remainder = total % count;
  return Array.from({ length: parts }, (_, i) => share + (BigInt(i) < remainder ? 1n : 0n));
}
