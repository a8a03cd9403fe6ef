/**
 * Builds and packs the SDK as the npm package `@intentwallet/sdk` (packages/sdk/).
 *
 *   npm run sdk:build                 hardhat build, then compile into packages/sdk/dist and check it
 *   npm run sdk:pack                  sdk:build, then `npm pack` into dist/ (the repository's)
 *   npm run sdk:pack -- <directory>   ... into <directory>
 *
 * Building: the package's version is set to the root package.json's; packages/sdk/dist is
 * emptied; `tsc -p packages/sdk/tsconfig.json` compiles the two entries (src/sdk/index.ts and
 * src/sdk/browser.ts) and everything they import, TypeChain bindings included (they must exist:
 * `npx hardhat build` makes them); then the module graph of each entry, as compiled, is checked
 * (`findModuleGraphProblems`): relative imports of existing .js files only, bare imports of the
 * package's dependencies and peer dependencies only, and, from the browser entry, no Node
 * built-in at all. Packing copies the root LICENSE into the package when there is one.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import ts from "typescript";

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The package's folder: its package.json, README.md, tsconfig.json and (built) dist/. */
export const SDK_PACKAGE_DIRECTORY = join(ROOT, "packages", "sdk");

/** Where `npm run sdk:pack` puts the tarball when not given a directory. */
export const DEFAULT_PACK_DIRECTORY = join(ROOT, "dist");

const TSC = createRequire(import.meta.url).resolve("typescript/bin/tsc");

/** The fields of a package.json this script reads. */
export interface PackageJson {
  name: string;
  version: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports: Record<string, string | Record<string, string | Record<string, string>>>;
  [field: string]: unknown;
}

/** What `packSdkPackage` made. */
export interface PackedSdk {
  /** The tarball's absolute path. */
  tarball: string;
  /** Its size in bytes, compressed. */
  size: number;
  /** The total size of the files in it, in bytes. */
  unpackedSize: number;
  /** The paths of the files in it, relative to the package's root. */
  files: string[];
}

/** What `findModuleGraphProblems` found. */
export interface ModuleGraph {
  /** Every file of the graph (the entry included), absolute. */
  files: string[];
  /** Every bare specifier imported from the graph (`ethers`, `node:fs`...). */
  bareImports: string[];
  /** One sentence per import that breaks a rule; empty when the graph is clean. */
  problems: string[];
}

/** Reads a package.json. */
export function readPackageJson(directory: string): PackageJson {
  return JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as PackageJson;
}

/** Whether `specifier` names a Node built-in module (`node:fs`, `fs`, `fs/promises`...). */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0]);
}

/** The package a bare specifier imports from: `ethers` for `ethers/abi`, `@a/b` for `@a/b/c`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * Walks the module graph of the compiled ES module `entry` (static imports, re-exports, dynamic
 * `import()` of a literal and `require` calls) within its own package, and reports every import
 * that would fail or misbehave once installed: a relative import of a missing file or of anything
 * but `.js` (a `.ts` path, JSON, a folder), a bare import of a package outside `allowedPackages`
 * (a devDependency such as hardhat or chai), and, with `forbidNodeBuiltins`, any Node built-in.
 *
 * @example
 * const { problems } = findModuleGraphProblems(join(dist, "src/sdk/browser.js"), {
 *   allowedPackages: ["ethers", "zod"],
 *   forbidNodeBuiltins: true,
 * });
 */
export function findModuleGraphProblems(
  entry: string,
  {
    allowedPackages,
    forbidNodeBuiltins,
  }: { allowedPackages: readonly string[]; forbidNodeBuiltins: boolean },
): ModuleGraph {
  const files: string[] = [];
  const bareImports = new Set<string>();
  const problems: string[] = [];
  const queue = [resolve(entry)];
  const seen = new Set(queue);
  const base = dirname(resolve(entry));
  while (queue.length > 0) {
    const file = queue.shift()!;
    files.push(file);
    const where = relative(base, file) || file;
    if (!existsSync(file)) {
      problems.push(`${where} does not exist`);
      continue;
    }
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (specifier.startsWith(".") || specifier.startsWith("/")) {
        const target = resolve(dirname(file), specifier);
        if (!specifier.endsWith(".js")) {
          problems.push(`${where} imports "${specifier}", not a .js file`);
        } else if (!existsSync(target)) {
          problems.push(`${where} imports "${specifier}", which is missing`);
        } else if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      } else if (isNodeBuiltin(specifier)) {
        bareImports.add(specifier);
        if (forbidNodeBuiltins) problems.push(`${where} imports the Node built-in "${specifier}"`);
      } else {
        bareImports.add(specifier);
        if (!allowedPackages.includes(packageOf(specifier))) {
          problems.push(
            `${where} imports "${specifier}", which is not a dependency or peer dependency`,
          );
        }
      }
    }
  }
  return { files, bareImports: [...bareImports].sort(), problems };
}

/**
 * The compiled file a condition of an `exports` entry points at: `condition` if the entry has
 * it, else its `default`.
 */
