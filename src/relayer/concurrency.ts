/**
 * `map` over `items` with at most `limit` calls of `task` in flight; results in `items`' order.
 *
 * @example
 * const receipts = await mapConcurrently(hashes, 8, (hash) => provider.getTransactionReceipt(hash));
 */
export async function mapConcurrently<T, R>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
