import { DatabaseSync } from "node:sqlite";

/**
 * Opens the database at `path` (created if missing; `":memory:"` for a private one) in WAL mode
 * (readers never block the writer) with a full sync at every commit, so a transaction is on
 * disk once COMMIT returns. Throws (the database closed) if SQLite refuses WAL.
 *
 * @example
 * const db = openDatabase("relayer.sqlite", 5_000);
 */
export function openDatabase(path: string, busyTimeoutMs: number): DatabaseSync {
  const db = new DatabaseSync(path, { timeout: busyTimeoutMs });
  try {
    const { journal_mode: mode } = db.prepare("PRAGMA journal_mode = WAL").get() as {
      journal_mode: string;
    };
    if (mode !== "wal" && mode !== "memory") {
      throw new Error(`SQLite refused WAL journal mode (it is in ${mode} mode)`);
    }
    db.exec("PRAGMA synchronous = FULL");
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Runs `body` in a write transaction taken at once (`BEGIN IMMEDIATE`: no other connection can
 * write in between), committed if `body` returns, rolled back if it throws.
 *
 * @example
 * inTransaction(db, () => db.exec("CREATE TABLE t (a INTEGER)"));
 */
export function inTransaction<T>(db: DatabaseSync, body: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = body();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    rollBack(db);
    throw error;
  }
}

/**
 * Rolls back the open transaction of `db`, unless SQLite rolled it back already (as it does
 * after some errors, such as a full disk). Never throws: it runs while an error is on its way
 * up, and that error is the one to report.
 *
 * @example
 * try {
 *   db.exec("COMMIT");
 * } catch (error) {
 *   rollBack(db);
 *   throw error;
 * }
 */
export function rollBack(db: DatabaseSync): void {
  try {
    if (db.isTransaction) db.exec("ROLLBACK");
  } catch {
    // The connection is unusable; the error being thrown says why.
  }
}
