import type { AddressInfo } from "node:net";

import { JsonRpcProvider, Wallet, type Provider } from "ethers";

import { TransactionSender } from "./chain/TransactionSender.js";
import { readDeployment } from "../protocol/deployments.js";
import { resolveBatcher } from "./batching.js";
import { relayerKey, type RelayerConfig } from "./config.js";
import { createRelayerHttpServer } from "./http/server.js";
import { IntentRelayerService } from "./IntentRelayerService.js";
import { createLogger, type Logger } from "./logger.js";
import { RelayerMetrics } from "./metrics.js";
import { SpendingPolicy } from "./policy.js";
import { Scheduler } from "./Scheduler.js";
import { SqliteIntentStore } from "./store/SqliteIntentStore.js";

/** A running relayer: its URL, its account, and how to stop it. */
export interface RunningRelayer {
  url: string;
  relayerAddress: string;
  chainId: bigint;
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * Starts the relayer: connects to the JSON-RPC endpoint, opens the store, resumes the
 * transactions it had in flight, then serves HTTP and relays.
 *
 * @example
 * const relayer = await startRelayer(loadRelayerConfig());
 * console.log(`relayer at ${relayer.url}`);
 */
export async function startRelayer(
  config: RelayerConfig,
  { logger, provider: givenProvider }: { logger?: Logger; provider?: Provider } = {},
): Promise<RunningRelayer> {
  const log =
    logger ?? createLogger({ level: config.RELAYER_LOG_LEVEL, base: { service: "relayer" } });
  // `provider` lets a host process lend its own (Hardhat's in-process network, say); otherwise
  // the relayer connects to RELAYER_RPC_URL, with ethers' response cache off (stale nonces).
  const ownProvider =
    givenProvider === undefined
      ? new JsonRpcProvider(config.RELAYER_RPC_URL, undefined, {
          cacheTimeout: -1,
          pollingInterval: config.RELAYER_POLL_MS,
        })
      : undefined;
  const provider: Provider = givenProvider ?? ownProvider!;
  const { chainId } = await provider.getNetwork();
  if (config.RELAYER_CHAIN_ID !== undefined && config.RELAYER_CHAIN_ID !== chainId) {
    throw new Error(
      `RELAYER_RPC_URL serves chain ${chainId}, not RELAYER_CHAIN_ID ${config.RELAYER_CHAIN_ID}`,
    );
  }
  // Batching: RELAYER_BATCHER (checked before anything is opened), or the batcher recorded with
  // the deployment; none: one transaction per intent.
  const batching = await resolveBatcher({
    provider,
    chainId,
    configured: config.RELAYER_BATCHER,
    maxBatch: config.RELAYER_MAX_BATCH,
  });
  if (batching.batcher !== undefined) {
    log.info("batching on", {
      batcher: batching.batcher,
      source: batching.source,
      maxBatch: config.RELAYER_MAX_BATCH,
    });
  } else if (batching.warning) log.warn("batching off", { reason: batching.reason });
  else log.info("batching off", { reason: batching.reason });
  const signer = new Wallet(relayerKey(config, chainId), provider);
  const store = await SqliteIntentStore.open({ path: config.RELAYER_DB_PATH });
  const metrics = new RelayerMetrics();
  const sender = new TransactionSender({
    provider,
    signer,
    store,
    chainId,
    confirmations: config.RELAYER_CONFIRMATIONS,
    replaceAfterMs: config.RELAYER_REPLACE_AFTER_MS,
    feeBumpPercent: config.RELAYER_FEE_BUMP_PERCENT,
    logger: log,
  });
  await sender.init();
  // Served wallets: clones of the configured implementation, or of the one recorded by the
  // deploy script for this chain, and the allow-list.
  const implementation =
    config.RELAYER_IMPLEMENTATION ?? (await readDeployment({ chainId }))?.implementation;
  if (implementation === undefined && config.RELAYER_ALLOWED_WALLETS.length === 0) {
    throw new Error(
      `no wallets to serve on chain ${chainId}: set RELAYER_IMPLEMENTATION or RELAYER_ALLOWED_WALLETS, or deploy (npm run deploy) so deployments/${chainId}.json exists`,
    );
  }
  const policy = new SpendingPolicy({
    implementation,
    allowedWallets: config.RELAYER_ALLOWED_WALLETS,
    ratePerMinute: config.RELAYER_RATE_PER_MINUTE,
    gasBudgetWei: config.RELAYER_GAS_BUDGET_WEI,
    budgetPeriodMs: config.RELAYER_BUDGET_PERIOD_SECONDS * 1000,
  });
  const service = new IntentRelayerService({
    provider,
    store,
    policy,
    chainId,
    relayerAddress: signer.address,
    renderMetrics: async () => {
      metrics.setIntentCounts(await store.countByStatus());
      metrics.setBalance(await provider.getBalance(signer.address));
      return metrics.render();
    },
  });
  const scheduler = new Scheduler({
    provider,
    store,
    policy,
    sender,
    holdMs: config.RELAYER_HOLD_MS,
    batcher: batching.batcher,
    maxBatch: config.RELAYER_MAX_BATCH,
    hooks: {
      log: (level, message, fields) => log[level](message, fields),
      onFinal: (_record, status, seconds) => {
        metrics.intentFinal(status);
        if ((status === "relayed" || status === "failed") && seconds !== undefined)
          metrics.submitToReceipt(seconds);
      },
      onSent: (kind) => metrics.transactionSent(kind),
      onGasSpent: (gasUsed) => metrics.recordGasSpent(gasUsed),
      onBatchSent: (size) => metrics.batchSent(size),
      onBatchSkipped: (stage) => metrics.batchSkippedIntent(stage),
    },
  });
  scheduler.start(config.RELAYER_POLL_MS);
  const server = createRelayerHttpServer({
    service,
    metrics,
    logger: log,
    bodyLimitBytes: config.RELAYER_BODY_LIMIT_BYTES,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.RELAYER_PORT, config.RELAYER_HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.RELAYER_HOST}:${port}`;
  log.info("relayer started", { url, chainId: chainId.toString(), relayer: signer.address });
  return {
    url,
    relayerAddress: signer.address,
    chainId,
    logger: log,
    async stop() {
      scheduler.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await store.close();
      ownProvider?.destroy();
      log.info("relayer stopped");
    },
  };
}
