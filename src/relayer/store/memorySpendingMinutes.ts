import {
  addToMinute,
  sumWei,
  type CheckedSpending,
  type SpendingMinuteRow,
} from "./rows/spendingRows.js";

/**
 * How many minutes of spending `MemorySpendingMinutes` keeps by default: a week.
 *
 * @example
 * new MemoryIntentStore({ spendingMinutesKept: DEFAULT_SPENDING_MINUTES_KEPT });
 */
export const DEFAULT_SPENDING_MINUTES_KEPT = 7 * 24 * 60;

/**
 * The `spending_minutes` rows of `MemoryIntentStore`, bounded: it keeps the `capacity` newest
 * minutes (by minute start) and drops the oldest beyond them, so memory stays flat however long
 * the process runs; a sum reaching further back than that misses what was dropped.
 *
 * @example
 * const minutes = new MemorySpendingMinutes();
 * minutes.add(checkSpendingEntry(entry));
 * minutes.sumSince(firstMinuteSince(now - 3_600_000));
 */
export class MemorySpendingMinutes {
  readonly #minutes = new Map<number, SpendingMinuteRow>();

  constructor(readonly capacity: number = DEFAULT_SPENDING_MINUTES_KEPT) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
  }

  /** Adds `spending` to its minute; drops the oldest minute once more than `capacity` are kept. */
  add(spending: CheckedSpending): void {
    const minute = addToMinute(this.#minutes.get(spending.minuteStart), spending);
    this.#minutes.set(spending.minuteStart, minute);
    if (this.#minutes.size > this.capacity) this.#minutes.delete(this.#oldestStart());
  }

  /** The wei of every kept minute that starts at or after `firstMinute`. */
  sumSince(firstMinute: number): bigint {
    const amounts: string[] = [];
    for (const minute of this.#minutes.values()) {
      if (minute.minute_start >= firstMinute) amounts.push(minute.wei);
    }
    return sumWei(amounts);
  }

  #oldestStart(): number {
    let oldest = Infinity;
    for (const start of this.#minutes.keys()) oldest = Math.min(oldest, start);
    return oldest;
  }
}
