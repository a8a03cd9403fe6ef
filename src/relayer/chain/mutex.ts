/**
 * A promise-chain mutex: `runExclusive` runs its callbacks one at a time, in call order. The
 * relayer uses it so that concurrent `send`s get distinct, gap-free nonces.
 *
 * @example
 * const lock = new Mutex();
 * const [a, b] = await Promise.all([lock.runExclusive(take), lock.runExclusive(take)]);
 */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` once every earlier task has settled; resolves or rejects as `task` does. */
  runExclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task, task);
    // The next task waits for this one to settle, whatever its outcome.
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
