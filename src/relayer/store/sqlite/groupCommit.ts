import type { DatabaseSync } from "node:sqlite";

import { StoreCommitError } from "../errors.js";
import { rollBack } from "./connection.js";

/**
 * A write waiting for its batch: `run` executes its statements (throwing its own refusal, such
 * as `IntentExistsError`); `resolve` and `reject` answer its caller once the batch is over.
 */
interface QueuedWrite {
  run: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** What `run` threw, if it threw. */
  failure?: { error: unknown };
}

/**
 * How many writes a batch holds before it commits without waiting for the next turn of the
 * event loop.
 *
 * @example
 * const commits = new GroupCommit(db, { maxBatch: DEFAULT_MAX_BATCH });
 */
export const DEFAULT_MAX_BATCH = 256;

/**
 * Group commit for one SQLite connection: the writes queued in the same turn of the event loop
 * run in ONE transaction, committed (with its one fsync) on `setImmediate`, or as soon as
 * `maxBatch` are queued, or when `flush` is called (before a read, so reads see every write
 * queued before them, and only committed ones). Each write's promise settles after the
 * COMMIT: it resolves once its write is on disk, or rejects with its own error if its `run`
 * threw (its statement changed nothing; the batch's other writes still commit). If the batch
 * cannot commit, or SQLite rolls it back, every write of it rejects with a `StoreCommitError`.
 *
 * @example
 * const commits = new GroupCommit(db);
 * await Promise.all(rows.map((row) => commits.write(() => insert.run(row)))); // one COMMIT
 */
export class GroupCommit {
  readonly #db: DatabaseSync;
  readonly #maxBatch: number;
  #queue: QueuedWrite[] = [];
  #scheduled: NodeJS.Immediate | undefined;

  constructor(db: DatabaseSync, { maxBatch = DEFAULT_MAX_BATCH }: { maxBatch?: number } = {}) {
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) {
      throw new RangeError(`maxBatch must be a positive integer, got ${maxBatch}`);
    }
    this.#db = db;
    this.#maxBatch = maxBatch;
  }

  /** Queues `run` for the current batch; the promise settles after the batch's COMMIT. */
  write(run: () => void): Promise<void> {
    const written = new Promise<void>((resolve, reject) => {
      this.#queue.push({ run, resolve, reject });
    });
    if (this.#queue.length >= this.#maxBatch) this.flush();
    else this.#scheduled ??= setImmediate(() => this.flush());
    return written;
  }

  /** Commits every queued write now, in one transaction; does nothing when none is queued. */
  flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    const batchFailure = this.#commit(batch);
    for (const write of batch) settle(write, batchFailure);
  }

  /** Runs the batch in one transaction; the batch's failure if it did not commit. */
  #commit(batch: QueuedWrite[]): StoreCommitError | undefined {
    try {
      this.#db.exec("BEGIN IMMEDIATE");
      for (const write of batch) {
        runWrite(write);
        if (write.failure !== undefined && !this.#db.isTransaction) throw write.failure.error;
      }
      this.#db.exec("COMMIT");
      return undefined;
    } catch (error) {
      rollBack(this.#db);
      return new StoreCommitError(batch.length, error);
    }
  }
}

/** Runs one write, keeping what it threw as its own failure. */
function runWrite(write: QueuedWrite): void {
  try {
    write.run();
  } catch (error) {
    write.failure = { error };
  }
}

/** Answers a write's caller: the batch's failure first, then its own, else success. */
function settle(write: QueuedWrite, batchFailure: StoreCommitError | undefined): void {
  if (batchFailure !== undefined) write.reject(batchFailure);
  else if (write.failure !== undefined) write.reject(write.failure.error);
  else write.resolve();
}
