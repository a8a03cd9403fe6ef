export { IntentExistsError, type IntentStore, type SpendingEntry } from "./IntentStore.js";
export { MemoryIntentStore, type MemoryIntentStoreOptions } from "./MemoryIntentStore.js";
export {
  SQLITE_SCHEMA_VERSION,
  SqliteIntentStore,
  type SqliteIntentStoreOptions,
} from "./SqliteIntentStore.js";
export {
  DATABASE_URL_VARIABLE,
  POSTGRES_SCHEMA_VERSION,
  PostgresIntentStore,
  databaseConnectionError,
  maskDatabaseUrl,
  type PostgresIntentStoreOptions,
} from "./PostgresIntentStore.js";
export { SPENDING_MINUTE_MS } from "./rows/spendingRows.js";
export { decodeCursor, encodeCursor, type CursorPosition } from "./cursor.js";
export {
  InvalidCursorError,
  RecordNotFoundError,
  StoreClosedError,
  StoreCommitError,
  StoreUnavailableError,
  TransactionExistsError,
} from "./errors.js";
export {
  LeaseLostError,
  type ClaimedIntent,
  type FleetBacklog,
  type ForeignTransaction,
  type IntentLeases,
} from "./leases.js";
