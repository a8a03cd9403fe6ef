import type { Server } from "node:http";

import { JsonRpcProvider, type Provider } from "ethers";

import type { RelayerConfig } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { RelayerMetrics } from "./metrics.js";
import type { Scheduler } from "./Scheduler.js";
import { closeServer, serveHttp } from "./start/httpServer.js";
import { startScheduler } from "./start/scheduling.js";
import type { FollowedChain } from "./chainState/followedChain.js";
import type { SignerRecovery } from "./intake/SignerRecovery.js";
import { followChain } from "./start/chainState.js";
import { checkServedChain } from "./start/servedChain.js";
import { openSending } from "./start/sending.js";
import { relayerService, spendingPolicy } from "./start/service.js";
import { rateCounterOf } from "./start/store.js";
import type { IntentStore } from "./store/IntentStore.js";
import type { IntentRecord } from "./types.js";

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
  const served = await checkServedChain({ provider, config, rpcUrl, log });
  const { chainId } = served;
  const { signer, store, sender } = await openSending({ provider, config, chainId, log });
  const relayerAddress = signer.address;
  const metrics = new RelayerMetrics();
  // One counter for the clients' and the wallets' rates: the fleet's, with a shared store.
  const rates = rateCounterOf(store);
  const policy = spendingPolicy(config, served, rates);
  // What the service (intake) and the scheduler (relaying) both work with.
  const shared = { provider, config, store, policy, metrics };
  const chainState = await followChain({ provider, config, implementation: served.implementation });
  const batcher = served.batching.batcher;
  const scheduler = startScheduler({ ...shared, sender, batcher, log, chainState });
  const onAccepted = (record: IntentRecord) => scheduler.admit(record);
  const service = relayerService({ ...shared, chainId, relayerAddress, chainState, onAccepted });
  const { server, url } = await serveHttp({ service, metrics, log, config, rates });
  log.info("relayer started", { url, chainId: chainId.toString(), relayer: relayerAddress });
  const stop = stopFor({ scheduler, chainState, server, store, ownProvider, log });
  return { url, relayerAddress, chainId, logger: log, stop };
}

/** What `stopFor` stops, in the order it stops them. */
interface RelayerParts {
  scheduler: Scheduler;
  chainState: FollowedChain & { recovery: SignerRecovery };
  server: Server;
  store: IntentStore;
  ownProvider: JsonRpcProvider | undefined;
  log: Logger;
}

/**
 * The relayer's `stop()`: no more ticks nor polls, then no more requests (those being answered finish),
 * then the store is closed and the relayer's own provider destroyed.
 */
function stopFor({
  scheduler,
  chainState,
  server,
  store,
  ownProvider,
  log,
}: RelayerParts): () => Promise<void> {
  return async (): Promise<void> => {
    scheduler.stop();
    chainState.follower.stop();
    await closeServer(server);
    await store.close();
    await chainState.recovery.close();
    ownProvider?.destroy();
    log.info("relayer stopped");
  };
}
