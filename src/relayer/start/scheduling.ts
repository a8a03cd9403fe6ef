import type { Provider } from "ethers";

import type { TransactionSender } from "../chain/TransactionSender.js";
import type { RelayerConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { RelayerMetrics } from "../metrics.js";
import type { SpendingPolicy } from "../policy.js";
import { Scheduler, type SchedulerHooks, type SchedulerParameters } from "../Scheduler.js";
import type { IntentStore } from "../store/IntentStore.js";

/**
 * The parameters of `startScheduler`.
 *
 * @example
 * const parameters: StartSchedulerParameters = { provider, config, store, policy, sender, batcher, metrics, log };
 */
export interface StartSchedulerParameters {
  provider: Provider;
  config: RelayerConfig;
  store: IntentStore;
  policy: SpendingPolicy;
  sender: TransactionSender;
  /** The batcher to relay through; undefined: one transaction per intent. */
  batcher: string | undefined;
  metrics: RelayerMetrics;
  log: Logger;
  /** The followed chain that wakes the scheduler and tells it the wallets' states. */
  chainState: SchedulerParameters["chainState"];
}

/**
 * Starts the scheduler that relays what the service accepted, ticking every RELAYER_POLL_MS,
 * its logs to `log` and its events counted in `metrics`.
 *
 * @example
 * const scheduler = startScheduler({ provider, config, store, policy, sender, batcher, metrics, log });
 * scheduler.stop();
 */
export function startScheduler({
  provider,
  config,
  store,
  policy,
  sender,
  batcher,
  metrics,
  log,
  chainState,
}: StartSchedulerParameters): Scheduler {
  const scheduler = new Scheduler({
    chainState,
    provider,
    store,
    policy,
    sender,
    holdMs: config.RELAYER_HOLD_MS,
    batcher,
    maxBatch: config.RELAYER_MAX_BATCH,
    hooks: schedulerHooks(metrics, log),
  });
  scheduler.start(config.RELAYER_POLL_MS);
  return scheduler;
}

/**
 * The scheduler's hooks: its log lines to `log`, what it sends, spends and settles to `metrics`.
 *
 * @example
 * new Scheduler({ provider, store, policy, sender, holdMs, hooks: schedulerHooks(metrics, log) });
 */
export function schedulerHooks(metrics: RelayerMetrics, log: Logger): SchedulerHooks {
  return {
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
  };
}
