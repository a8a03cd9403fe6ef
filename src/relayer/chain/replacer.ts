import { Transaction } from "ethers";

import { LeaseLostError } from "../store/leases.js";
import type { TransactionRecord } from "../types.js";
import { errorMessage } from "./broadcastErrors.js";
import { bumpFees, type TransactionFees } from "./fees.js";
import type { SenderCore } from "./senderCore.js";
import type { PollContext, TransactionEvent } from "./senderTypes.js";

/**
 * Replaces a transaction due for it (unmined `replaceAfterMs` after it was sent): the same
 * nonce and call with fees bumped within its cap (`replaced`). When the cap leaves no room,
 * it waits (`stuck`), or, while the network's price is above the cap and a later nonce waits
 * behind it, it is cancelled with a self transfer (`canceling`).
 *
 * @example
 * const events = await new Replacer(core).replace(newest, context);
 */
export class Replacer {
  constructor(readonly core: SenderCore) {}

  /** Sends a replacement of `newest` (same nonce and call, bumped fees within its cap), or reports it stuck. */
  async replace(newest: TransactionRecord, context: PollContext): Promise<TransactionEvent[]> {
    const { core } = this;
    const parsed = Transaction.from(newest.raw);
    const legacy = parsed.type === 0 || parsed.type === 1;
    const cap = await core.capOf(newest);
    const network = await context.feeData();
    const bumpPercent = core.feeBumpPercent;
    const fees = bumpFees({ previous: newest, network, cap, bumpPercent, legacy });
    if (fees === undefined) return this.#stuckAtCap(newest, cap, context);
    let replacement: TransactionRecord;
    try {
      replacement = await core.signAndRecord({
        to: parsed.to ?? core.address,
        data: parsed.data,
        value: parsed.value,
        gasLimit: parsed.gasLimit,
        nonce: newest.nonce,
        ...fees,
        legacy,
        intentIds: newest.intentIds,
        ...(parsed.authorizationList === null
          ? {}
          : { authorizationList: parsed.authorizationList }),
        cap,
      });
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error;
      return this.#cancel(newest, "its intents' leases were taken by another relayer");
    }
    return this.#broadcastReplacement(replacement, newest, fees);
  }

  /**
   * Cancels `newest` with a self transfer at its nonce (`canceling`): its intents may be sent
   * again (by this relayer, or the one that took their leases) once the nonce is used.
   */
  async #cancel(newest: TransactionRecord, why: string): Promise<TransactionEvent[]> {
    const { core } = this;
    const { nonce, intentIds, hash } = newest;
    const cancel = await core.fill(nonce, newest);
    core.stuck.delete(nonce);
    core.logger.warn(`transaction canceled: ${why}`, { hash, nonce, cancelHash: cancel.hash });
    const { maxFeePerGas, maxPriorityFeePerGas } = cancel;
    const fees = { maxFeePerGas, maxPriorityFeePerGas };
    return [
      { kind: "canceling", hash: cancel.hash, replacedHash: hash, nonce, intentIds, ...fees },
    ];
  }

  async #broadcastReplacement(
    replacement: TransactionRecord,
    newest: TransactionRecord,
    fees: TransactionFees,
  ): Promise<TransactionEvent[]> {
    const { core } = this;
    const { nonce, intentIds } = newest;
    const fields = { hash: replacement.hash, replacedHash: newest.hash, nonce };
    const result = await core.broadcast(replacement.raw);
    if (!result.sent) {
      await core.store.updateTransaction(replacement.hash, { state: "dropped" });
      core.caps.delete(replacement.hash);
      const failure = { kind: result.kind, error: errorMessage(result.error) };
      core.logger.warn("replacement refused by the node", { ...fields, ...failure });
      return [];
    }
    core.stuck.delete(nonce);
    core.logger.info("transaction replaced", {
      ...fields,
      maxFeePerGas: fees.maxFeePerGas.toString(),
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
    });
    return [{ kind: "replaced", ...fields, intentIds, ...fees }];
  }

  /**
   * `newest` is due for a replacement its cap leaves no room for. While the network's price is
   * above the cap it can't be mined; if a later nonce waits behind it, it blocks that one too:
   * it is cancelled, a self transfer taking its nonce (`canceling`), and its intents may be sent
   * again once the price allows. Otherwise it keeps waiting (`stuck`, reported once).
   */
  async #stuckAtCap(
    newest: TransactionRecord,
    cap: bigint | undefined,
    context: PollContext,
  ): Promise<TransactionEvent[]> {
    const { core } = this;
    const { nonce, intentIds, hash } = newest;
    const network = await context.feeData();
    const price = network.gasPrice ?? network.maxFeePerGas ?? 0n;
    if (cap !== undefined && price > cap && context.lastPendingNonce > nonce) {
      const why = `stuck at its fee cap ${cap} (network ${price}), it blocked later nonces`;
      return this.#cancel(newest, why);
    }
    if (core.stuck.has(nonce)) return [];
    core.stuck.add(nonce);
    const { maxFeePerGas, maxPriorityFeePerGas } = newest;
    const fields = { hash, nonce, maxFeePerGas: maxFeePerGas.toString(), cap: cap?.toString() };
    core.logger.warn("transaction stuck at its fee cap", fields);
    return [{ kind: "stuck", hash, nonce, intentIds, maxFeePerGas, maxPriorityFeePerGas, cap }];
  }
}
