import { z } from "zod";

import { address, expected, uint256 } from "../../../protocol/schema/primitives.js";
import type { SpendingEntry } from "../IntentStore.js";
import { count, encoded, expectTime, readRow, stored, unixMillis } from "./columns.js";

/**
 * How much time one spending bucket covers: a minute. `spendingSince` sums whole minutes, so
 * it reads at most (period / minute) rows whatever the number of relays, and may count up to
 * one minute before `since`.
 *
 * @example
 * const minutesOfAnHour = 3_600_000 / SPENDING_MINUTE_MS; // 60
 */
export const SPENDING_MINUTE_MS = 60_000;

/**
 * A running sum of uint256 amounts: a decimal string of a non-negative integer of any size (a
 * sum of uint256 values may pass 2^256 - 1).
 */
const decimalSum = z.codec(
  z.string().regex(/^(0|[1-9][0-9]*)$/, { error: expected("a decimal integer string") }),
  z.bigint({ error: expected("a bigint") }).nonnegative({ error: expected("a bigint >= 0") }),
  { decode: (text) => BigInt(text), encode: (value) => value.toString(10) },
);

/**
 * A minute of spending as both stores keep it: the columns of the `spending_minutes` table,
 * the running sums of the wei and gas spent by the relays mined in the minute that starts at
 * `minute_start` (unix ms), and how many there were.
 *
 * @example
 * const { wei } = spendingMinuteRowSchema.decode(row); // a bigint
 */
export const spendingMinuteRowSchema = z.object({
  minute_start: unixMillis,
  wei: decimalSum,
  gas: decimalSum,
  spends: count,
});

/**
 * The columns of the `spending_minutes` table.
 *
 * @example
 * const row: SpendingMinuteRow = addToMinute(undefined, entry);
 */
export type SpendingMinuteRow = z.input<typeof spendingMinuteRowSchema>;

/**
 * The start (unix ms) of the minute that holds `at`.
 *
 * @example
 * minuteStartOf(1_750_000_012_345); // 1_749_999_960_000
 */
export function minuteStartOf(at: number): number {
  return at - (at % SPENDING_MINUTE_MS);
}

/**
 * The first minute `spendingSince(since)` counts: the one that holds `since`, whole. Throws a
 * `TypeError` for a `since` that is not unix milliseconds.
 *
 * @example
 * const rows = statements.spendingSince.all(firstMinuteSince(now - periodMs));
 */
export function firstMinuteSince(since: number): number {
  return minuteStartOf(expectTime(since, "since"));
}

/**
 * A spending entry, checked: its minute and its amounts.
 *
 * @example
 * const { minuteStart, wei } = checkSpendingEntry(entry);
 */
export interface CheckedSpending {
  minuteStart: number;
  wei: bigint;
  gas: bigint;
}

/**
 * `entry`'s minute and amounts; a `TypeError` naming the field of an invalid entry (the wallet
 * is checked, not kept).
 *
 * @example
 * const spending = checkSpendingEntry({ at: Date.now(), wallet, weiSpent, gasUsed });
 */
export function checkSpendingEntry(entry: SpendingEntry): CheckedSpending {
  const at = stored(unixMillis, entry.at, "at");
  stored(address, entry.wallet, "wallet");
  return {
    minuteStart: minuteStartOf(at),
    wei: checkedAmount(entry.weiSpent, "weiSpent"),
    gas: checkedAmount(entry.gasUsed, "gasUsed"),
  };
}

/**
 * The row of `spending`'s minute once `spending` is added to it: `minute` is that minute's row
 * as stored, or undefined for a minute without spending yet.
 *
 * @example
 * const minute = statements.getSpendingMinute.get(spending.minuteStart);
 * statements.putSpendingMinute.run({ ...addToMinute(minute, spending) });
 */
export function addToMinute(
  minute: SpendingMinuteRow | undefined,
  spending: CheckedSpending,
): SpendingMinuteRow {
  const sums =
    minute === undefined
      ? { wei: 0n, gas: 0n, spends: 0 }
      : readRow(spendingMinuteRowSchema, minute, "spending minute");
  return {
    minute_start: spending.minuteStart,
    wei: encoded(decimalSum, sums.wei + spending.wei, "weiSpent"),
    gas: encoded(decimalSum, sums.gas + spending.gas, "gasUsed"),
    spends: sums.spends + 1,
  };
}

/**
 * The sum of decimal-string wei amounts, as a bigint (SQLite's SUM overflows at 2^63).
 *
 * @example
 * sumWei(["1", "2"]); // 3n
 */
export function sumWei(amounts: Iterable<string>): bigint {
  let total = 0n;
  for (const amount of amounts) total += BigInt(amount);
  return total;
}

/** `amount` if it is a uint256 bigint; a `TypeError` naming `field` otherwise. */
function checkedAmount(amount: bigint, field: string): bigint {
  encoded(uint256(), amount, field);
  return amount;
}
