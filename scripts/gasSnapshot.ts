/**
 * The gas snapshot: every figure of `scripts/bench-gas.ts`, committed as gas-snapshot.json, so
 * that a change which makes a path cheaper or more expensive shows in review. The benchmark is
 * exact (fixed keys, addresses and expirations), so any difference is a real one.
 *
 *   npm run gas:check      measure and compare with gas-snapshot.json; fails on any difference
 *   npm run gas:snapshot   measure and write gas-snapshot.json (commit it with the change)
 */

/**
 * Figures per benchmark row (`transferFunded`, ...) and column (`eoa`, `ours`, `safe`, `erc4337`,
 * `erc4337PaysInOp`, `ozAccount`, `ozAccountPaysInOp`).
 */
export type GasSnapshot = Record<string, Record<string, number | null>>;

/** One figure that differs between the committed snapshot and a new measurement. */
export interface GasChange {
  row: string;
  column: string;
  /** The committed figure; `null` when the row or column is new or had no figure. */
  before: number | null;
  /** The measured figure; `null` when the row or column is gone or has no figure. */
  after: number | null;
}

/** Every figure that differs between `committed` and `measured`, rows and columns in order. */
export function compareGasSnapshots(committed: GasSnapshot, measured: GasSnapshot): GasChange[] {
  const changes: GasChange[] = [];
  const rows = [...new Set([...Object.keys(committed), ...Object.keys(measured)])];
  for (const row of rows) {
    const before = committed[row] ?? {};
    const after = measured[row] ?? {};
    const columns = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const column of columns) {
      const was = before[column] ?? null;
      const is = after[column] ?? null;
      if (was !== is) changes.push({ row, column, before: was, after: is });
    }
  }
  return changes;
}

/** The changes as lines a reviewer reads: `transferFunded.ours: 77,963 -> 78,100 (+137, more expensive)`. */
export function formatGasChanges(changes: GasChange[]): string[] {
  const fmt = (value: number | null) => (value === null ? "none" : value.toLocaleString("en-US"));
  return changes.map(({ row, column, before, after }) => {
    let verdict = "";
    if (before !== null && after !== null) {
      const delta = after - before;
      const sign = delta > 0 ? "+" : "";
      verdict = ` (${sign}${delta.toLocaleString("en-US")}, ${delta > 0 ? "more expensive" : "cheaper"})`;
    }
    return `${row}.${column}: ${fmt(before)} -> ${fmt(after)}${verdict}`;
  });
}
