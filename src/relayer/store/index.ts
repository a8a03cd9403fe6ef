export { IntentExistsError, type IntentStore } from "./IntentStore.js";
export { MemoryIntentStore, type MemoryIntentStoreOptions } from "./MemoryIntentStore.js";
export {
  SQLITE_SCHEMA_VERSION,
  SqliteIntentStore,
  type SqliteIntentStoreOptions,
} from "./SqliteIntentStore.js";
export { decodeCursor, encodeCursor, type CursorPosition } from "./cursor.js";
export {
  InvalidCursorError,
  RecordNotFoundError,
  StoreClosedError,
  StoreCommitError,
  TransactionExistsError,
} from "./errors.js";
