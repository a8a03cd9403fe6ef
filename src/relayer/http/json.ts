/**
 * JSON for the wire: bigints as decimal strings (docs/relayer-api.md section 1), written here
 * explicitly, never through a global `BigInt.prototype.toJSON`.
 */

/**
 * `JSON.stringify` with every bigint written as its decimal string.
 *
 * @example
 * stringifyJson({ chainId: 31337n }); // '{"chainId":"31337"}'
 */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === "bigint" ? item.toString(10) : item,
  );
}

/**
 * A copy of `value` that is plain JSON: bigints as decimal strings, `undefined` object fields
 * dropped (as `JSON.stringify` would), so what a function returns is what goes over the wire.
 *
 * @example
 * toJsonValue({ revertData: "0x…", gas: 21000n }); // { revertData: "0x…", gas: "21000" }
 */
export function toJsonValue(value: unknown): unknown {
  return JSON.parse(stringifyJson(value) ?? "null");
}
