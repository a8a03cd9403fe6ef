import type { JsonRpcProvider } from "ethers";

/**
 * The node's latest block number, kept current by polling every `intervalMs` (one cheap call,
 * whatever the number of clients): what a submission's answer is stamped with, so a relay's
 * latency can be told in blocks without one extra node call per intent.
 */
export interface BlockClock {
  /** The latest block number seen. */
  current(): number;
  stop(): void;
}

/**
 * Starts a block clock on `provider`.
 *
 * @example
 * const clock = await startBlockClock(world.provider);
 * const submittedAt = clock.current();
 */
export async function startBlockClock(
  provider: JsonRpcProvider,
  intervalMs = 100,
): Promise<BlockClock> {
  let latest = await provider.getBlockNumber();
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      latest = Math.max(latest, await provider.getBlockNumber().catch(() => latest));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  void poll();
  return {
    current: () => latest,
    stop: () => {
      stopped = true;
    },
  };
}
