/**
 * Remembers, per key, the block at which something was last checked, so a check the chain's
 * state alone decides runs at most once per block (the state changes only with a new block).
 *
 * @example
 * const throttle = new BlockThrottle();
 * if (throttle.due(record.id, blockNumber)) await simulateRelay(provider, record.signed, from);
 */
export class BlockThrottle {
  readonly #checkedAt = new Map<string, number>();

  /** Whether `key` is due at `blockNumber` (not checked at it yet); if so, records it checked. */
  due(key: string, blockNumber: number): boolean {
    if (this.#checkedAt.get(key) === blockNumber) return false;
    this.#checkedAt.set(key, blockNumber);
    return true;
  }

  /**
   * Whether `key` is due at `blockNumber` when what it checks last changed at block `changedAt`:
   * when never checked, or checked before that change; with `changedAt` unknown, once per block
   * (as `due`). If so, records it checked.
   */
  dueSince(key: string, blockNumber: number, changedAt: number | undefined): boolean {
    if (changedAt === undefined) return this.due(key, blockNumber);
    const checkedAt = this.#checkedAt.get(key);
    if (checkedAt !== undefined && checkedAt >= changedAt) return false;
    this.#checkedAt.set(key, blockNumber);
    return true;
  }

  /** Records `key` checked at `blockNumber` unless it was checked already. */
  assumeChecked(key: string, blockNumber: number): void {
    if (!this.#checkedAt.has(key)) this.#checkedAt.set(key, blockNumber);
  }

  /** Forgets `key`: its next check is due at once. */
  forget(key: string): void {
    this.#checkedAt.delete(key);
  }

  /** Forgets every key not in `keys` (those no longer watched). */
  retainOnly(keys: Iterable<string>): void {
    const kept = new Set(keys);
    for (const key of this.#checkedAt.keys()) if (!kept.has(key)) this.#checkedAt.delete(key);
  }
}
