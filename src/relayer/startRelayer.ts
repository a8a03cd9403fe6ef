import type { AddressInfo } from "node:net";

import { JsonRpcProvider, Wallet, type Provider } from "ethers";

import { TransactionSender } from "./chain/TransactionSender.js";
import { resolveBatcher } from "./batching.js";
import { relayerKey, type RelayerConfig } from "./config.js";
import { resolveServedWallets } from "./creation/servedFactory.js";
import { createRelayerHttpServer } from "./http/server.js";
import { IntentRelayerService } from "./IntentRelayerService.js";
import { createLogger, type Logger } from "./logger.js";
import { RelayerMetrics } from "./metrics.js";
import { SpendingPolicy } from "./policy.js";
import { withDeadline } from "./rpcDeadline.js";
import { Scheduler } from "./Scheduler.js";
import { connectChain, openRelayerStore, relayerDbPath } from "./startup.js";

/** A running relayer: its URL, its account, and how to stop it. */
export interface RunningRelayer {
  url: string;
  relayerAddress: string;
  chainId: bigint;
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * Starts the relayer: connects to the JSON-RPC endpoint, checks that the implementation it
 * serves has code there, opens the store, resumes the transactions it had in flight, then
 * serves HTTP and relays. A node that does not answer, an implementation with no code or a
 * database that does not open stops the start with an error naming the setting and the remedy.
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
  try {
    return await startOn(givenProvider ?? ownProvider!, config, log, ownProvider);
  } catch (error) {
    ownProvider?.destroy();
    throw error;
  }
}

/** `startRelayer` once the provider is chosen; `ownProvider` is destroyed on `stop()`. */
async function startOn(
  provider: Provider,
  config: RelayerConfig,
  log: Logger,
  ownProvider: JsonRpcProvider | undefined,
): Promise<RunningRelayer> {
  // The RPC URL is the relayer's own only when it connects; a lent provider has none.
  const rpcUrl = ownProvider === undefined ? undefined : config.RELAYER_RPC_URL;
  const chainId = await connectChain(provider, { rpcUrl });
  if (config.RELAYER_CHAIN_ID !== undefined && config.RELAYER_CHAIN_ID !== chainId) {
    throw new Error(
      `RELAYER_RPC_URL serves chain ${chainId}, not RELAYER_CHAIN_ID ${config.RELAYER_CHAIN_ID}`,
    );
  }
  // Served wallets: those of the configured factory (or of the one recorded by the deploy
  // script for this chain), or clones of the configured implementation, and the allow-list.
  // Checked before anything is opened.
  const { implementation, factory } = await resolveServedWallets({
    provider,
    chainId,
    rpcUrl,
    factory: config.RELAYER_FACTORY,
    implementation: config.RELAYER_IMPLEMENTATION,
    hasAllowedWallets: config.RELAYER_ALLOWED_WALLETS.length > 0,
  });
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
  const dbPath = relayerDbPath({ configured: config.RELAYER_DB_PATH, chainId });
  const store = await openRelayerStore(dbPath);
  log.info("store opened", { path: dbPath });
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
  const policy = new SpendingPolicy({
    implementation,
    factory,
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
    maxExpirationSeconds: config.RELAYER_MAX_EXPIRATION_SECONDS,
    maxPendingPerWallet: config.RELAYER_MAX_PENDING_PER_WALLET,
    renderMetrics: async () => {
      metrics.setIntentCounts(await store.countByStatus());
      // A node that does not answer leaves the last balance: /metrics still answers at once.
      await withDeadline(provider.getBalance(signer.address), 750, "eth_getBalance").then(
        (balance) => metrics.setBalance(balance),
        () => undefined,
      );
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
    clientRatePerMinute: config.RELAYER_CLIENT_RATE_PER_MINUTE,
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
