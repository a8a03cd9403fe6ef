/**
 * Mutation testing of the contracts (not a test): plants one small bug at a time in a contract's
 * source, runs the tests that exercise that contract, and reports the bugs no test noticed.
 *
 *   npm run mutate                                         every target, every operator (hours)
 *   npm run mutate -- --file IntentBatcher.sol             one contract (repeat, or a comma list)
 *   npm run mutate -- --file PackedIntent.sol --only shift --limit 5
 *   npm run mutate -- --list                               the mutants, nothing run
 *
 * Options: `--file <path or name>` targets (default: all of TARGETS); `--only <operator,...>` the
 * operators of OPERATORS to apply; `--limit <n>` the first n mutants of each file; `--line <n>`
 * only mutants of that line; `--survivors` only the mutants that survived in mutation-report.json
 * (after adding tests: the report then holds the new outcome of each); `--list` print the mutants
 * and stop; `--skip-baseline` trust that the unmutated tests pass.
 *
 * For each target file: a baseline (the file as it is must pass its tests, or nothing is
 * reported for it), then each mutant in turn: the file is rewritten with one mutation, compiled
 * (`hardhat build --no-tests`: Hardhat's compilation cache recompiles only the files that import
 * the mutated one), then its Mocha tests run with `--bail`, and, if none failed, its Solidity
 * tests. A mutant is `killed` (a test failed, or the tests ran past their time limit), `survived`
 * (every test passed: either a test is missing or the mutant is equivalent) or `compile-error`.
 * The original source is written back after every mutant, also on an error, Ctrl-C or SIGTERM.
 *
 * Writes mutation-report.json (gitignored) at the repository root, merged with the results of
 * earlier runs for the other files, and prints the score per contract and every survivor with its
 * file:line and mutation. Mutants run one at a time: they share the source tree and artifacts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const REPORT_PATH = join(ROOT, "mutation-report.json");
/** Held while mutants run: two runs in one tree would mutate each other's files and artifacts. */
const LOCK_PATH = join(ROOT, "cache", "mutate.lock");
const HARDHAT_CLI = join(
  dirname(createRequire(import.meta.url).resolve("hardhat/package.json")),
  "dist/src/cli.js",
);

/*//////////////////////////////////////////////////////////////
                           OPERATORS
//////////////////////////////////////////////////////////////*/

/** One rewrite of a line: the characters [from, to) become `text`. */
interface Edit {
  from: number;
  to: number;
  text: string;
}

/**
 * A mutation operator: `pattern` (global) finds the places in a line's code (comments and string
 * literals blanked out) and `mutate` gives the rewrites of one match, one mutant each.
 */
interface Operator {
  name: string;
  pattern: RegExp;
  mutate: (match: RegExpExecArray, code: string) => Edit[];
}

/** Rewrites of the matched text itself, one per replacement. */
function replaceMatch(match: RegExpExecArray, ...texts: string[]): Edit[] {
  return texts.map((text) => ({ from: match.index, to: match.index + match[0].length, text }));
}

/** Rewrites of capture group `group` of `match` (which must occur once in the match). */
function replaceGroup(match: RegExpExecArray, group: number, ...texts: string[]): Edit[] {
  const from = match.index + match[0].lastIndexOf(match[group]);
  return texts.map((text) => ({ from, to: from + match[group].length, text }));
}

