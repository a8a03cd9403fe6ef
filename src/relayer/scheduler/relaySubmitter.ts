import type { Provider } from "ethers";

import { relayGasFloor } from "../../protocol/chain/gasRule.js";
import { relayCalldata } from "../chainReads.js";
import type { IntentRecord } from "../types.js";
import type { IntentRecorder } from "./recorder.js";
import type { RelaySender } from "./types.js";

/** Gas a relay is given above the node's estimate, in percent. */
const GAS_LIMIT_MARGIN_PERCENT = 25n;

/**
 * Sends one intent alone: `relayPacked` on its wallet, at the gas limit docs/relayer-api.md
 * section 8 gives it, its fees capped at the intent's `maxGasPrice`.
 *
 * @example
 * const submitter = new RelaySubmitter(provider, sender, recorder);
 * if (await submitter.submit(record)) console.log("submitted");
 */
export class RelaySubmitter {
  constructor(
    readonly provider: Provider,
    readonly sender: RelaySender,
    readonly recorder: IntentRecorder,
  ) {}

  /** Sends `record` alone (at `knownGasLimit` if given); whether it was sent. */
  async submit(record: IntentRecord, knownGasLimit?: bigint): Promise<boolean> {
    const { signed } = record;
    const data = relayCalldata(signed);
    try {
      const gasLimit = knownGasLimit ?? (await this.gasLimitOf(record, data));
      const { hash } = await this.sender.send({
        to: signed.wallet,
        data,
        gasLimit,
        intentIds: [record.id],
        maxFeeCapPerGas: signed.intent.maxGasPrice,
      });
      this.recorder.hooks.onSent?.("relay");
      this.recorder.solo.delete(record.id);
      await this.markSubmitted(record, hash);
      const fields = { id: record.id, hash, gasLimit: gasLimit.toString() };
      this.recorder.log("info", "relay submitted", fields);
      return true;
    } catch (error) {
      const fields = { id: record.id, error: String(error) };
      this.recorder.log("warn", "submission failed; will retry", fields);
      return false;
    }
  }

  /** `record` was sent in transaction `hash`. */
  async markSubmitted(record: IntentRecord, hash: string): Promise<void> {
    await this.recorder.set(record, {
      status: "submitted",
      txHash: hash,
      reason: undefined,
      holdUntil: undefined,
    });
  }

  /**
   * The gas limit of a relay of `record` on its own (`data`, its `relayCalldata`): the node's
   * estimate plus a margin, and at least what its `minGasLimit` requires (with the 1/64 a CALL
   * keeps back, and room around it). Short of that, the wallet reverts the relay whole with
   * `IntentInsufficientGas` rather than record its calls as failed.
   */
  async gasLimitOf(record: IntentRecord, data = relayCalldata(record.signed)): Promise<bigint> {
    const estimate = await this.provider.estimateGas({
      from: this.sender.address,
      to: record.signed.wallet,
      data,
    });
    const margin = estimate + (estimate * GAS_LIMIT_MARGIN_PERCENT) / 100n;
    const floor = relayGasFloor(record.signed.intent);
    return margin > floor ? margin : floor;
  }
}
