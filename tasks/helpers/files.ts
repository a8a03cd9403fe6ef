import { readFile, writeFile } from "node:fs/promises";

import { note } from "./output.js";

/**
 * Reads and parses a JSON file, with errors that name the file and the option.
 *
 * @example
 * const document = await readJsonFile("signed.json", "--file");
 */
export async function readJsonFile(path: string, option: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`${option} ${path}: cannot read it (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${option} ${path}: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Writes `json` (a JSON text) to `out`, pretty-printed, or prints it to stdout when `out` is
 * undefined, so it can be piped into a file or another command.
 *
 * @example
 * await writeOrPrintJson(serializeSignedIntent(signed), args.out);
 */
export async function writeOrPrintJson(json: string, out: string | undefined): Promise<void> {
  const pretty = JSON.stringify(JSON.parse(json), null, 2);
  if (out === undefined) {
    console.log(pretty);
    return;
  }
  await writeFile(out, `${pretty}\n`);
  note(`wrote ${out}`);
}
