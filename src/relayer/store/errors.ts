/**
 * A `cursor` that no `listByWallet` page gave out (malformed, or from another API version).
 *
 * @example
 * if (error instanceof InvalidCursorError) return badRequest("cursor", error.reason);
 */
export class InvalidCursorError extends Error {
  constructor(
    readonly cursor: string,
    readonly reason: string,
  ) {
    super(`invalid cursor ${JSON.stringify(cursor.slice(0, 80))}: ${reason}`);
    this.name = "InvalidCursorError";
  }
}

/**
 * `update` of an intent, or `updateTransaction` of a transaction, that the store does not hold.
 *
 * @example
 * if (error instanceof RecordNotFoundError && error.kind === "intent") log.warn({ id: error.key });
 */
export class RecordNotFoundError extends Error {
  constructor(
    readonly kind: "intent" | "transaction",
    readonly key: string,
  ) {
    super(`no ${kind} ${key} is stored`);
    this.name = "RecordNotFoundError";
  }
}

/**
 * `insertTransaction` of a hash the store holds already (a replacement has its own hash).
 *
 * @example
 * if (error instanceof TransactionExistsError) return; // recorded before a crash: nothing to do
 */
export class TransactionExistsError extends Error {
  constructor(readonly hash: string) {
    super(`transaction ${hash} is already stored`);
    this.name = "TransactionExistsError";
  }
}

/**
 * Any call on a store after `close()`.
 *
 * @example
 * await store.close();
 * await store.get(id); // throws StoreClosedError
 */
export class StoreClosedError extends Error {
  constructor() {
    super("the intent store is closed");
    this.name = "StoreClosedError";
  }
}

/**
 * A batch of writes that did not commit (the disk is full or failing, or another connection
 * kept the database locked past the busy timeout): none of its writes is stored, and each of
 * them rejects with this error. `cause` is SQLite's error (or the statement error that made
 * SQLite roll the batch back).
 *
 * @example
 * try {
 *   await store.insert(record);
 * } catch (error) {
 *   if (error instanceof StoreCommitError) log.error({ writes: error.writes, cause: error.cause });
 * }
 */
export class StoreCommitError extends Error {
  constructor(
    readonly writes: number,
    cause: unknown,
  ) {
    super(
      `a batch of ${writes} store writes did not commit: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = "StoreCommitError";
  }
}

/**
 * A shared store's database did not answer (down, restarting, unreachable): nothing was
 * written. The relayer answers `503 unavailable` (component `store`) and retries its own work
 * later; `cause` is the driver's error.
 *
 * @example
 * if (error instanceof StoreUnavailableError) return unavailable("store", error.message);
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      `the database does not answer: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = "StoreUnavailableError";
  }
}
