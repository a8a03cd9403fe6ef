import type { Provider } from "ethers";

import type { RelayerConfig } from "../config.js";
import {
  IntentRelayerService,
  type IntentRelayerServiceParameters,
} from "../IntentRelayerService.js";
import type { RelayerMetrics } from "../metrics.js";
import { SpendingPolicy } from "../policy.js";
import type { RateCounter } from "../rates/RateCounter.js";
import { withDeadline } from "../rpcDeadline.js";
import type { IntentStore } from "../store/IntentStore.js";
import type { FleetBacklog } from "../store/leases.js";
import type { IntentRecord } from "../types.js";

/**
 * The spending policy of RELAYER_ALLOWED_WALLETS, RELAYER_RATE_PER_MINUTE (counted in `rates`)
 * and the gas budget, for wallets that are clones of `implementation` (none: the allow-list
 * only).
 *
 * @example
 * const policy = spendingPolicy(config, { implementation, factory }, rateCounterOf(store));
 */
export function spendingPolicy(
  config: RelayerConfig,
  { implementation, factory }: { implementation: string | undefined; factory: string | undefined },
  rates: RateCounter,
): SpendingPolicy {
  return new SpendingPolicy({
    implementation,
    factory,
    rates,
    allowedWallets: config.RELAYER_ALLOWED_WALLETS,
    ratePerMinute: config.RELAYER_RATE_PER_MINUTE,
    gasBudgetWei: config.RELAYER_GAS_BUDGET_WEI,
    budgetPeriodMs: config.RELAYER_BUDGET_PERIOD_SECONDS * 1000,
  });
}

/**
 * The parameters of `relayerService`.
 *
 * @example
 * const parameters: RelayerServiceParameters = { provider, config, store, policy, metrics, chainId, relayerAddress };
 */
export interface RelayerServiceParameters {
  provider: Provider;
  config: RelayerConfig;
  store: IntentStore;
  policy: SpendingPolicy;
  metrics: RelayerMetrics;
  chainId: bigint;
  relayerAddress: string;
  /** The followed chain the intake decides ordinary intents from. */
  chainState: IntentRelayerServiceParameters["chainState"];
  /** Told of every accepted intent (the scheduler admits it). */
  onAccepted?: (record: IntentRecord) => void;
}

/**
 * The relayer's front desk with its caps from `config`; its `/metrics` are `metrics`, with the
 * intents counted by status and the relayer's balance read when they are rendered.
 *
 * @example
 * const service = relayerService({ provider, config, store, policy, metrics, chainId, relayerAddress });
 */
export function relayerService(parameters: RelayerServiceParameters): IntentRelayerService {
  const { provider, config, store, policy, chainId, relayerAddress, chainState } = parameters;
  const leases = store.leases;
  // Unauthenticated /health and /metrics read the fleet's backlog at most once a second.
  const fleetBacklog = leases && memoizeFor(1_000, () => leases.backlog());
  return new IntentRelayerService({
    chainState,
    onAccepted: parameters.onAccepted,
    provider,
    store,
    policy,
    chainId,
    relayerAddress,
    maxExpirationSeconds: config.RELAYER_MAX_EXPIRATION_SECONDS,
    maxPendingPerWallet: config.RELAYER_MAX_PENDING_PER_WALLET,
    renderMetrics: () => renderMetrics(parameters, fleetBacklog),
    fleetBacklog,
  });
}

/**
 * The metrics' Prometheus text, with the intent counts, the relayer's balance and nonce, and in
 * a fleet its leases and the fleet's backlog, brought up to date. A node that does not answer
 * leaves the last balance and nonce: /metrics still answers at once.
 */
async function renderMetrics(
  { provider, store, metrics, relayerAddress }: RelayerServiceParameters,
  fleetBacklog: (() => Promise<FleetBacklog>) | undefined,
): Promise<string> {
  metrics.setIntentCounts(await store.countByStatus());
  const account = Promise.all([
    provider.getBalance(relayerAddress),
    provider.getTransactionCount(relayerAddress, "pending"),
  ]);
  await withDeadline(account, 750, "eth_getBalance").then(
    ([balance, nonce]) => metrics.setAccount(balance, nonce),
    () => undefined,
  );
  if (fleetBacklog !== undefined) metrics.setFleet(relayerAddress, await fleetBacklog());
  return metrics.render();
}

/** `read`, its answer reused for `ms` after it came (a failure is not kept). */
function memoizeFor<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
  let kept: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (kept === undefined || Date.now() - kept.at >= ms) {
      const value = read();
      kept = { at: Date.now(), value };
      value.catch(() => (kept = undefined));
    }
    return kept.value;
  };
}
