/**
 * A short description of a bad value for an error message: JSON where it can be, `5n` for a
 * bigint, "an array" for an array, cut at 80 characters.
 *
 * @example
 * showValue({ a: 1 }); // '{"a":1}'
 */
export function showValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}n`;
  if (Array.isArray(value)) return "an array";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text =
      typeof value === "object" && value !== null ? "an object nested too deeply" : String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
