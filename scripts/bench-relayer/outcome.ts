import type { JsonRpcProvider } from "ethers";

import { IntentBatcher__factory, IntentWallet__factory } from "../../typechain-types/index.js";
import {
  isFinalRelayerIntentStatus,
  RelayerClient,
  type IntentStatusResponse,
} from "../../src/sdk/index.js";

/**
 * The final statuses of the accepted intents, read from the relayer wallet by wallet (a page of
 * 500 per call, not a call per intent), waiting until every accepted intent is final or
 * `timeoutMs` has passed.
 *
 * @example
 * const finals = await waitForFinals(client, world.wallets, acceptedIds, 10 * 60_000);
 */
export async function waitForFinals(
  client: () => RelayerClient,
  wallets: readonly string[],
  accepted: ReadonlySet<string>,
  timeoutMs: number,
): Promise<Map<string, IntentStatusResponse>> {
  const deadline = Date.now() + timeoutMs;
  let finals = new Map<string, IntentStatusResponse>();
  while (Date.now() < deadline) {
    finals = await readFinals(client(), wallets).catch(() => finals);
    if ([...accepted].every((id) => finals.has(id))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return finals;
}

async function readFinals(
  client: RelayerClient,
  wallets: readonly string[],
): Promise<Map<string, IntentStatusResponse>> {
  const finals = new Map<string, IntentStatusResponse>();
  for (const wallet of wallets) {
    let cursor: string | undefined;
    do {
      const page = await client.listWalletIntents(wallet, { limit: 500, cursor });
      for (const entry of page.intents) {
        if (isFinalRelayerIntentStatus(entry.status)) finals.set(entry.id, entry);
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
  return finals;
}

/** What the chain says of a run: IDs relayed more than once, and our reverted transactions. */
export interface ChainAudit {
  duplicates: number;
  revertedRelayTransactions: number;
  relayTransactions: number;
  /**
   * Entries the batcher skipped (`BatchedIntentSkipped`, `BatchStopped`): an intent sent while
   * it was relayed already shows here, not as a revert.
   */
  batchSkips: number;
  /** Per relayer account: nonces used on chain and whether any transaction of it still waits (a gap). */
  nonces: Record<string, { mined: number; pending: number }>;
}

/**
 * Audits blocks `fromBlock`..latest: how many intent IDs have more than one `IntentRelayed`
 * event, how many transactions sent by the `relayers` (one account, or a fleet's) reverted, and
 * each account's mined and pending nonce counts (equal when no nonce is left waiting).
 *
 * @example
 * const { duplicates, revertedRelayTransactions } = await auditChain(provider, [relayer], start);
 */
export async function auditChain(
  provider: JsonRpcProvider,
  relayers: readonly string[],
  fromBlock: number,
): Promise<ChainAudit> {
  const relayedTopic = IntentWallet__factory.createInterface().getEvent("IntentRelayed")!.topicHash;
  const logs = await provider.getLogs({ fromBlock, toBlock: "latest", topics: [relayedTopic] });
  const counts = new Map<string, number>();
  for (const log of logs) counts.set(log.topics[1], (counts.get(log.topics[1]) ?? 0) + 1);
  const batcher = IntentBatcher__factory.createInterface();
  const skipTopics = [batcher.getEvent("BatchedIntentSkipped")!, batcher.getEvent("BatchStopped")!];
  const skips = await provider.getLogs({
    fromBlock,
    toBlock: "latest",
    topics: [skipTopics.map((event) => event.topicHash)],
  });
  const sent = await transactionsFrom(provider, relayers, fromBlock);
  const receipts = await Promise.all(sent.map((hash) => provider.getTransactionReceipt(hash)));
  const nonces: ChainAudit["nonces"] = {};
  for (const relayer of relayers) {
    const [mined, pending] = await Promise.all([
      provider.getTransactionCount(relayer, "latest"),
      provider.getTransactionCount(relayer, "pending"),
    ]);
    nonces[relayer] = { mined, pending };
  }
  return {
    duplicates: [...counts.values()].filter((count) => count > 1).length,
    revertedRelayTransactions: receipts.filter((receipt) => receipt?.status === 0).length,
    relayTransactions: sent.length,
    batchSkips: skips.length,
    nonces,
  };
}

async function transactionsFrom(
  provider: JsonRpcProvider,
  senders: readonly string[],
  fromBlock: number,
): Promise<string[]> {
  const wanted = new Set(senders.map((sender) => sender.toLowerCase()));
  const latest = await provider.getBlockNumber();
  const hashes: string[] = [];
  for (let number = fromBlock; number <= latest; number++) {
    const block = await provider.getBlock(number, true);
    for (const transaction of block?.prefetchedTransactions ?? []) {
      if (wanted.has(transaction.from.toLowerCase())) hashes.push(transaction.hash);
    }
  }
  return hashes;
}