export function exportTarget(
  manifest: PackageJson,
  subpath: string,
  condition: "types" | "default" | "browser" = "default",
): string {
  let target: unknown = manifest.exports[subpath];
  if (target === undefined) throw new Error(`${manifest.name} exports no "${subpath}"`);
  if (typeof target === "object" && target !== null && condition === "browser") {
    target = (target as Record<string, unknown>).browser ?? target;
  }
  if (typeof target === "object" && target !== null) {
    const conditions = target as Record<string, unknown>;
    target = condition === "types" ? conditions.types : conditions.default;
  }
  if (typeof target !== "string") {
    throw new Error(`${manifest.name}'s "${subpath}" has no "${condition}" file`);
  }
  return target;
}

/**
 * The module-graph problems of the package in `directory` (built, or installed): its Node entry
 * may import its dependencies, peer dependencies and Node built-ins; its browser entry (the
 * `./browser` export and the `browser` condition of `.`) only its dependencies and peers.
 */
export function findPackageProblems(directory: string): string[] {
  const manifest = readPackageJson(directory);
  const allowedPackages = [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ];
  const check = (subpath: string, condition: "default" | "browser", forbidNodeBuiltins: boolean) =>
    findModuleGraphProblems(join(directory, exportTarget(manifest, subpath, condition)), {
      allowedPackages,
      forbidNodeBuiltins,
    }).problems.map((problem) => `${subpath} (${condition}): ${problem}`);
  return [
    ...check(".", "default", false),
    ...check(".", "browser", true),
    ...check("./browser", "default", true),
  ];
}

/** Runs a command to its end; throws with its output if it fails. Returns its stdout. */
export function run(
  command: string,
  args: readonly string[],
  { cwd = ROOT, env = process.env }: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (code === 0) resolvePromise(stdout);
      else {
        const status = signal === null ? `exit code ${code}` : `signal ${signal}`;
        reject(new Error(`${command} ${args.join(" ")} failed (${status}):\n${stdout}${stderr}`));
      }
    });
  });
}

/**
 * The environment in which `npm` runs under the Node running this script (its folder first on
 * PATH, since npm starts with `#!/usr/bin/env node`), not whichever Node the system has first,
 * and without the `npm_*` variables of an enclosing `npm run` (its `npm_config_local_prefix`,
 * `npm_config_call`... would make the inner npm act on the repository).
 */
export function npmEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.toLowerCase().startsWith("npm_")),
  );
  return { ...clean, PATH: [dirname(process.execPath), env.PATH ?? ""].join(delimiter) };
}

/**
 * Compiles the SDK into packages/sdk/dist (emptied first) and checks the output's module graphs;
 * sets the package's version to the repository's first. Needs the TypeChain bindings
 * (`npx hardhat build`).
 */
export async function buildSdkPackage({
  log = () => {},
}: { log?: (line: string) => void } = {}): Promise<void> {
  if (!existsSync(join(ROOT, "typechain-types", "common.ts"))) {
    throw new Error("no TypeChain bindings in typechain-types/: run `npx hardhat build` first");
  }
  const { version } = readPackageJson(ROOT);
  const manifestPath = join(SDK_PACKAGE_DIRECTORY, "package.json");
  const manifest = readPackageJson(SDK_PACKAGE_DIRECTORY);
  if (manifest.version !== version) {
    writeFileSync(manifestPath, `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
    log(`packages/sdk/package.json: version ${manifest.version} -> ${version} (the root's)`);
  }
  rmSync(join(SDK_PACKAGE_DIRECTORY, "dist"), { recursive: true, force: true });
  await run(process.execPath, [TSC, "-p", join(SDK_PACKAGE_DIRECTORY, "tsconfig.json")]);
  const problems = findPackageProblems(SDK_PACKAGE_DIRECTORY);
  if (problems.length > 0) {
    throw new Error(`the compiled SDK would not work once installed:\n  ${problems.join("\n  ")}`);
  }
  log(`built ${relative(ROOT, join(SDK_PACKAGE_DIRECTORY, "dist"))}`);
}

/**
 * Builds the SDK (`buildSdkPackage`), then packs it with `npm pack` into `destination`
 * (created if missing), with the repository's LICENSE when it has one.
 */
export async function packSdkPackage({
  destination = DEFAULT_PACK_DIRECTORY,
  log = () => {},
}: { destination?: string; log?: (line: string) => void } = {}): Promise<PackedSdk> {
  await buildSdkPackage({ log });
  const license = join(SDK_PACKAGE_DIRECTORY, "LICENSE");
  if (existsSync(join(ROOT, "LICENSE"))) copyFileSync(join(ROOT, "LICENSE"), license);
  else rmSync(license, { force: true });
  mkdirSync(destination, { recursive: true });
  const output = await run(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", resolve(destination)],
    { cwd: SDK_PACKAGE_DIRECTORY, env: npmEnvironment() },
  );
  const [packed] = JSON.parse(output) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  const tarball = join(resolve(destination), packed.filename);
  log(`packed ${tarball}: ${packed.files.length} files, ${packed.size} bytes`);
  return {
    tarball,
    size: packed.size,
    unpackedSize: packed.unpackedSize,
    files: packed.files.map(({ path }) => path).sort(),
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, destination] = process.argv.slice(2);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    if (command === "build") await buildSdkPackage({ log });
    else if (command === "pack") {
      const { tarball } = await packSdkPackage({ destination, log });
      process.stdout.write(`${tarball}\n`);
    } else throw new Error("usage: sdk-package.ts build | pack [directory]");
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
