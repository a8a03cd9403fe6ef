import { z } from "zod";

import { address, uint256 } from "../../../protocol/schema/primitives.js";
import { encoded, stored, unixMillis } from "./columns.js";

/**
 * A spending entry as both stores keep it: the columns of the `spending` table.
 *
 * @example
 * const { wei } = spendingRowSchema.decode(row); // a bigint
 */
export const spendingRowSchema = z.object({
  at: unixMillis,
  wallet: address,
  wei: uint256(),
  gas: uint256(),
});

/**
 * The columns of the `spending` table.
 *
 * @example
 * const row: SpendingRow = spendingToRow({ at, wallet, weiSpent, gasUsed });
 */
export type SpendingRow = z.input<typeof spendingRowSchema>;

/**
 * The row of a spending entry; throws a `TypeError` naming the field for invalid values.
 *
 * @example
 * statements.addSpending.run({ ...spendingToRow({ at: Date.now(), wallet, weiSpent, gasUsed }) });
 */
export function spendingToRow(entry: {
  at: number;
  wallet: string;
  weiSpent: bigint;
  gasUsed: bigint;
}): SpendingRow {
  return {
    at: stored(unixMillis, entry.at, "at"),
    wallet: stored(address, entry.wallet, "wallet").toLowerCase(),
    wei: encoded(uint256(), entry.weiSpent, "weiSpent"),
    gas: encoded(uint256(), entry.gasUsed, "gasUsed"),
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
