import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";

/*
 * What the tests of test/docs/ read of the docs: the pages, their sections, tables and code
 * blocks. Not a test file itself.
 */

export const REPOSITORY = new URL("../../", import.meta.url);
export const DOCS_DIRECTORY = new URL("docs/", REPOSITORY);

/** Hardhat's account #0, the owner of the docs' worked examples. */
export const HARDHAT_ACCOUNT_0_KEY =
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/** A file of the repository, by its path from the repository's root. */
export function read(path: string): string {
  return readFileSync(new URL(path, REPOSITORY), "utf8");
}

export const DOCS = {
  intents: read("docs/intents.md"),
  sessions: read("docs/sessions.md"),
  errors: read("docs/errors.md"),
};

/** The text without its fenced code blocks (a `#` in a code block is no heading). */
export function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

/** The `## ` sections of a page: heading text and body. */
export function sections(markdown: string): Array<{ heading: string; body: string }> {
  return markdown
    .split(/^## /m)
    .slice(1)
    .map((chunk) => {
      const newline = chunk.indexOf("\n");
      return { heading: chunk.slice(0, newline).trim(), body: chunk.slice(newline + 1) };
    });
}

/** The section whose heading names `name` in backticks, e.g. "## 2. `IntentWallet`". */
export function sectionNaming(markdown: string, name: string): string {
  const found = sections(markdown).filter(({ heading }) => heading.includes(`\`${name}\``));
  expect(found, `one section heading names \`${name}\``).to.have.length(1);
  return found[0].body;
}

/** The section whose heading is `heading` once its number ("14. ") is left out. */
export function sectionTitled(markdown: string, heading: string): string {
  const found = sections(markdown).filter(
    (section) => section.heading.replace(/^\d+\. /, "") === heading,
  );
  expect(found, `one section titled "${heading}"`).to.have.length(1);
  return found[0].body;
}

/** The cells of every table row (separator rows left out), outside code blocks. */
export function tableRows(markdown: string): string[][] {
  return withoutCodeBlocks(markdown)
    .split("\n")
    .filter((line) => line.trimStart().startsWith("|") && !/^\s*\|\s*:?-{3,}/.test(line))
    .map((line) =>
      line
        .trim()
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

/** A cell's text without its inline-code backticks. */
export function plain(cell: string): string {
  return cell.replace(/`/g, "");
}

/** The contents of the fenced code blocks of a page in `language` (```json, ```text). */
export function codeBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, "gm"))].map(
    (match) => match[1],
  );
}

/** The contents of the fenced ```json blocks of a page, parsed. */
export function jsonBlocks(markdown: string): unknown[] {
  return codeBlocks(markdown, "json").map((block) => JSON.parse(block));
}

/** A fenced code block of a page. */
export interface FencedBlock {
  /** The page, by its path from the repository's root (`docs/intents.md`). */
  page: string;
  /** The line of the opening fence, counted from 1. */
  line: number;
  /** The info string's first word (`ts`, `sh`, `json`); `""` when the fence has none. */
  language: string;
  /** What follows the language in the info string (`no-check: why`); `""` when nothing does. */
  attributes: string;
  /** The block's text, ending with a newline. */
  content: string;
}

/**
 * Every fenced code block of `markdown` (a page at `page`), in order, with its info string. A
 * fence is three backticks at the start of a line; the block ends at the next such fence.
 *
 * @example
 * const blocks = fencedBlocks(read("README.md"), "README.md");
 */
export function fencedBlocks(markdown: string, page: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const opening = /^```(.*)$/.exec(lines[i]);
    if (opening === null) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith("```"));
    if (end === -1) throw new Error(`${page}:${i + 1}: a code block is never closed`);
    const [language = "", ...rest] = opening[1].trim().split(/\s+/);
    blocks.push({
      page,
      line: i + 1,
      language,
      attributes: rest.join(" "),
      content: lines.slice(i + 1, end).join("\n") + "\n",
    });
    i = end;
  }
  return blocks;
}

/**
 * The pages the docs tests read, by path from the root: README.md, the SDK package's README
 * (what npm shows), then every docs/*.md.
 */
export const PAGES: string[] = [
  "README.md",
  "packages/sdk/README.md",
  ...readdirSync(DOCS_DIRECTORY)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`),
];

/** The page whose shell blocks localNode.test.ts runs, in order; the other pages' are only checked. */
export const WALKTHROUGH_PAGE = "docs/local-node.md";
