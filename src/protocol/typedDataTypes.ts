/** EIP-712 type records as ethers' typed-data functions take them: mutable arrays of fields. */
export type TypedDataTypes = Record<string, Array<{ name: string; type: string }>>;

/**
 * A fresh mutable copy of a frozen (`as const`) EIP-712 type record, such as `INTENT_TYPES` or
 * `SESSION_GRANT_TYPES`: ethers' typed-data functions take mutable records, and a copy keeps
 * the protocol's own definition safe from a caller that changes what it is handed.
 *
 * @example
 * const types = mutableTypeRecord(INTENT_TYPES);
 */
export function mutableTypeRecord(
  record: Readonly<Record<string, ReadonlyArray<{ readonly name: string; readonly type: string }>>>,
): TypedDataTypes {
  return Object.fromEntries(
    Object.entries(record).map(([name, fields]) => [name, fields.map((field) => ({ ...field }))]),
  );
}
