import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import hre from "hardhat";
import { ArgumentType } from "hardhat/types/arguments";
import type { Task } from "hardhat/types/tasks";
import ts from "typescript";

import { relayerConfigSchema } from "../../src/relayer/config.js";
import { fencedBlocks, PAGES, read, WALKTHROUGH_PAGE, type FencedBlock } from "./markdown.js";
import { blockCommands, optionName, shellCommands, type ShellCommand } from "./shell.js";

/*
 * Every fenced code block of README.md, packages/sdk/README.md and docs/*.md works as written,
 * by its language:
 *
 * - ts / typescript: typechecked, each block as its own ES module (top-level await allowed),
 *   with the repository's compiler options and `@intentwallet/sdk` resolving to the SDK's entry,
 *   src/sdk/index.ts. Typechecked, not run: the blocks talk to a node, a relayer or a wallet app.
 * - json: parses.
 * - solidity: compiles (solc 0.8.28), and each struct or enum it declares is declared the same
 *   way in contracts/.
 * - sh / bash / console: the commands of docs/local-node.md really run, in order, against a
 *   node (localNode.test.ts). Every other page's commands are only checked here, not run: they
 *   install, run the whole test suite (which would run this test again), serve until stopped or
 *   need a real network. The check: each names an npm script, Hardhat task, option, network,
 *   file or environment variable that exists.
 * - text: diagrams and output, not checked here (localNode.test.ts compares the output shown
 *   after its commands).
 *
 * A block may opt out only with a visible reason in its info string: "```ts no-check: why".
 */

const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The languages a block may have, and what happens to it. */
const LANGUAGES = {
  ts: "typechecked",
  typescript: "typechecked",
  json: "parsed",
  solidity: "compiled",
  sh: "commands checked or run",
  bash: "commands checked or run",
  console: "commands checked or run",
  text: "shown as is",
} as const;

const BLOCKS: FencedBlock[] = PAGES.flatMap((page) => fencedBlocks(read(page), page));

/** `page:line`, where a block opens. */
function where(block: FencedBlock): string {
  return `${block.page}:${block.line}`;
}

/** The blocks of these languages, without the ones marked `no-check`. */
function checkedBlocks(...languages: string[]): FencedBlock[] {
  return BLOCKS.filter(
    (block) => languages.includes(block.language) && !block.attributes.startsWith("no-check"),
  );
}

describe("the code blocks of README.md and docs/*.md", function () {
  it("finds blocks of every kind it checks on the pages", function () {
    const languages = new Set(BLOCKS.map((block) => block.language));
    expect([...languages]).to.include.members(["ts", "json", "solidity", "sh", "text"]);
    expect(BLOCKS.filter((block) => block.page === WALKTHROUGH_PAGE)).to.not.be.empty;
  });

  it("gives every block a known language (text for diagrams and output)", function () {
    const unknown = BLOCKS.filter((block) => !(block.language in LANGUAGES)).map(
      (block) => `${where(block)}: "${block.language}"`,
    );
    expect(unknown, `known: ${Object.keys(LANGUAGES).join(", ")}`).to.deep.equal([]);
  });

  it("opts a block out of its check only with a reason in its info string", function () {
    const bad = BLOCKS.filter(
      (block) => block.attributes !== "" && !/^no-check: \S+( \S+){2,}/.test(block.attributes),
    ).map((block) => `${where(block)}: "${block.attributes}"`);
    expect(bad, 'write "```ts no-check: <why, in a few words>"').to.deep.equal([]);
  });

  it("parses every json block", function () {
    const blocks = checkedBlocks("json");
    expect(blocks).to.not.be.empty;
    for (const block of blocks) {
      expect(() => JSON.parse(block.content), where(block)).to.not.throw();
    }
  });

  it("typechecks every ts block as an ES module, @intentwallet/sdk being src/sdk/index.ts", function () {
    this.timeout(120_000);
    const blocks = checkedBlocks("ts", "typescript");
    expect(blocks).to.not.be.empty;

    expect(typecheck(blocks)).to.deep.equal([]);
  });

  it("compiles every solidity block, and declares its structs and enums as contracts/ does", function () {
    this.timeout(120_000);
    const blocks = checkedBlocks("solidity");
    expect(blocks).to.not.be.empty;
    const contracts = solidityDeclarations(contractSources());

    for (const block of blocks) {
      expect(compileSolidity(block), where(block)).to.deep.equal([]);
      const declared = solidityDeclarations(block.content);
      expect(declared.size, `${where(block)} declares something`).to.be.greaterThan(0);
      for (const [name, body] of declared) {
        expect(contracts.get(name), `${where(block)}: ${name} as in contracts/`).to.equal(body);
      }
    }
  });

  it("tells, in its check of shell commands, an unknown script, task, option, network, file or variable", function () {
    const problems = (script: string) => shellCommands(script).flatMap(checkCommand);

    expect(
      problems("./dev demo\nnpm run relayer\nnpx hardhat intent sign --to 0x1 --wait"),
    ).to.deep.equal(["--wait: no such option of intent sign"]);
    expect(problems("./dev no-such-script")).to.deep.equal(['no npm script "no-such-script"']);
    expect(problems("npx hardhat intent sing")).to.deep.equal(['no Hardhat task "intent sing"']);
    expect(problems("npx hardhat wallet create --network nowhere")).to.deep.equal([
      "--network nowhere: no such network in hardhat.config.ts",
    ]);
    expect(problems("./dev deploy --network nowhere")).to.deep.equal([
      "--network nowhere: no such network in hardhat.config.ts",
    ]);
    expect(problems("npx hardhat run deploy/nowhere.ts")).to.deep.equal([
      "deploy/nowhere.ts: no such file",
    ]);
    expect(problems("RELAYER_PROT=8081 npm run relayer")).to.deep.equal([
      "unknown environment variable RELAYER_PROT",
    ]);
    expect(problems("make deploy")).to.deep.equal(["unknown command make"]);
  });

  it("names only npm scripts, tasks, options, networks, files and variables that exist in every shell block", function () {
    const blocks = checkedBlocks("sh", "bash", "console");
    expect(blocks).to.not.be.empty;
    const problems: string[] = [];
    for (const block of blocks) {
      const commands = blockCommands(block.content, block.language);
      if (commands.length === 0) problems.push(`${where(block)}: no command`);
      for (const command of commands) {
        for (const problem of checkCommand(command)) {
          problems.push(`${where(block)}: ${command.text}: ${problem}`);
        }
      }
    }
    expect(problems).to.deep.equal([]);
  });
});

