/**
 * Collects the calls made in one turn of the event loop and answers them with one database
 * round trip: under load, the requests a relayer serves at once reach each step together, so
 * a step costs one statement for all of them instead of one each (the statements, their
 * syscalls and the database's work per statement were most of a fleet member's CPU). `run`
 * gets the keys in call order and returns one answer per key, in that order: a value, or an
 * `Error` for that call alone. When `run` throws for a batch of several, each call is run
 * alone, so one bad call fails only itself; a batch that fails alone rejects its call.
 *
 * @example
 * const gets = new TurnBatcher((ids: string[]) => selectIntents(ids));
 * const [a, b] = await Promise.all([gets.load(idA), gets.load(idB)]); // one SELECT
 */
export class TurnBatcher<K, V> {
  readonly #run: (keys: K[]) => Promise<(V | Error)[]>;
  readonly #maxBatch: number;
  #waiting: Waiting<K, V>[] = [];
  /** The batches running, so that `drain` can wait for them. */
  readonly #running = new Set<Promise<void>>();

  constructor(run: (keys: K[]) => Promise<(V | Error)[]>, maxBatch = 500) {
    this.#run = run;
    this.#maxBatch = maxBatch;
  }

  /** The answer for `key`, from the batch of this turn's calls. */
  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      if (this.#waiting.length === 0) setImmediate(() => void this.#flush());
      this.#waiting.push({ key, resolve, reject });
    });
  }

  /** Runs the calls collected so far at once, and waits until every batch has settled. */
  async drain(): Promise<void> {
    await this.#flush();
    await Promise.allSettled(this.#running);
  }

  /** Runs the calls collected so far, `maxBatch` at a time, in parallel. */
  async #flush(): Promise<void> {
    if (this.#waiting.length === 0) return;
    const running = this.#flushNow();
    this.#running.add(running);
    await running.finally(() => this.#running.delete(running));
  }

  async #flushNow(): Promise<void> {
    const waiting = this.#waiting;
    this.#waiting = [];
    const batches: Waiting<K, V>[][] = [];
    for (let start = 0; start < waiting.length; start += this.#maxBatch) {
      batches.push(waiting.slice(start, start + this.#maxBatch));
    }
    await Promise.all(batches.map((batch) => this.#answer(batch)));
  }

  /** Runs `batch` and settles each of its calls; alone, one by one, if the batch failed. */
  async #answer(batch: Waiting<K, V>[]): Promise<void> {
    let answers: (V | Error)[];
    try {
      answers = await this.#run(batch.map((call) => call.key));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      await Promise.all(batch.map((call) => this.#answer([call])));
      return;
    }
    for (const [index, call] of batch.entries()) {
      const answer = answers[index];
      if (answer instanceof Error) call.reject(answer);
      else call.resolve(answer);
    }
  }
}

/** A call waiting for its batch. */
interface Waiting<K, V> {
  key: K;
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}
