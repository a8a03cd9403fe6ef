import { expect } from "chai";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { measureSource, measureTree, oversized, type SourceSize } from "../helpers/codeSize.js";

/*
 * Keeps the relayer readable in one sitting: no file of src/relayer over 300 lines, no
 * function, method, arrow, accessor or constructor with a body over 40 lines (from its `{` to
 * its `}`, both included), as the TypeScript compiler parses them.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const RELAYER = join(ROOT, "src", "relayer");
const LIMITS = { fileLines: 300, bodyLines: 40 };

/** A source of `bodyLines` lines from `{` to `}`: a named function of one-line statements. */
function functionOfBodyLines(name: string, bodyLines: number): string {
  const statements = Array.from({ length: bodyLines - 2 }, (_, i) => `  const v${i} = ${i};`);
  return [`function ${name}() {`, ...statements, "}", ""].join("\n");
}

/** Each function's `name: bodyLines`, in source order. */
function bodies({ functions }: SourceSize): string[] {
  return functions.map(({ name, bodyLines }) => `${name}: ${bodyLines}`);
}

describe("relayer sizes (src/relayer)", function () {
  const sizes = measureTree({ root: ROOT, directory: RELAYER });

  it("keeps every file within 300 lines and every function body within 40 lines", function () {
    const offenders = oversized(sizes, LIMITS);

    expect(offenders, `split these by job:\n${offenders.join("\n")}\n`).to.deep.equal([]);
  });

  it("measures every .ts file under src/relayer, subfolders included", function () {
    expect(sizes.map(({ file }) => file)).to.include.members([
      "src/relayer/startRelayer.ts",
      "src/relayer/http/errorAnswers.ts",
      "src/relayer/store/sqlite/migrations.ts",
    ]);
  });
});

describe("the size measurer (test/helpers/codeSize.ts)", function () {
  it("reports a 41-line function body, with its file, line, name and length", function () {
    const source = `// a comment\n${functionOfBodyLines("tooLong", 41)}`;

    expect(oversized([measureSource("crafted.ts", source)], LIMITS)).to.deep.equal([
      "crafted.ts:2 tooLong: body of 41 lines (limit 40)",
    ]);
  });

  it("passes a 40-line function body", function () {
    const size = measureSource("crafted.ts", functionOfBodyLines("justRight", 40));

    expect(bodies(size)).to.deep.equal(["justRight: 40"]);
    expect(oversized([size], LIMITS)).to.deep.equal([]);
  });

  it("reports a file of 301 lines and passes one of 300", function () {
    const lines = (count: number) => "const x = 1;\n".repeat(count);

    expect(oversized([measureSource("long.ts", lines(301))], LIMITS)).to.deep.equal([
      "long.ts: 301 lines (limit 300)",
    ]);
    expect(oversized([measureSource("fits.ts", lines(300))], LIMITS)).to.deep.equal([]);
  });

  it("measures methods, accessors, constructors, arrows and nested functions, by name", function () {
    const source = [
      "class Counter {",
      "  constructor() {",
      "    this.n = 0;",
      "  }",
      "  get value() {",
      "    return this.n;",
      "  }",
      "  bump() {",
      "    const step = () => {",
      "      return 1;",
      "    };",
      "    this.n += step();",
      "  }",
      "}",
      "const double = (x: number) =>",
      "  x *",
      "  2;",
      "[1].map(function (y) { return y; });",
      "",
    ].join("\n");

    expect(bodies(measureSource("kinds.ts", source))).to.deep.equal([
      "constructor: 3",
      "get value: 3",
      "bump: 6",
      "step: 3",
      "double: 2",
      "(callback of [1].map): 1",
    ]);
  });
});