/*//////////////////////////////////////////////////////////////
                             TYPESCRIPT
//////////////////////////////////////////////////////////////*/

/**
 * The TypeScript errors of `blocks`, each compiled as its own `.mts` module (ESM, top-level
 * await) in one program, with tsconfig.json's options and `@intentwallet/sdk` mapped to the
 * SDK's entry. The modules are virtual: nothing is written.
 */
function typecheck(blocks: FencedBlock[]): string[] {
  const configFile = ts.readConfigFile(`${REPOSITORY_ROOT}tsconfig.json`, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, REPOSITORY_ROOT);
  const compilerOptions: ts.CompilerOptions = {
    ...options,
    noEmit: true,
    types: ["node"],
    paths: { "@intentwallet/sdk": [`${REPOSITORY_ROOT}src/sdk/index.ts`] },
  };
  const files = new Map<string, FencedBlock>(
    blocks.map((block) => [
      `${REPOSITORY_ROOT}.doc-blocks/${block.page.replace(/\W/g, "_")}_${block.line}.mts`,
      block,
    ]),
  );
  const host = ts.createCompilerHost(compilerOptions);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (path) => files.has(path) || fileExists.call(host, path);
  host.readFile = (path) => files.get(path)?.content ?? readFile.call(host, path);
  host.getSourceFile = (path, languageVersion, ...rest) => {
    const block = files.get(path);
    if (block === undefined) return getSourceFile.call(host, path, languageVersion, ...rest);
    return ts.createSourceFile(path, block.content, languageVersion, true);
  };
  const program = ts.createProgram([...files.keys()], compilerOptions, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || files.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      if (diagnostic.file === undefined) return message;
      const block = files.get(diagnostic.file.fileName)!;
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${block.page}:${block.line + 1 + line}: ${message}`;
    });
}

/*//////////////////////////////////////////////////////////////
                              SOLIDITY
//////////////////////////////////////////////////////////////*/

interface Solc {
  compile(input: string): string;
}

let solc: Solc | undefined;

/** The errors of compiling a solidity block as a file of its own (solc 0.8.28, the project's). */
function compileSolidity(block: FencedBlock): string[] {
  solc ??= createRequire(import.meta.url)("solc") as Solc;
  const source = `// SPDX-License-Identifier: MIT\npragma solidity 0.8.28;\n${block.content}`;
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: "Solidity",
        sources: { "block.sol": { content: source } },
        settings: { outputSelection: { "*": { "": ["ast"] } } },
      }),
    ),
  ) as { errors?: Array<{ severity: string; formattedMessage: string }> };
  return (output.errors ?? [])
    .filter((error) => error.severity === "error")
    .map((error) => error.formattedMessage);
}

/** Every `.sol` file under contracts/, concatenated. */
function contractSources(): string {
  const files = ts.sys.readDirectory(`${REPOSITORY_ROOT}contracts`, [".sol"]);
  return files.map((file) => readFileSync(file, "utf8")).join("\n");
}

/** The structs and enums of Solidity `source`, by name: their bodies without comments, spaces normalized. */
function solidityDeclarations(source: string): Map<string, string> {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const declarations = new Map<string, string>();
  for (const [, kind, name, body] of code.matchAll(/\b(struct|enum)\s+(\w+)\s*\{([^}]*)\}/g)) {
    declarations.set(name, `${kind} ${name} { ${body.replace(/\s+/g, " ").trim()} }`);
  }
  return declarations;
}

