import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

import ts from "typescript";

/**
 * How long a function's body is: the lines from its opening `{` to its closing `}`, both
 * included (for an arrow whose body is an expression, the expression's lines).
 *
 * @example
 * const size: FunctionSize = { file: "src/relayer/x.ts", line: 12, name: "startOn", bodyLines: 41 };
 */
export interface FunctionSize {
  /** The file's path, as it was given to the measurer. */
  file: string;
  /** The 1-based line the function starts on. */
  line: number;
  /** The function's name, or the name it is assigned to, or where it sits when it has none. */
  name: string;
  bodyLines: number;
}

/**
 * A file's length and the length of every function-like body in it.
 *
 * @example
 * const { lines, functions } = measureSource("a.ts", "function f() {\n  return 1;\n}\n");
 * // lines: 3, functions: [{ file: "a.ts", line: 1, name: "f", bodyLines: 3 }]
 */
export interface SourceSize {
  file: string;
  /** Lines of text: a final newline ends the last line, it does not start another. */
  lines: number;
  functions: FunctionSize[];
}

/** The 1-based line `position` is on. */
function lineOf(sourceFile: ts.SourceFile, position: number): number {
  return sourceFile.getLineAndCharacterOfPosition(position).line + 1;
}

/** The lines of `text`, without counting the empty "line" after a final newline. */
function countLines(text: string): number {
  if (text.length === 0) return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}

/** The text of a property or declaration name, or undefined when it is computed. */
function nameText(name: ts.Node | undefined, sourceFile: ts.SourceFile): string | undefined {
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return name.getText(sourceFile);
}

/**
 * The name a reader would look for: the function's own, else the variable, property or
 * parameter it is assigned to, else the call it is passed to.
 */
function functionName(node: ts.FunctionLikeDeclaration, sourceFile: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const own = nameText(node.name, sourceFile);
  const prefix = ts.isGetAccessor(node) ? "get " : ts.isSetAccessor(node) ? "set " : "";
  if (own !== undefined) return prefix + own;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return nameText(parent.name, sourceFile) ?? "(anonymous)";
  }
  if (ts.isPropertyDeclaration(parent)) return nameText(parent.name, sourceFile) ?? "(anonymous)";
  if (ts.isCallExpression(parent)) {
    return `(callback of ${parent.expression.getText(sourceFile).slice(0, 40)})`;
  }
  return "(anonymous)";
}

/** The lines `node` spans, its first and last included. */
function linesSpanned(node: ts.Node, sourceFile: ts.SourceFile): number {
  return lineOf(sourceFile, node.getEnd()) - lineOf(sourceFile, node.getStart(sourceFile)) + 1;
}

/** Whether `node` is a function, method, arrow, accessor or constructor with a body. */
function isFunctionWithBody(
  node: ts.Node,
): node is ts.FunctionLikeDeclaration & { body: ts.ConciseBody } {
  return (
    (ts.isFunctionDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isGetAccessor(node) ||
      ts.isSetAccessor(node) ||
      ts.isConstructorDeclaration(node)) &&
    node.body !== undefined
  );
}

/**
 * Measures `text` as the TypeScript file `file`: its lines, and the body of every function,
 * method, arrow, accessor and constructor in it, nested ones included.
 *
 * @example
 * measureSource("a.ts", "const f = () => {\n  return 1;\n};\n").functions[0].bodyLines; // 3
 */
export function measureSource(file: string, text: string): SourceSize {
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const functions: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionWithBody(node)) {
      functions.push({
        file,
        line: lineOf(sourceFile, node.getStart(sourceFile)),
        name: functionName(node, sourceFile),
        bodyLines: linesSpanned(node.body, sourceFile),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return { file, lines: countLines(text), functions };
}

/** Every `.ts` file under `directory`, recursively, sorted. */
function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Measures every `.ts` file under `directory`, each named by its path relative to `root`.
 *
 * @example
 * const sizes = measureTree({ root: ROOT, directory: join(ROOT, "src", "relayer") });
 * sizes.find((size) => size.file === "src/relayer/main.ts")?.lines;
 */
export function measureTree({
  root,
  directory,
}: {
  root: string;
  directory: string;
}): SourceSize[] {
  return typeScriptFiles(directory).map((path) =>
    measureSource(relative(root, path).split("\\").join("/"), readFileSync(path, "utf8")),
  );
}

/**
 * The limits a tree is held to: lines per file and body lines per function.
 *
 * @example
 * const limits: SizeLimits = { fileLines: 300, bodyLines: 40 };
 */
export interface SizeLimits {
  fileLines: number;
  bodyLines: number;
}

/**
 * What is over `limits` in `sizes`, one line per offender, file by file:
 * `file: 464 lines (limit 300)` and `file:12 startOn: body of 126 lines (limit 40)`.
 *
 * @example
 * oversized(measureTree({ root, directory }), { fileLines: 300, bodyLines: 40 });
 * // ["src/relayer/startRelayer.ts:65 startOn: body of 126 lines (limit 40)"]
 */
export function oversized(sizes: SourceSize[], limits: SizeLimits): string[] {
  return sizes.flatMap(({ file, lines, functions }) => [
    ...(lines > limits.fileLines ? [`${file}: ${lines} lines (limit ${limits.fileLines})`] : []),
    ...functions
      .filter(({ bodyLines }) => bodyLines > limits.bodyLines)
      .map(
        ({ line, name, bodyLines }) =>
          `${file}:${line} ${name}: body of ${bodyLines} lines (limit ${limits.bodyLines})`,
      ),
  ]);
}
