import type { BuildIntentParameters, Dependency } from "../../src/sdk/index.js";
import { readJsonFile } from "./files.js";
import { parseAddress, parseBytes32, parseDependencies, parseHexData, parseUint } from "./parse.js";

/** The options of `intent sign` that describe the intent. */
export interface IntentInputArguments {
  wallet?: string;
  to?: string;
  value?: string;
  data?: string;
  callsFile?: string;
  intentFile?: string;
  salt?: string;
  validAfter?: string;
  expiration?: string;
  dependsOn?: string;
  maxGasPrice?: string;
  minGasLimit?: string;
}

/** The wallet an intent is for and its fields, before the spec's defaults are applied. */
export interface IntentInput {
  wallet: string;
  parameters: Omit<BuildIntentParameters, "now">;
}

const INTENT_FILE_FIELDS = [
  "wallet",
  "calls",
  "dependencies",
  "salt",
  "validAfter",
  "expiration",
  "maxGasPrice",
  "minGasLimit",
];

/**
 * The intent `intent sign` is asked for: its calls from exactly one of `--to` (with `--value`
 * and `--data`), `--calls-file` (a JSON array of `{ to, value?, data? }`) or `--intent-file` (a
 * JSON intent whose missing fields take the defaults, optionally with its `wallet`); then the
 * options `--salt`, `--valid-after`, `--expiration`, `--max-gas-price`, `--min-gas-limit`
 * override the file's fields and `--depends-on` adds dependencies. Integers are decimal or 0x
 * strings.
 *
 * @example
 * const { wallet, parameters } = await readIntentInput({ wallet, to: target, data: "0x" });
 */
export async function readIntentInput(args: IntentInputArguments): Promise<IntentInput> {
  const sources = [args.to, args.callsFile, args.intentFile].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    throw new Error(
      "describe the intent with exactly one of --to (with --value, --data), --calls-file or --intent-file",
    );
  }
  if (args.to === undefined && (args.value !== undefined || args.data !== undefined)) {
    throw new Error("--value and --data describe the call to --to: pass --to too");
  }
  const file =
    args.intentFile === undefined
      ? {}
      : fileObject(await readJsonFile(args.intentFile, "--intent-file"));
  const walletText = args.wallet ?? (file.wallet as string | undefined);
  if (walletText === undefined)
    throw new Error("--wallet: required (the wallet that makes the calls)");
  const wallet = parseAddress(String(walletText), "--wallet");

  let calls: BuildIntentParameters["calls"];
  if (args.to !== undefined) {
    calls = [
      {
        to: parseAddress(args.to, "--to"),
        value: args.value === undefined ? 0n : parseUint(args.value, "--value"),
        data: args.data === undefined ? "0x" : parseHexData(args.data, "--data"),
      },
    ];
  } else if (args.callsFile !== undefined) {
    calls = parseCalls(await readJsonFile(args.callsFile, "--calls-file"), "--calls-file");
  } else {
    calls = parseCalls(file.calls, "--intent-file calls");
  }

  const dependencies: Dependency[] = [
    ...parseFileDependencies(file.dependencies),
    ...(args.dependsOn === undefined ? [] : parseDependencies(args.dependsOn, wallet)),
  ];
  const uint = (option: string | undefined, name: string, fileValue: unknown) =>
    option !== undefined
      ? parseUint(option, `--${name}`)
      : fileValue !== undefined
        ? parseUint(fileValue, `--intent-file ${name}`)
        : undefined;
  return {
    wallet,
    parameters: {
      calls,
      dependencies,
      salt: uint(args.salt, "salt", file.salt),
      validAfter: uint(args.validAfter, "valid-after", file.validAfter),
      expiration: uint(args.expiration, "expiration", file.expiration),
      maxGasPrice: uint(args.maxGasPrice, "max-gas-price", file.maxGasPrice),
      minGasLimit: uint(args.minGasLimit, "min-gas-limit", file.minGasLimit),
    },
  };
}

function fileObject(document: unknown): Record<string, unknown> {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new Error("--intent-file: expected a JSON object (an intent)");
  }
  const unknown = Object.keys(document).find((key) => !INTENT_FILE_FIELDS.includes(key));
  if (unknown !== undefined) {
    throw new Error(
      `--intent-file: unknown field "${unknown}" (expected ${INTENT_FILE_FIELDS.join(", ")})`,
    );
  }
  return document as Record<string, unknown>;
}

function parseCalls(document: unknown, source: string): BuildIntentParameters["calls"] {
  if (!Array.isArray(document) || document.length === 0) {
    throw new Error(`${source}: expected a non-empty JSON array of calls { to, value?, data? }`);
  }
  return document.map((entry: unknown, i) => {
    const path = `${source}[${i}]`;
    if (typeof entry !== "object" || entry === null)
      throw new Error(`${path}: expected a call object`);
    const { to, value, data } = entry as Record<string, unknown>;
    if (typeof to !== "string") throw new Error(`${path}.to: required address`);
    if (data !== undefined && typeof data !== "string")
      throw new Error(`${path}.data: expected hex`);
    return {
      to: parseAddress(to, `${path}.to`),
      value: value === undefined ? 0n : parseUint(value, `${path}.value`),
      data: data === undefined ? "0x" : parseHexData(data, `${path}.data`),
    };
  });
}

function parseFileDependencies(document: unknown): Dependency[] {
  if (document === undefined) return [];
  if (!Array.isArray(document)) throw new Error("--intent-file dependencies: expected an array");
  return document.map((entry: unknown, i) => {
    const { wallet, id } = (entry ?? {}) as Record<string, unknown>;
    const path = `--intent-file dependencies[${i}]`;
    if (typeof wallet !== "string" || typeof id !== "string") {
      throw new Error(`${path}: expected { wallet, id }`);
    }
    return { wallet: parseAddress(wallet, `${path}.wallet`), id: parseBytes32(id, `${path}.id`) };
  });
}
