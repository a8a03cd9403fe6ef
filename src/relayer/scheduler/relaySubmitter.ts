import type { Provider } from "ethers";

import { CreationGate } from "../creation/creationGate.js";
import {
  relayRouteOf,
  routeGasFloor,
  walletRoute,
  type RelayRoute,
} from "../creation/relayRoute.js";
import { LeaseLostError } from "../store/leases.js";
import type { IntentRecord } from "../types.js";
import type { IntentRecorder } from "./recorder.js";
import type { RelaySender } from "./types.js";

/** Gas a relay is given above the node's estimate, in percent. */
const GAS_LIMIT_MARGIN_PERCENT = 25n;

/**
 * Sends one intent alone, at the gas limit docs/relayer-api.md section 8 gives it, its fees
 * capped at the intent's `maxGasPrice`: `relayPacked` on its wallet (in a type-4 transaction
 * with the EOA's authorization when it delegates its wallet first), or, for a wallet still to
 * be created, `createWalletAndRelay` on its factory (one such relay per wallet at a time: the
 * wallet's other intents wait for it to exist).
 *
 * @example
 * const submitter = new RelaySubmitter(provider, sender, recorder);
 * if (await submitter.submit(record)) console.log("submitted");
 */
export class RelaySubmitter {
  /** Which intent is creating which wallet. */
  readonly creations: CreationGate;

  constructor(
    readonly provider: Provider,
    readonly sender: RelaySender,
    readonly recorder: IntentRecorder,
  ) {
    this.creations = new CreationGate(recorder.store);
  }

  /**
   * Sends `record` alone (at `knownGasLimit` if given, a relay on its wallet's limit); whether
   * it was sent. One whose wallet another intent is creating stays `queued`.
   */
  async submit(record: IntentRecord, knownGasLimit?: bigint): Promise<boolean> {
    try {
      const route = await relayRouteOf(this.provider, record.signed);
      if (!route.creates) return await this.#send(record, route, knownGasLimit);
      if (!(await this.creations.claim(record))) return await this.#waitForCreation(record);
      try {
        return await this.#send(record, route);
      } finally {
        this.creations.settle(record);
      }
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.recorder.lost(record, error);
        return false;
      }
      const fields = { id: record.id, error: String(error) };
      this.recorder.log("warn", "submission failed; will retry", fields);
      return false;
    }
  }

  /** Sends `record` by `route` and records it `submitted`. */
  async #send(record: IntentRecord, route: RelayRoute, knownGasLimit?: bigint): Promise<boolean> {
    const gasLimit = knownGasLimit ?? (await this.gasLimitOf(record, route));
    const { authorization } = route;
    const { hash } = await this.sender.send({
      to: route.to,
      data: route.data,
      gasLimit,
      intentIds: [record.id],
      maxFeeCapPerGas: record.signed.intent.maxGasPrice,
      ...(authorization === undefined ? {} : { authorizationList: [authorization] }),
    });
    this.recorder.hooks.onSent?.("relay");
    this.recorder.solo.delete(record.id);
    await this.markSubmitted(record, hash);
    const delegates = authorization !== undefined;
    const fields = {
      id: record.id,
      hash,
      gasLimit: gasLimit.toString(),
      creates: route.creates,
      delegates,
    };
    this.recorder.log("info", "relay submitted", fields);
    return true;
  }

  /** Another intent of `record`'s wallet is creating it: `record` waits until it exists. */
  async #waitForCreation(record: IntentRecord): Promise<boolean> {
    await this.recorder.set(record, { status: "queued" });
    this.recorder.log("debug", "waits for its wallet to be created by another intent", {
      id: record.id,
      wallet: record.wallet,
    });
    return false;
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
   * The gas limit of a relay of `record` on its own by `route` (on its wallet by default): the
   * node's estimate plus a margin, and at least what its `minGasLimit` requires by the gas rule
   * (`routeGasFloor`: with the 1/64 each CALL keeps back, and room around it). Short of that,
   * the wallet reverts the relay whole with `IntentInsufficientGas` rather than record its
   * calls as failed.
   */
  async gasLimitOf(record: IntentRecord, route = walletRoute(record.signed)): Promise<bigint> {
    const { to, data, authorization } = route;
    const from = this.sender.address;
    const estimate = await this.provider.estimateGas(
      authorization === undefined
        ? { from, to, data }
        : { from, to, data, type: 4, authorizationList: [authorization] },
    );
    const margin = estimate + (estimate * GAS_LIMIT_MARGIN_PERCENT) / 100n;
    const floor = routeGasFloor(route, record.signed.intent);
    return margin > floor ? margin : floor;
  }
}
