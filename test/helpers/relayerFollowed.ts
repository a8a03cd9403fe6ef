import type { Provider } from "ethers";

/**
 * Waits until the relayer at `url` has applied the wallet events of the node's latest block
 * (`/health`'s `followedBlock`): what a test does after changing a wallet behind the relayer's
 * back, before it submits what the relayer must judge by that change.
 *
 * @example
 * await (await wallet.cancelIntents([signed.id])).wait();
 * await relayerFollowed(relayer.url, world.provider);
 */
export async function relayerFollowed(
  url: string,
  provider: Provider,
  timeoutMs = 10_000,
): Promise<void> {
  const latest = await provider.getBlockNumber();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = (await (await fetch(`${url}/health`)).json()) as { followedBlock?: string };
    if (health.followedBlock !== undefined && Number(health.followedBlock) >= latest) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the relayer did not follow the chain to block ${latest} within ${timeoutMs} ms (it is at ${health.followedBlock})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