/** Where the parenthesis opened at `open` closes in `code`, or -1 if not on this line. */
function closingParenthesis(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === "(") depth++;
    else if (code[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

/** The decimal or hex literal `literal` moved by ±1 and to 0, written in the same base. */
function numberVariants(literal: string): string[] {
  const hex = literal.startsWith("0x");
  const value = BigInt(literal.replaceAll("_", ""));
  const candidates = [value + 1n, value - 1n, 0n].filter((v) => v >= 0n && v !== value);
  const format = (v: bigint) =>
    hex ? "0x" + v.toString(16).padStart(literal.length - 2, "0") : v.toString();
  return [...new Set(candidates.map(format))];
}

/** A bit offset or shift amount moved by a byte (by one bit when it is not a whole byte). */
function shiftVariants(amount: number): string[] {
  const step = amount >= 8 && amount % 8 === 0 ? 8 : 1;
  return [amount - step, amount + step].filter((v) => v >= 0).map(String);
}

const FLIPPED_COMPARISON: Record<string, string> = {
  "<": "<=",
  "<=": "<",
  ">": ">=",
  ">=": ">",
  "==": "!=",
  "!=": "==",
};

/** Yul comparisons, by the negation that moves their boundary (`lt(a, b)` is a < b). */
const FLIPPED_YUL_COMPARISON: Record<string, string> = {
  lt: "iszero(gt", // a <= b
  gt: "iszero(lt", // a >= b
  eq: "iszero(eq", // a != b
};

/** A statement that writes storage: the wallet's `$`, receipts, permission entries, revocations. */
const STORAGE_WRITE =
  /^(\s*(?:if\s*\(.*\)\s*)?)((?:delete\s+)?\(?\s*(?:\$\.|receipt\.|entry\.|_revoked\[|_entries\[|entries\[|_writeReceipt\(|sstore\()[^;]*;?)\s*$/;
const ASSIGNMENT = /(?<![=!<>:])(?:\+|-)?=(?!=)/;

/** The operators, each one regex and one transform. */
export const OPERATORS: Operator[] = [
  {
    // `<` <-> `<=`, `>` <-> `>=`, `==` <-> `!=` (not `<<`, `>>`, `=>` nor Yul's `->`).
    name: "comparison",
    pattern: /(?<![<>=!-])(<=|>=|==|!=|<|>)(?![<>=])/g,
    mutate: (match) => replaceMatch(match, FLIPPED_COMPARISON[match[1]]),
  },
  {
    // Yul `lt(a, b)` -> `iszero(gt(a, b))`, `gt` -> `iszero(lt(...))`, `eq` -> `iszero(eq(...))`.
    name: "yul-comparison",
    pattern: /\b(lt|gt|eq)\(/g,
    mutate: (match, code) => {
      const close = closingParenthesis(code, match.index + match[1].length);
      if (close < 0) return [];
      const inside = code.slice(match.index + match[0].length, close);
      const text = `${FLIPPED_YUL_COMPARISON[match[1]]}(${inside}))`;
      return [{ from: match.index, to: close + 1, text }];
    },
  },
  {
    // `if (...) revert E(...);` or `revert E(...);`: the whole statement goes.
    name: "drop-revert",
    pattern: /^\s*((?:if\s*\(.*\)\s*)?revert\s+[\w.]+\(.*\);)\s*$/g,
    mutate: (match) => replaceGroup(match, 1, ""),
  },
  {
    // A number (decimal or hex) becomes itself ±1, or 0. Shift amounts are `shift`'s.
    name: "constant",
    pattern:
      /(?<![\w.$])(?<!(?:>>|<<)\s*)(?<!\b(?:shl|shr|sar|byte)\(\s*)(0x[0-9a-fA-F]+|\d[\d_]*)(?![\w.])/g,
    mutate: (match) => replaceMatch(match, ...numberVariants(match[1])),
  },
  {
    // `>> 160` -> `>> 152` / `>> 168`, `shl(5, ...)` -> `shl(4, ...)` / `shl(6, ...)`.
    name: "shift",
    pattern: /(?:>>|<<|\b(?:shl|shr|sar|byte)\()\s*(\d+)\b/g,
    mutate: (match) => replaceGroup(match, 1, ...shiftVariants(Number(match[1]))),
  },
  {
    // `emit E(...);`: the event is never emitted.
    name: "drop-emit",
    pattern: /^\s*(emit\s+\w+\(.*\);)\s*$/g,
    mutate: (match) => replaceGroup(match, 1, ""),
  },
  {
    // An assignment to storage, `delete`, `_writeReceipt(...)` or `sstore(...)`: the write goes
    // (an `if`'s body becomes `{}`).
    name: "drop-storage-write",
    pattern: new RegExp(STORAGE_WRITE.source, "g"),
    mutate: (match) => {
      const statement = match[2];
      const writes =
        /^(?:delete\s|_writeReceipt\(|sstore\()/.test(statement) || ASSIGNMENT.test(statement);
      if (!writes) return [];
      return replaceGroup(match, 2, match[1].trim().startsWith("if") ? "{}" : "");
    },
  },
  {
    // `&&` <-> `||`, and Yul's `and(` <-> `or(`.
    name: "logical",
    pattern: /&&|\|\||\b(?:and|or)\(/g,
    mutate: (match) =>
      replaceMatch(match, { "&&": "||", "||": "&&", "and(": "or(", "or(": "and(" }[match[0]]!),
  },
  {
    name: "boolean",
    pattern: /\b(?:true|false)\b/g,
    mutate: (match) => replaceMatch(match, match[0] === "true" ? "false" : "true"),
  },
];

/*//////////////////////////////////////////////////////////////
                    TARGETS AND THEIR TESTS
//////////////////////////////////////////////////////////////*/

/**
 * Each target contract and the tests that exercise it: Mocha files or folders (run first, with
 * `--bail`, the slowest files last) and Solidity test files (run only if Mocha killed nothing).
 * test/docs is left out: it checks the documents, not the contracts.
 */
export const TARGETS: Record<string, { mocha: string[]; solidity: string[] }> = {
  "contracts/IntentWallet.sol": {
    mocha: [
      "test/IntentWallet",
      "test/IntentHashing",
      "test/WalletFactory",
      "test/IntentBatcher",
      "test/SessionKeyModule",
    ],
    solidity: [
      "test/solidity/IntentWalletInvariants.t.sol",
      "test/solidity/PackedIntent.t.sol",
      "test/solidity/IntentHashing.t.sol",
      "test/solidity/SessionKeyInvariants.t.sol",
    ],
  },
  "contracts/modules/SessionKeyModule.sol": {
    mocha: ["test/SessionKeyModule", "test/IntentWallet/moduleValidation.test.ts"],
    solidity: ["test/solidity/SessionKeyInvariants.t.sol"],
  },
  "contracts/IntentBatcher.sol": {
    mocha: ["test/IntentBatcher", "test/IntentWallet/gasGuard.test.ts"],
    solidity: [],
  },
  "contracts/WalletFactory.sol": {
    mocha: [
      "test/WalletFactory",
      "test/IntentWallet/relay.test.ts",
      "test/IntentWallet/gasGuard.test.ts",
    ],
    solidity: ["test/solidity/IntentWalletInvariants.t.sol"],
  },
  "contracts/libraries/IntentHashing.sol": {
    mocha: [
      "test/IntentHashing",
      "test/IntentWallet/relay.test.ts",
      "test/IntentWallet/replay.test.ts",
      "test/IntentWallet/erc1271.test.ts",
      "test/IntentWallet/dependencies.test.ts",
    ],
    solidity: ["test/solidity/IntentHashing.t.sol", "test/solidity/PackedIntent.t.sol"],
  },
  "contracts/libraries/PackedIntent.sol": {
    mocha: ["test/IntentHashing/packedParity.test.ts", "test/IntentBatcher"],
    solidity: ["test/solidity/PackedIntent.t.sol", "test/solidity/IntentWalletInvariants.t.sol"],
  },
  "contracts/libraries/AbiIntent.sol": {
    mocha: ["test/IntentWallet", "test/IntentHashing"],
    solidity: ["test/solidity/PackedIntent.t.sol", "test/solidity/IntentWalletInvariants.t.sol"],
  },
  "contracts/libraries/SessionGrantHashing.sol": {
    mocha: ["test/SessionKeyModule"],
    solidity: ["test/solidity/SessionKeyInvariants.t.sol"],
  },
  "contracts/libraries/BoundedReturnData.sol": {
    mocha: ["test/IntentWallet", "test/IntentBatcher"],
    solidity: [],
  },
};

/** Mocha files that take most of a folder's time: run after the others, so a kill comes sooner. */
const SLOW_MOCHA_FILES = [
  "test/IntentWallet/gasGuard.test.ts",
  "test/IntentWallet/minGasLimit.test.ts",
];

/** The Mocha files of `entries` (folders expanded to their *.test.ts), slow ones last, no repeats. */
function mochaFiles(entries: string[]): string[] {
  const files = entries.flatMap((entry) =>
    statSync(join(ROOT, entry)).isDirectory()
      ? readdirSync(join(ROOT, entry))
          .filter((name) => name.endsWith(".test.ts"))
          .sort()
          .map((name) => `${entry}/${name}`)
      : [entry],
  );
  const unique = [...new Set(files)];
  return [
    ...unique.filter((file) => !SLOW_MOCHA_FILES.includes(file)),
    ...unique.filter((file) => SLOW_MOCHA_FILES.includes(file)),
  ];
}

/*//////////////////////////////////////////////////////////////
                        FINDING MUTANTS
//////////////////////////////////////////////////////////////*/

export interface Mutant {
  file: string;
  line: number; // 1-based
  column: number; // 1-based
  operator: string;
  original: string; // the line's code before and after, trimmed
  mutated: string;
  source: string; // the whole mutated file
}

/**
 * The code of each line with comments and string literals blanked out (same length, so indexes
 * match the line); NatSpec, comments, `pragma` and `import` lines come out blank.
 */
function codeOfLines(lines: string[]): string[] {
  let inBlockComment = false;
  return lines.map((line) => {
    let code = "";
    for (let i = 0; i < line.length; i++) {
      if (inBlockComment) {
        if (line.startsWith("*/", i)) {
          inBlockComment = false;
          code += "  ";
          i++;
        } else code += " ";
      } else if (line.startsWith("/*", i)) {
        inBlockComment = true;
        code += "  ";
        i++;
      } else if (line.startsWith("//", i)) {
        code += " ".repeat(line.length - i);
        break;
      } else if (line[i] === '"') {
        const end = line.indexOf('"', i + 1);
        const stop = end < 0 ? line.length - 1 : end;
        code += '"' + " ".repeat(Math.max(0, stop - i - 1)) + (end < 0 ? "" : '"');
        i = stop;
      } else code += line[i];
    }
    return /^\s*(pragma|import)\b/.test(code) ? " ".repeat(line.length) : code;
  });
}

/** Every mutant of `file` by `operators`, in line order, without duplicates. */
export function findMutants(file: string, operators: Operator[]): Mutant[] {
  const original = readFileSync(join(ROOT, file), "utf8");
  const lines = original.split("\n");
  const codes = codeOfLines(lines);
  const mutants: Mutant[] = [];
  const seen = new Set<string>();
  codes.forEach((code, index) => {
    if (code.trim() === "") return;
    for (const operator of operators) {
      const edits: Edit[] = [];
      for (const match of code.matchAll(new RegExp(operator.pattern.source, "g"))) {
        edits.push(...operator.mutate(match as RegExpExecArray, code));
      }
      for (const edit of edits) {
        const line = lines[index];
        const mutatedLine = line.slice(0, edit.from) + edit.text + line.slice(edit.to);
        if (mutatedLine === line) continue;
        const mutatedLines = [...lines];
        mutatedLines[index] = mutatedLine;
        const source = mutatedLines.join("\n");
        if (seen.has(source)) continue;
        seen.add(source);
        mutants.push({
          file,
          line: index + 1,
          column: edit.from + 1,
          operator: operator.name,
          original: line.trim(),
          mutated: mutatedLine.trim() === "" ? "(statement removed)" : mutatedLine.trim(),
          source,
        });
      }
    }
  });
  return mutants.sort((a, b) => a.line - b.line || a.column - b.column);
}

/*//////////////////////////////////////////////////////////////
                           RUNNING
//////////////////////////////////////////////////////////////*/

interface CommandResult {
  code: number | null;
  output: string;
  timedOut: boolean;
  seconds: number;
}

let currentChild: ChildProcess | undefined;

/** Runs Hardhat with `args` in its own process group, killed whole after `timeoutMs`. */
function hardhat(args: string[], timeoutMs: number): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, ...args], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    currentChild = child;
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 400_000) output = output.slice(-200_000);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      currentChild = undefined;
      resolvePromise({ code, output, timedOut, seconds: (Date.now() - started) / 1000 });
    });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/**
 * The first failing test of a Mocha or Solidity test run (both list failures as `1) title`
 * after `N failing`) and its error's first line, for the report.
 */
function firstFailure(output: string): string {
  const summary = output.search(/^\s*\d+ failing/m);
  const failures = summary >= 0 ? output.slice(summary) : output;
  const block = /^\s*1\) (.*(?:\n(?!\s*$).*)*)/m.exec(failures);
  if (block) {
    const lines = block[1].split("\n").map((line) => line.trim());
    const titleEnd = lines.findIndex((line) => line.endsWith(":"));
    const titles = titleEnd >= 0 ? lines.slice(0, titleEnd + 1) : lines.slice(0, 1);
    const error = titleEnd >= 0 ? (lines[titleEnd + 1] ?? "") : "";
    return `${titles.join(" > ").replace(/:$/, "")}${error ? ` -- ${error}` : ""}`.slice(0, 300);
  }
  const lines = output.trim().split("\n");
  return (lines.at(-1) ?? "").trim().slice(0, 300);
}

type Status = "killed" | "survived" | "compile-error";

interface MutantResult {
  line: number;
  column: number;
  operator: string;
  original: string;
  mutated: string;
  status: Status;
  killedBy?: string;
  timedOut?: boolean;
  seconds: number;
}

interface FileReport {
  file: string;
  partial: boolean;
  options: { only?: string[]; limit?: number; line?: number };
  total: number;
  killed: number;
  survived: number;
  compileErrors: number;
  score: number; // killed / (total - compile errors)
  seconds: number;
  finishedAt: string;
  mutants: MutantResult[];
}

interface TestPlan {
  mochaFiles: string[];
  solidityFiles: string[];
  mochaTimeoutMs: number;
  solidityTimeoutMs: number;
}

const BUILD = ["--no-typechain", "build", "--no-tests", "--quiet"];
const DEFAULT_TIMEOUT_MS = 15 * 60_000;

/** Compiles, then runs `plan`'s tests: what the mutant in place (or the original) comes to. */
async function runTests(
  plan: TestPlan,
): Promise<Omit<MutantResult, keyof Mutant | "column" | "line">> {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const build = await hardhat(BUILD, DEFAULT_TIMEOUT_MS);
  if (build.code !== 0) {
    const error = /^(?:Error|.*Error:).*$/m.exec(build.output)?.[0] ?? firstFailure(build.output);
    return { status: "compile-error", killedBy: error.trim().slice(0, 200), seconds: seconds() };
  }
  if (plan.mochaFiles.length > 0) {
    const mocha = await hardhat(
      ["--no-typechain", "test", "mocha", "--no-compile", "--bail", ...plan.mochaFiles],
      plan.mochaTimeoutMs,
    );
    if (mocha.timedOut || mocha.code !== 0) {
      return {
        status: "killed",
        killedBy: mocha.timedOut ? "mocha: timed out" : `mocha: ${firstFailure(mocha.output)}`,
        ...(mocha.timedOut ? { timedOut: true } : {}),
        seconds: seconds(),
      };
    }
  }
  if (plan.solidityFiles.length > 0) {
    const solidity = await hardhat(
      ["--no-typechain", "test", "solidity", ...plan.solidityFiles],
      plan.solidityTimeoutMs,
    );
    if (solidity.timedOut || solidity.code !== 0) {
      return {
        status: "killed",
        killedBy: solidity.timedOut
          ? "solidity: timed out"
          : `solidity: ${firstFailure(solidity.output)}`,
        ...(solidity.timedOut ? { timedOut: true } : {}),
        seconds: seconds(),
      };
    }
  }
  return { status: "survived", seconds: seconds() };
}

/*//////////////////////////////////////////////////////////////
                   RESTORING THE SOURCE, ALWAYS
//////////////////////////////////////////////////////////////*/

/** The file being mutated and its original text, while a mutant is in place. */
let inPlace: { path: string; original: string } | undefined;

function restoreSource(): void {
  if (inPlace === undefined) return;
  writeFileSync(inPlace.path, inPlace.original);
  inPlace = undefined;
}

let pendingReport: (() => void) | undefined;

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    restoreSource();
    if (currentChild) killGroup(currentChild);
    pendingReport?.();
    console.error(`\n${signal}: source restored; the report holds the mutants finished so far.`);
    console.error(
      "Run `npx hardhat build` before using --no-compile: artifacts may be a mutant's.",
    );
    process.exit(130);
  });
}
process.on("exit", () => {
  restoreSource();
  releaseLock();
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes the lock of this tree, or throws if a live run holds it. */
function acquireLock(): void {
  mkdirSync(dirname(LOCK_PATH), { recursive: true });
  if (existsSync(LOCK_PATH)) {
    const holder = Number(readFileSync(LOCK_PATH, "utf8"));
    if (holder !== process.pid && isRunning(holder)) {
      throw new Error(`another mutation run (pid ${holder}) is using this tree: one at a time`);
    }
  }
  writeFileSync(LOCK_PATH, String(process.pid));
}

function releaseLock(): void {
  if (existsSync(LOCK_PATH) && Number(readFileSync(LOCK_PATH, "utf8")) === process.pid) {
    unlinkSync(LOCK_PATH);
  }
}

/*//////////////////////////////////////////////////////////////
                            REPORT
//////////////////////////////////////////////////////////////*/

interface Report {
  updatedAt: string;
  files: Record<string, FileReport>;
}

function readReport(): Report {
  if (existsSync(REPORT_PATH)) {
    try {
      return JSON.parse(readFileSync(REPORT_PATH, "utf8")) as Report;
    } catch {
      // Unreadable: start again.
    }
  }
  return { updatedAt: "", files: {} };
}

function summarize(
  file: string,
  options: FileReport["options"],
  results: MutantResult[],
  seconds: number,
  partial: boolean,
): FileReport {
  const count = (status: Status) => results.filter((result) => result.status === status).length;
  const killed = count("killed");
  const compileErrors = count("compile-error");
  const valid = results.length - compileErrors;
  return {
    file,
    partial,
    options,
    total: results.length,
    killed,
    survived: count("survived"),
    compileErrors,
    score: valid === 0 ? 1 : Math.round((killed / valid) * 1000) / 1000,
    seconds: Math.round(seconds),
    finishedAt: new Date().toISOString(),
    mutants: results,
  };
}

function writeReport(reports: FileReport[]): Report {
  const report = readReport();
  for (const fileReport of reports) report.files[fileReport.file] = fileReport;
  report.updatedAt = new Date().toISOString();
  writeFileSync(REPORT_PATH, JSON.stringify(report, null, 2) + "\n");
  return report;
}

function printSummary(report: Report): void {
  const rows = Object.values(report.files);
  console.log("\nMutation score per contract (killed / mutants that compiled):\n");
  const width = Math.max(...rows.map((row) => row.file.length), 8);
  console.log(`${"contract".padEnd(width)}  mutants  killed  survived  no-compile   score  time`);
  for (const row of rows) {
    const valid = row.total - row.compileErrors;
    console.log(
      `${row.file.padEnd(width)}  ${String(row.total).padStart(7)}  ${String(row.killed).padStart(6)}  ${String(row.survived).padStart(8)}  ${String(row.compileErrors).padStart(10)}  ${`${row.killed}/${valid}`.padStart(6)}  ${formatDuration(row.seconds)}${row.partial ? "  (partial)" : ""}`,
    );
  }
  const survivors = rows.flatMap((row) =>
    row.mutants.filter((mutant) => mutant.status === "survived").map((mutant) => ({ row, mutant })),
  );
  console.log(`\nSurvivors (${survivors.length}):`);
  for (const { row, mutant } of survivors) {
    console.log(`  ${row.file}:${mutant.line}  ${mutant.operator}`);
    console.log(`      - ${mutant.original}`);
    console.log(`      + ${mutant.mutated}`);
  }
}

function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0
    ? `${minutes}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`
    : `${Math.round(seconds)}s`;
}

/*//////////////////////////////////////////////////////////////
                             MAIN
//////////////////////////////////////////////////////////////*/

interface Options {
  files: string[];
  only?: string[];
  limit?: number;
  line?: number;
  list: boolean;
  skipBaseline: boolean;
  survivors: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { files: [], list: false, skipBaseline: false, survivors: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === "--file") options.files.push(...value().split(","));
    else if (flag === "--only") options.only = value().split(",");
    else if (flag === "--limit") options.limit = Number(value());
    else if (flag === "--line") options.line = Number(value());
    else if (flag === "--list") options.list = true;
    else if (flag === "--skip-baseline") options.skipBaseline = true;
    else if (flag === "--survivors") options.survivors = true;
    else
      throw new Error(`unknown option ${flag} (see the comment at the top of scripts/mutate.ts)`);
  }
  for (const name of options.only ?? []) {
    if (!OPERATORS.some((operator) => operator.name === name)) {
      throw new Error(
        `unknown operator ${name}; operators: ${OPERATORS.map((o) => o.name).join(", ")}`,
      );
    }
  }
  if (options.limit !== undefined && !(options.limit > 0))
    throw new Error("--limit needs a positive number");
  return options;
}

/** The targets named by `--file` (a path, or its end such as `IntentBatcher.sol`); all if none. */
function selectTargets(names: string[]): string[] {
  const all = Object.keys(TARGETS);
  if (names.length === 0) return all;
  return names.map((name) => {
    const wanted = relative(ROOT, resolve(name));
    const found = all.filter(
      (target) => target === wanted || target.endsWith(`/${name}`) || target === name,
    );
    if (found.length !== 1)
      throw new Error(`--file ${name}: not one of the targets: ${all.join(", ")}`);
    return found[0];
  });
}

async function main(): Promise<void> {
  const [major] = process.versions.node.split(".").map(Number);
  if (major < 22)
    throw new Error(`Node ${process.versions.node}: Hardhat 3 needs Node >= 22 (use ./dev mutate)`);
  const options = parseOptions(process.argv.slice(2));
  const operators = OPERATORS.filter((operator) => options.only?.includes(operator.name) ?? true);
  const targets = selectTargets(options.files);
  const partial =
    options.only !== undefined || options.limit !== undefined || options.line !== undefined;
  const reportOptions = { only: options.only, limit: options.limit, line: options.line };

  const previous = readReport().files;
  const planned = targets.map((file) => {
    let mutants = findMutants(file, operators);
    if (options.survivors) {
      const survivors = new Set(
        (previous[file]?.mutants ?? [])
          .filter((result) => result.status === "survived")
          .map(mutantKey),
      );
      mutants = mutants.filter((mutant) => survivors.has(mutantKey(mutant)));
    }
    if (options.line !== undefined)
      mutants = mutants.filter((mutant) => mutant.line === options.line);
    if (options.limit !== undefined) mutants = mutants.slice(0, options.limit);
    return { file, mutants };
  });
  for (const { file, mutants } of planned) {
    const byOperator = operators.map(
      (o) => `${o.name} ${mutants.filter((m) => m.operator === o.name).length}`,
    );
    console.log(`${file}: ${mutants.length} mutants (${byOperator.join(", ")})`);
    if (options.list) {
      for (const mutant of mutants) {
        console.log(
          `  ${file}:${mutant.line}:${mutant.column}  ${mutant.operator}: ${mutant.mutated}`,
        );
      }
    }
  }
  if (options.list) return;
  acquireLock();

  const runStarted = Date.now();
  const reports: FileReport[] = [];
  for (const { file, mutants } of planned) {
    const path = join(ROOT, file);
    const original = readFileSync(path, "utf8");
    const tests = TARGETS[file];
    const plan: TestPlan = {
      mochaFiles: mochaFiles(tests.mocha),
      solidityFiles: tests.solidity,
      mochaTimeoutMs: DEFAULT_TIMEOUT_MS,
      solidityTimeoutMs: DEFAULT_TIMEOUT_MS,
    };
    const fileStarted = Date.now();
    console.log(`\n== ${file}: ${mutants.length} mutants`);
    console.log(`   mocha: ${plan.mochaFiles.join(" ")}`);
    console.log(`   solidity: ${plan.solidityFiles.join(" ") || "(none)"}`);

    if (!options.skipBaseline) {
      // The unmutated file must pass; its timings set the time limit of each mutant's run.
      const baselineStarted = Date.now();
      const mocha = await timedBaseline(
        ["--no-typechain", "test", "mocha", ...plan.mochaFiles],
        plan.mochaFiles,
      );
      const solidity = await timedBaseline(
        ["--no-typechain", "test", "solidity", ...plan.solidityFiles],
        plan.solidityFiles,
      );
      if (mocha === undefined || solidity === undefined) {
        console.log(`   baseline FAILED: the tests fail on the unmutated ${file}; skipped`);
        continue;
      }
      plan.mochaTimeoutMs = Math.max(3 * mocha * 1000, 120_000);
      plan.solidityTimeoutMs = Math.max(3 * solidity * 1000, 120_000);
      console.log(`   baseline passes (${formatDuration((Date.now() - baselineStarted) / 1000)})`);
    }

    const results: MutantResult[] = [];
    /** This file's report: `results`, or with --survivors the last report with them in place. */
    const fileReport = (done: boolean): FileReport => {
      const seconds = (Date.now() - fileStarted) / 1000;
      const before = previous[file];
      if (!options.survivors || before === undefined) {
        return summarize(file, reportOptions, results, seconds, partial || !done);
      }
      const rerun = new Map(results.map((result) => [mutantKey(result), result]));
      const merged = before.mutants.map((result) => rerun.get(mutantKey(result)) ?? result);
      return summarize(file, before.options, merged, before.seconds + seconds, before.partial);
    };
    pendingReport = () => writeReport([...reports, fileReport(false)]);
    for (const [index, mutant] of mutants.entries()) {
      let outcome: Awaited<ReturnType<typeof runTests>>;
      try {
        inPlace = { path, original };
        writeFileSync(path, mutant.source);
        outcome = await runTests(plan);
      } finally {
        restoreSource();
      }
      const result: MutantResult = {
        line: mutant.line,
        column: mutant.column,
        operator: mutant.operator,
        original: mutant.original,
        mutated: mutant.mutated,
        ...outcome,
      };
      results.push(result);
      const tag = result.status === "survived" ? "SURVIVED" : result.status;
      console.log(
        `   [${index + 1}/${mutants.length}] ${file}:${mutant.line} ${mutant.operator}: ${tag} (${result.seconds}s)${result.killedBy ? ` ${result.killedBy}` : ""}`,
      );
      if (result.status === "survived")
        console.log(`        - ${mutant.original}\n        + ${mutant.mutated}`);
    }
    reports.push(fileReport(true));
    writeReport(reports);
  }
  pendingReport = undefined;

  // Put the unmutated contracts' artifacts back, for anyone running tests with --no-compile.
  await hardhat(BUILD, DEFAULT_TIMEOUT_MS);
  const report = writeReport(reports);
  printSummary(report);
  console.log(
    `\nThis run: ${formatDuration((Date.now() - runStarted) / 1000)}; report in ${relative(process.cwd(), REPORT_PATH)}`,
  );
}

/** What identifies a mutant across runs, as long as its file's source is the same. */
function mutantKey(mutant: Pick<Mutant, "line" | "column" | "operator" | "mutated">): string {
  return `${mutant.line}:${mutant.column} ${mutant.operator} ${mutant.mutated}`;
}

/** Runs a baseline test command (compiling as needed): its seconds, or undefined if it failed. */
async function timedBaseline(args: string[], files: string[]): Promise<number | undefined> {
  if (files.length === 0) return 0;
  const result = await hardhat(args, 2 * DEFAULT_TIMEOUT_MS);
  if (result.code !== 0) {
    const how = result.timedOut ? "timed out" : `exit code ${result.code}`;
    console.log(
      `   ${args.join(" ")}: ${how} after ${result.seconds}s\n${result.output.slice(-3000)}`,
    );
    return undefined;
  }
  return result.seconds;
}

try {
  await main();
} finally {
  restoreSource();
}
