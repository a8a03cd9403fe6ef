import type { Provider } from "ethers";

import type { RelayerConfig } from "../config.js";
import {
  IntentRelayerService,
  type IntentRelayerServiceParameters,
} from "../IntentRelayerService.js";
import type { RelayerMetrics } from "../metrics.js";
import { SpendingPolicy } from "../policy.js";
import { withDeadline } from "../rpcDeadline.js";
import type { IntentStore } from "../store/IntentStore.js";
import type { IntentRecord } from "../types.js";

/**
 * The spending policy of RELAYER_ALLOWED_WALLETS, RELAYER_RATE_PER_MINUTE and the gas budget,
 * for wallets that are clones of `implementation` (none: the allow-list only).
 *
 * @example
 * const policy = spendingPolicy(config, { implementation, factory });
 */
export function spendingPolicy(
  config: RelayerConfig,
  { implementation, factory }: { implementation: string | undefined; factory: string | undefined },
): SpendingPolicy {
  return new SpendingPolicy({
    implementation,
    factory,
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
    renderMetrics: () => renderMetrics(parameters),
  });
}

/**
 * The metrics' Prometheus text, with the intent counts and the relayer's balance brought up to
 * date. A node that does not answer leaves the last balance: /metrics still answers at once.
 */
async function renderMetrics({
  provider,
  store,
  metrics,
  relayerAddress,
}: RelayerServiceParameters): Promise<string> {
  metrics.setIntentCounts(await store.countByStatus());
  await withDeadline(provider.getBalance(relayerAddress), 750, "eth_getBalance").then(
    (balance) => metrics.setBalance(balance),
    () => undefined,
  );
  return metrics.render();
}
