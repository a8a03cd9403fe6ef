import { z } from "zod";

import { bytes32 } from "../../protocol/schema/primitives.js";
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

/** The text of a cursor: base64url, not empty, not longer than any `encodeCursor` makes. */
const cursorText = z
  .string()
  .min(1)
  .max(MAX_CURSOR_LENGTH)
  .regex(/^[A-Za-z0-9_-]+$/);

/** What a cursor's base64url holds: the JSON `[createdAt, id]` of a position. */
const cursorJson = z.tuple([z.int(), bytes32]);

/**
 * The opaque cursor of `position`: base64url of the JSON `[createdAt, id]`.
 *
 * @example
 * const nextCursor = encodeCursor({ createdAt: last.createdAt, id: last.id });
 */
export function encodeCursor({ createdAt, id }: CursorPosition): string {
  const json = JSON.stringify(z.encode(cursorJson, [createdAt, id]));
  return Buffer.from(json, "utf8").toString("base64url");
}

/**
 * The position a cursor of `encodeCursor` stands for; throws an `InvalidCursorError` for
 * anything else (the HTTP layer answers it as `400 invalid_field`, path `cursor`).
 *
 * @example
 * const { createdAt, id } = decodeCursor(request.cursor);
 */
export function decodeCursor(cursor: string): CursorPosition {
  if (!cursorText.safeParse(cursor).success) {
    throw new InvalidCursorError(String(cursor), "not a cursor of this relayer");
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError(cursor, "not a cursor of this relayer");
  }
  const position = cursorJson.safeDecode(json as z.input<typeof cursorJson>);
  if (!position.success) throw new InvalidCursorError(cursor, "not a cursor of this relayer");
  const [createdAt, id] = position.data;
  return { createdAt, id };
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
