import type { Provider } from "ethers";

import { ChainFollower } from "../chainState/follower.js";
import { WalletStates } from "../chainState/WalletStates.js";
import type { RelayerConfig } from "../config.js";

/**
 * How long past its poll interval the chain follower may go without reaching the node before
 * submissions are answered `503 unavailable`.
 */
const FOLLOWER_STALE_AFTER_MS = 3_000;

/**
 * The chain as the relayer follows it: the follower started (its first head read), and the
 * wallet states it keeps current, for wallets that are clones of `implementation`.
 *
 * @example
 * const chainState = await followChain({ provider, config, implementation });
 * chainState.follower.stop(); // on shutdown
 */
export async function followChain({
  provider,
  config,
  implementation,
}: {
  provider: Provider;
  config: RelayerConfig;
  implementation: string | undefined;
}): Promise<{ follower: ChainFollower; states: WalletStates; maxStaleMs: number }> {
  const follower = new ChainFollower({ provider, pollMs: config.RELAYER_POLL_MS });
  await follower.start();
  const states = new WalletStates({ provider, follower, implementation });
  return { follower, states, maxStaleMs: config.RELAYER_POLL_MS + FOLLOWER_STALE_AFTER_MS };
}
