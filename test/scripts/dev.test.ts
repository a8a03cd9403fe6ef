import { spawn } from "node:child_process";
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const at = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/**
 * Whether `./dev` would skip its install step, by its own test: an executable
 * node_modules/.bin/node and node_modules/.package-lock.json no older than package-lock.json.
 * Otherwise it would run `npm ci`, which a test must never trigger.
 */
function installIsFresh(): boolean {
  try {
    accessSync(at("node_modules/.bin/node"), constants.X_OK);
    const stamp = statSync(at("node_modules/.package-lock.json")).mtimeMs;
    return statSync(at("package-lock.json")).mtimeMs <= stamp;
  } catch {
    return false;
  }
}

/** Runs `bash ./dev ...args` in the repository; its exit code and what it printed. */
function runDev(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["./dev", ...args], { cwd: PROJECT_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The scripts of package.json a user may run (npm's install hook left out). */
function userScripts(): string[] {
  const { scripts } = JSON.parse(readFileSync(at("package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  return Object.keys(scripts).filter((name) => name !== "postinstall");
}

describe("./dev", function () {
  this.timeout(30_000);

  before(function () {
    if (!installIsFresh()) this.skip();
  });

  it("refuses a script package.json does not have: exit code 2, naming it and listing the scripts", async function () {
    const { code, stdout, stderr } = await runDev(["nosuchscript"]);

    expect(code, stderr).to.equal(2);
    expect(stdout).to.equal("");
    expect(stderr).to.include('./dev: no script "nosuchscript" in package.json');
    expect(stderr).to.include("usage: ./dev <script> [args...]");
    for (const name of userScripts()) expect(stderr).to.match(new RegExp(`^  ${name} `, "m"));
  });

  it("given no script, prints the usage and the scripts and exits 2", async function () {
    const { code, stderr } = await runDev([]);

    expect(code, stderr).to.equal(2);
    expect(stderr).to.include("usage: ./dev <script> [args...]");
    for (const name of userScripts()) expect(stderr).to.match(new RegExp(`^  ${name} `, "m"));
  });
});
