/**
 * Prints a line for the person at the terminal on stderr, so stdout carries only the document a
 * task produces (a signed intent or grant) and can be redirected to a file.
 *
 * @example
 * note(`signed intent ${signed.id}`);
 */
export function note(line: string): void {
  console.error(line);
}

/**
 * Prints `label  value` lines on stdout, the labels padded to one column.
 *
 * @example
 * printFields({ wallet: address, deployed: "no" });
 * // wallet    0x5FbD…
 * // deployed  no
 */
export function printFields(
  fields: Record<string, string | number | bigint | boolean>,
  print: (line: string) => void = console.log,
): void {
  const width = Math.max(...Object.keys(fields).map((label) => label.length));
  for (const [label, value] of Object.entries(fields)) {
    print(`${label.padEnd(width)}  ${typeof value === "boolean" ? (value ? "yes" : "no") : value}`);
  }
}
