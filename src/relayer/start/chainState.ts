import type { Provider } from "ethers";

import { ChainFollower } from "../chainState/follower.js";
import { WalletStates } from "../chainState/WalletStates.js";
import type { FollowedChain } from "../chainState/followedChain.js";
import type { RelayerConfig } from "../config.js";
import { SignerRecovery } from "../intake/SignerRecovery.js";

/**
 * How long past its poll interval the chain follower may go without reaching the node before
 * submissions are answered `503 unavailable`.
 */
const FOLLOWER_STALE_AFTER_MS = 3_000;

/**
 * Worker threads recovering owner signatures: one, beside the event loop's thread, which then
 * spends its time on HTTP, parsing and the store (intake 900 -> 1,000+ accepted/s here).
 */
const SIGNER_THREADS = 1;

/**
 * The chain as the relayer follows it: the follower started (its first head read), the wallet
 * states it keeps current, for wallets that are clones of `implementation`, and a worker thread
 * that recovers owner signatures.
 *
 * @example
 * const chainState = await followChain({ provider, config, implementation });
 * chainState.follower.stop(); // on shutdown
 * await chainState.recovery.close();
 */
export async function followChain({
  provider,
  config,
  implementation,
}: {
  provider: Provider;
  config: RelayerConfig;
  implementation: string | undefined;
}): Promise<FollowedChain & { recovery: SignerRecovery }> {
  const follower = new ChainFollower({ provider, pollMs: config.RELAYER_POLL_MS });
  await follower.start();
  const states = new WalletStates({ provider, follower, implementation });
  const maxStaleMs = config.RELAYER_POLL_MS + FOLLOWER_STALE_AFTER_MS;
  return { follower, states, maxStaleMs, recovery: SignerRecovery.start(SIGNER_THREADS) };
}