/*//////////////////////////////////////////////////////////////
                               SHELL
//////////////////////////////////////////////////////////////*/

const SCRIPTS = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;

/** The environment variables the project reads; a command may set only these. */
const KNOWN_VARIABLES = new Set([
  ...Object.keys(relayerConfigSchema.shape),
  "RPC_URL", // hardhat.config.ts: the localhost network's URL
  "DEPLOYMENTS_DIR", // deploy/deploy.ts: where the deployment record goes
  "GAS_SNAPSHOT", // scripts/bench-gas.ts: check or write gas-snapshot.json
  "RELAYER_FLEET_KEYS", // scripts/fleet.ts: the keys of a fleet's members
  "PATH",
]);

/** Commands the docs may use that name nothing of the project. */
const PLAIN_COMMANDS = new Set(["cd", "curl", "echo", "export", "mkdir", "node", "rm"]);

/** What is wrong with `command`: names that do not exist. Empty when all is well. */
function checkCommand({ env, words }: ShellCommand): string[] {
  const problems = Object.keys(env)
    .filter((name) => !KNOWN_VARIABLES.has(name))
    .map((name) => `unknown environment variable ${name}`);
  const [program, ...args] = words;
  if (program === undefined) return problems;
  if (program === "export") {
    for (const assignment of args) {
      const name = assignment.split("=")[0];
      if (!KNOWN_VARIABLES.has(name)) problems.push(`unknown environment variable ${name}`);
    }
    return problems;
  }
  if (program === "./dev") {
    if (!existsSync(`${REPOSITORY_ROOT}dev`)) problems.push("no ./dev script");
    return [...problems, ...checkNpmScript(args[0], args.slice(1))];
  }
  if (program === "npm") {
    if (args[0] === "test") return [...problems, ...checkNpmScript("test", [])];
    if (args[0] === "ci" || args[0] === "install" || args[0] === "i") return problems;
    if (args[0] === "run") {
      const rest = args.slice(1).filter((arg) => arg !== "--silent");
      const separator = rest.indexOf("--");
      return [
        ...problems,
        ...checkNpmScript(rest[0], separator === -1 ? [] : rest.slice(separator + 1)),
      ];
    }
    return [...problems, `npm ${args[0]}: not a command the docs use`];
  }
  if (program === "npx") {
    if (args[0] !== "hardhat") return [...problems, `npx ${args[0]}: not the project's`];
    return [...problems, ...checkHardhat(args.slice(1))];
  }
  if (PLAIN_COMMANDS.has(program)) return problems;
  return [...problems, `unknown command ${program}`];
}

/** npm script `name` exists; run with `extra` arguments, a Hardhat one is checked as a task. */
function checkNpmScript(name: string | undefined, extra: string[]): string[] {
  if (name === undefined || SCRIPTS[name] === undefined) return [`no npm script "${name}"`];
  const [script] = shellCommands(SCRIPTS[name]);
  if (script.words[0] !== "hardhat") return [];
  return checkHardhat([...script.words.slice(1), ...extra]);
}

/** `npx hardhat <args>`: the task exists, with these options and positional arguments. */
function checkHardhat(args: string[]): string[] {
  const globalOptions = hre.globalOptions as unknown as Record<string, unknown>;
  const problems: string[] = [];
  let task: Task | undefined;
  let positionals = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith("--")) {
      const name = optionName(arg);
      const option = task?.options.get(name);
      if (option !== undefined) {
        if (option.type !== ArgumentType.FLAG) i++;
        continue;
      }
      if (!(name in globalOptions)) {
        problems.push(`${arg}: no such option of ${task?.id.join(" ") ?? "hardhat"}`);
        continue;
      }
      if (typeof globalOptions[name] === "boolean") continue;
      const value = args[++i];
      if (name === "network" && !(value in hre.config.networks)) {
        problems.push(`--network ${value}: no such network in hardhat.config.ts`);
      }
      continue;
    }
    const subtask = (task === undefined ? hre.tasks.rootTasks : task.subtasks).get(arg);
    if (subtask !== undefined && positionals === 0) {
      task = subtask;
      continue;
    }
    if (task === undefined) return [...problems, `no Hardhat task "${arg}"`];
    if (task.subtasks.size > 0 && task.positionalArguments.length === 0) {
      return [...problems, `no Hardhat task "${[...task.id, arg].join(" ")}"`];
    }
    const positional = task.positionalArguments[positionals++];
    if (positional === undefined) {
      problems.push(`${arg}: ${task.id.join(" ")} takes no more arguments`);
    } else if (positional.name === "script" && !existsSync(`${REPOSITORY_ROOT}${arg}`)) {
      problems.push(`${arg}: no such file`);
    }
  }
  if (task === undefined) problems.push("no Hardhat task named");
  return problems;
}
