import { InvalidCursorError } from "./errors.js";

/**
 * Where a page of a wallet's intents ends: pages are ordered newest first by `createdAt`, then
 * by ID (descending), so `(createdAt, id)` is a total order and a cursor is exact even when
 * many intents share one `createdAt`.
 */
export interface CursorPosition {
  createdAt: number;
  /** The intent ID, lowercase. */
  id: string;
}

/** No cursor `encodeCursor` makes is longer (a 13-digit time and a 66-character ID give ~112). */
const MAX_CURSOR_LENGTH = 256;

/**
 * The opaque cursor of `position`: base64url of the JSON `[createdAt, id]`.
 *
 * @example
 * const nextCursor = encodeCursor({ createdAt: last.createdAt, id: last.id });
 */
export function encodeCursor({ createdAt, id }: CursorPosition): string {
  return Buffer.from(JSON.stringify([createdAt, id]), "utf8").toString("base64url");
}

/**
 * The position a cursor of `encodeCursor` stands for; throws an `InvalidCursorError` for
 * anything else (the HTTP layer answers it as `400 invalid_field`, path `cursor`).
 *
 * @example
 * const { createdAt, id } = decodeCursor(request.cursor);
 */
export function decodeCursor(cursor: string): CursorPosition {
  if (typeof cursor !== "string" || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) {
    throw new InvalidCursorError(String(cursor), "not a cursor of this relayer");
  }
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError(cursor, "not base64url");
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError(cursor, "not a cursor of this relayer");
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !Number.isSafeInteger(value[0]) ||
    typeof value[1] !== "string" ||
    !/^0x[0-9a-f]{64}$/.test(value[1])
  ) {
    throw new InvalidCursorError(cursor, "not a cursor of this relayer");
  }
  return { createdAt: value[0], id: value[1] };
}

/**
 * Orders positions newest first: `createdAt` descending, then `id` descending (lowercase hex,
 * so string order is byte order, as SQLite's BINARY collation compares text).
 *
 * @example
 * records.sort(compareNewestFirst);
 */
export function compareNewestFirst(a: CursorPosition, b: CursorPosition): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Orders positions oldest first (`listActive`): the reverse of `compareNewestFirst`.
 *
 * @example
 * active.sort(compareOldestFirst);
 */
export function compareOldestFirst(a: CursorPosition, b: CursorPosition): number {
  return compareNewestFirst(b, a);
}

/** Whether `position` comes strictly after the cursor's `after` in newest-first order. */
export function isAfterCursor(position: CursorPosition, after: CursorPosition): boolean {
  return compareNewestFirst(after, position) < 0;
}

/**
 * Checks a page size: a positive safe integer.
 *
 * @example
 * checkLimit(options.limit);
 */
export function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${String(limit)}`);
  }
}

/**
 * A page from up to `limit + 1` items in newest-first order: the first `limit`, and a cursor
 * after the last of them only when an item beyond the page exists (so the last page has none).
 *
 * @example
 * const { items, nextCursor } = toPage(rowsLimitPlusOne, limit, (row) => ({ createdAt: row.created_at, id: row.id }));
 */
export function toPage<T>(
  items: readonly T[],
  limit: number,
  positionOf: (item: T) => CursorPosition,
): { items: T[]; nextCursor?: string } {
  if (items.length <= limit) return { items: [...items] };
  const page = items.slice(0, limit);
  return { items: page, nextCursor: encodeCursor(positionOf(page[page.length - 1])) };
}
