import type { Provider } from "ethers";

import { IntentStatus } from "../../protocol/chain/enums.js";
import { sameAddress } from "../batching.js";
import { walletAt, walletInterface } from "../chainReads.js";
import type { IntentRecord } from "../types.js";
import type { IntentRecorder } from "./recorder.js";
import type { WalletView } from "./walletView.js";

/**
 * What `Settlement` reads the chain with, and records to.
 *
 * @example
 * const parameters: SettlementParameters = { provider, relayer: sender.address, batcher: undefined, recorder };
 */
export interface SettlementParameters {
  provider: Provider;
  /** The relayer's account. */
  relayer: string;
  /** The `IntentBatcher` the relayer relays through, if any. */
  batcher: string | undefined;
  recorder: IntentRecorder;
}

/**
 * What the wallet says of an intent: relayed (by anyone), failed or canceled on-chain. It comes
 * first: an intent relayed before it expired is relayed, whatever the relayer thought of it.
 *
 * @example
 * const settlement = new Settlement({ provider, relayer: sender.address, batcher, recorder });
 * if (await settlement.settled(record, view)) return;
 */
export class Settlement {
  readonly #p: SettlementParameters;

  constructor(parameters: SettlementParameters) {
    this.#p = parameters;
  }

  /**
   * Records what the wallet says, as `view` tells it, if someone relayed or canceled the ID
   * already; whether so.
   */
  async settled(record: IntentRecord, view: WalletView): Promise<boolean> {
    const { status, receipt } = await view.status(record.signed.wallet, record.id);
    if (status === IntentStatus.None) return false;
    if (status === IntentStatus.Canceled) {
      await this.#p.recorder.final(record, "rejected", {
        code: "canceled",
        message: "the wallet's owner canceled it",
      });
      return true;
    }
    const relay = receipt ?? (await this.#readReceipt(record));
    // Through a batcher, or the factory of `create`, the wallet records that contract as
    // relayer: the transaction says who sent it.
    const through = [this.#p.batcher, record.signed.create?.factory];
    const sent = through.some((contract) => sameAddress(relay.relayer, contract))
      ? await this.#relayTransaction(record, BigInt(relay.blockNumber), relay.transactionHash)
      : undefined;
    const ours = sent !== undefined && sameAddress(sent.from, this.#p.relayer);
    const outcome = status === IntentStatus.Succeeded ? "relayed" : "failed";
    await this.#p.recorder.final(record, outcome, undefined, {
      relayedBy: sent?.from ?? relay.relayer,
      blockNumber: BigInt(relay.blockNumber),
      ...(ours ? { txHash: sent.hash } : {}),
    });
    return true;
  }

  /** The wallet's receipt of `record`, read from the node. */
  async #readReceipt(
    record: IntentRecord,
  ): Promise<{ relayer?: string; blockNumber: number | bigint; transactionHash?: string }> {
    const wallet = walletAt(record.signed.wallet, this.#p.provider);
    const { relayer, blockNumber } = await wallet.intentReceipt(record.id);
    return { relayer, blockNumber };
  }

  /**
   * The transaction that relayed `record` in block `blockNumber` (its hash if known, else found
   * by its `IntentRelayed` log), with who sent it, if found.
   */
  async #relayTransaction(
    record: IntentRecord,
    blockNumber: bigint,
    knownHash: string | undefined,
  ): Promise<{ hash: string; from: string } | undefined> {
    const { provider } = this.#p;
    try {
      const hash = knownHash ?? (await this.#relayLog(record, blockNumber))?.transactionHash;
      if (hash === undefined) return undefined;
      const transaction = await provider.getTransaction(hash);
      return transaction === null ? undefined : { hash, from: transaction.from };
    } catch (error) {
      this.#p.recorder.log("warn", "could not find the transaction that relayed an intent", {
        id: record.id,
        error: String(error),
      });
      return undefined;
    }
  }

  async #relayLog(record: IntentRecord, blockNumber: bigint) {
    const [log] = await this.#p.provider.getLogs({
      address: record.signed.wallet,
      topics: [walletInterface.getEvent("IntentRelayed").topicHash, record.id],
      fromBlock: Number(blockNumber),
      toBlock: Number(blockNumber),
    });
    return log;
  }
}
