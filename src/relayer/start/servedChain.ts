import type { Provider } from "ethers";

import { resolveBatcher, type ResolveBatcherReturnType } from "../batching.js";
import type { RelayerConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { resolveServedWallets } from "../creation/servedFactory.js";
import { connectChain } from "../startup.js";

/**
 * What the relayer serves on its chain, known before anything is opened.
 *
 * @example
 * const { chainId, implementation, batching } = await checkServedChain({ provider, config, rpcUrl, log });
 */
export interface ServedChain {
  chainId: bigint;
  /** The implementation the served wallets are clones of; none when only the allow-list is served. */
  implementation: string | undefined;
  /** The factory whose wallets are served and created on first use; none: clones of `implementation`, created by no one. */
  factory: string | undefined;
  /** The batcher to relay through, or why there is none. */
  batching: ResolveBatcherReturnType;
}

/**
 * The parameters of `checkServedChain`.
 *
 * @example
 * const parameters: CheckServedChainParameters = { provider, config, rpcUrl: undefined, log };
 */
export interface CheckServedChainParameters {
  provider: Provider;
  config: RelayerConfig;
  /** RELAYER_RPC_URL when the relayer connects on its own; undefined for a lent provider. */
  rpcUrl: string | undefined;
  log: Logger;
}

/**
 * Connects to the chain and checks what the relayer is to serve there, before anything is
 * opened: the chain is RELAYER_CHAIN_ID when set; the served wallets are those of
 * RELAYER_ALLOWED_WALLETS and those of the configured factory (RELAYER_FACTORY, or the one the
 * deploy script recorded for this chain), or the clones of RELAYER_IMPLEMENTATION; the batcher is RELAYER_BATCHER, or the one recorded
 * with the deployment, or none (one transaction per intent), as the log says.
 *
 * @example
 * const served = await checkServedChain({ provider, config, rpcUrl: config.RELAYER_RPC_URL, log });
 */
export async function checkServedChain({
  provider,
  config,
  rpcUrl,
  log,
}: CheckServedChainParameters): Promise<ServedChain> {
  const chainId = await connectConfiguredChain(provider, config, rpcUrl);
  // Served wallets: those of the configured factory (or of the one recorded by the deploy
  // script for this chain), or clones of the configured implementation, and the allow-list.
  const { implementation, factory } = await resolveServedWallets({
    provider,
    chainId,
    rpcUrl,
    factory: config.RELAYER_FACTORY,
    implementation: config.RELAYER_IMPLEMENTATION,
    hasAllowedWallets: config.RELAYER_ALLOWED_WALLETS.length > 0,
  });
  const batching = await resolveBatcher({
    provider,
    chainId,
    configured: config.RELAYER_BATCHER,
    maxBatch: config.RELAYER_MAX_BATCH,
  });
  logBatching(log, batching, config.RELAYER_MAX_BATCH);
  return { chainId, implementation, factory, batching };
}

/** The chain's ID, which must be RELAYER_CHAIN_ID when that is set. */
async function connectConfiguredChain(
  provider: Provider,
  config: RelayerConfig,
  rpcUrl: string | undefined,
): Promise<bigint> {
  const chainId = await connectChain(provider, { rpcUrl });
  if (config.RELAYER_CHAIN_ID !== undefined && config.RELAYER_CHAIN_ID !== chainId) {
    throw new Error(
      `RELAYER_RPC_URL serves chain ${chainId}, not RELAYER_CHAIN_ID ${config.RELAYER_CHAIN_ID}`,
    );
  }
  return chainId;
}

/** Says whether batching is on, through which batcher, or why it is off (a warning if unexpected). */
function logBatching(log: Logger, batching: ResolveBatcherReturnType, maxBatch: number): void {
  if (batching.batcher !== undefined) {
    log.info("batching on", { batcher: batching.batcher, source: batching.source, maxBatch });
  } else if (batching.warning) log.warn("batching off", { reason: batching.reason });
  else log.info("batching off", { reason: batching.reason });
}
