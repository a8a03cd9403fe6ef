import type { Provider } from "ethers";

import { IntentStatus } from "../../protocol/chain/enums.js";
import { sameAddress } from "../batching.js";
import { onChainStatus, walletAt, walletInterface } from "../chainReads.js";
import type { IntentRecord } from "../types.js";
import type { IntentRecorder } from "./recorder.js";

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
 * if (await settlement.settled(record)) return;
 */
export class Settlement {
  readonly #p: SettlementParameters;

  constructor(parameters: SettlementParameters) {
    this.#p = parameters;
  }

  /** Records what the wallet says if someone relayed or canceled the ID already; whether so. */
  async settled(record: IntentRecord): Promise<boolean> {
    const { provider, recorder } = this.#p;
    const status = await onChainStatus(provider, record.signed.wallet, record.id);
    if (status === IntentStatus.None) return false;
    if (status === IntentStatus.Canceled) {
      await recorder.final(record, "rejected", {
        code: "canceled",
        message: "the wallet's owner canceled it",
      });
      return true;
    }
    const receipt = await walletAt(record.signed.wallet, provider).intentReceipt(record.id);
    // Through a batcher, or the factory of `create`, the wallet records that contract as
    // relayer: the transaction says who sent it.
    const through = [this.#p.batcher, record.signed.create?.factory];
    const sent = through.some((contract) => sameAddress(receipt.relayer, contract))
      ? await this.#relayTransaction(record, receipt.blockNumber)
      : undefined;
    const ours = sent !== undefined && sameAddress(sent.from, this.#p.relayer);
    await recorder.final(
      record,
      status === IntentStatus.Succeeded ? "relayed" : "failed",
      undefined,
      {
        relayedBy: sent?.from ?? receipt.relayer,
        blockNumber: receipt.blockNumber,
        ...(ours ? { txHash: sent.hash } : {}),
      },
    );
    return true;
  }

  /** The transaction that relayed `record` in block `blockNumber` (its `IntentRelayed` log), if found. */
  async #relayTransaction(
    record: IntentRecord,
    blockNumber: bigint,
  ): Promise<{ hash: string; from: string } | undefined> {
    const { provider } = this.#p;
    try {
      const [log] = await provider.getLogs({
        address: record.signed.wallet,
        topics: [walletInterface.getEvent("IntentRelayed").topicHash, record.id],
        fromBlock: Number(blockNumber),
        toBlock: Number(blockNumber),
      });
      if (log === undefined) return undefined;
      const transaction = await provider.getTransaction(log.transactionHash);
      return transaction === null
        ? undefined
        : { hash: log.transactionHash, from: transaction.from };
    } catch (error) {
      this.#p.recorder.log("warn", "could not find the transaction that relayed an intent", {
        id: record.id,
        error: String(error),
      });
      return undefined;
    }
  }
}
