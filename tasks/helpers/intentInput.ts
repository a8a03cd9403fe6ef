import type { z } from "zod";

import type { BuildIntentParameters, Dependency } from "../../src/sdk/index.js";
import { readJsonFile } from "./files.js";
import { parseAddress, parseDependencies, parseHexData, parseUint } from "./parse.js";
import {
  address,
  arrayOf,
  bytes32,
  hexBytes,
  lenientUint256,
  strictObject,
} from "../../src/protocol/schema/primitives.js";
import { firstProblem } from "../../src/protocol/schema/problem.js";

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

/** A call in a calls file or an intent file: `value` and `data` may be left out (0, `0x`). */
const callInput = strictObject({
  to: address,
  value: lenientUint256.optional().default(0n),
  data: hexBytes.optional().default("0x"),
});

/** `--calls-file`: a non-empty JSON array of calls. */
const callsFile = arrayOf(callInput).min(1, "expected at least one call { to, value?, data? }");

/** `--intent-file`: an intent whose missing fields take the defaults, optionally with its wallet. */
const intentFile = strictObject({
  wallet: address.optional(),
  calls: callsFile.optional(),
  dependencies: arrayOf(strictObject({ wallet: address, id: bytes32 })).optional(),
  salt: lenientUint256.optional(),
  validAfter: lenientUint256.optional(),
  expiration: lenientUint256.optional(),
  maxGasPrice: lenientUint256.optional(),
  minGasLimit: lenientUint256.optional(),
});

/** `document` read by `schema`, or an error naming `source` and the first bad field. */
function readDocument<Output>(
  schema: z.ZodType<Output>,
  document: unknown,
  source: string,
): Output {
  const result = schema.safeParse(document);
  if (result.success) return result.data;
  const { path, reason } = firstProblem(result.error.issues);
  throw new Error(`${source}${path === "" ? "" : ` ${path}`}: ${reason}`);
}

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
      : readDocument(
          intentFile,
          await readJsonFile(args.intentFile, "--intent-file"),
          "--intent-file",
        );
  const wallet = args.wallet === undefined ? file.wallet : parseAddress(args.wallet, "--wallet");
  if (wallet === undefined) throw new Error("--wallet: required (the wallet that makes the calls)");

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
    calls = readDocument(
      callsFile,
      await readJsonFile(args.callsFile, "--calls-file"),
      "--calls-file",
    );
  } else {
    if (file.calls === undefined) throw new Error("--intent-file calls: missing field");
    calls = file.calls;
  }

  const dependencies: Dependency[] = [
    ...(file.dependencies ?? []),
    ...(args.dependsOn === undefined ? [] : parseDependencies(args.dependsOn, wallet)),
  ];
  const uint = (option: string | undefined, name: string, fileValue: bigint | undefined) =>
    option !== undefined ? parseUint(option, `--${name}`) : fileValue;
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
