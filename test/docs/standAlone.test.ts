import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import { PAGES, read, withoutCodeBlocks } from "./markdown.js";

/*
 * README.md, packages/sdk/README.md and docs/*.md stand alone: the project's specification
 * lives in docs/, so the pages link only to files of the repository (and to headings that
 * exist), name no address but local ones and reserved examples, and refer to no issue, pull
 * request or other tracker outside it.
 */

const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The hosts a page may name: the reader's own machine, and the domains reserved for examples. */
const LOCAL_OR_EXAMPLE_HOST = /^(127\.0\.0\.1|localhost|(\w+\.)*example\.(com|org|net))(:\d+)?$/;

/** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a page's headings. */
function anchorsOf(markdown: string): Set<string> {
  const headings = withoutCodeBlocks(markdown).match(/^#{1,6} .*$/gm) ?? [];
  return new Set(headings.map((line) => anchorOf(line.replace(/^#+ /, ""))));
}

/** The text of a page without its code blocks and inline code. */
function prose(markdown: string): string {
  return withoutCodeBlocks(markdown).replace(/`[^`\n]*`/g, "");
}

describe("README.md and docs/*.md stand alone", function () {
  it("reads README.md and every page of docs/", function () {
    expect(PAGES).to.include.members([
      "README.md",
      "docs/intents.md",
      "docs/sessions.md",
      "docs/errors.md",
      "docs/relayer-api.md",
      "docs/local-node.md",
    ]);
  });

  for (const page of PAGES) {
    it(`${page}: links only to files and headings of the repository`, function () {
      const markdown = read(page);
      const broken: string[] = [];
      const targets = [
        ...[...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]),
        ...[...prose(markdown).matchAll(/<([a-z]+:[^>\s]+)>/gi)].map((match) => match[1]),
      ];
      for (const target of targets) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
          broken.push(`${target} (outside the repository)`);
          continue;
        }
        const [path, anchor] = target.split("#");
        const absolute = join(REPOSITORY_ROOT, path === "" ? page : join(dirname(page), path));
        if (!absolute.startsWith(REPOSITORY_ROOT) || !existsSync(absolute)) {
          broken.push(`${target} (no such file in the repository)`);
          continue;
        }
        if (anchor === undefined) continue;
        if (statSync(absolute).isDirectory() || !absolute.endsWith(".md")) {
          broken.push(`${target} (an anchor in a file that is no page)`);
        } else if (!anchorsOf(readFileSync(absolute, "utf8")).has(anchor)) {
          broken.push(`${target} (no such heading)`);
        }
      }
      expect(broken).to.deep.equal([]);
    });

    it(`${page}: names no host but the local machine and reserved examples`, function () {
      const hosts = [...read(page).matchAll(/\b[a-z][a-z0-9+.-]*:\/\/([^/\s"'`)<>]*)/gi)]
        // `user:password@` before a host is no host.
        .map((match) => match[1].replace(/^[^@]*@/, ""))
        .filter((host) => host !== "…" && !LOCAL_OR_EXAMPLE_HOST.test(host));
      expect(hosts).to.deep.equal([]);
    });

    it(`${page}: refers to no issue, pull request or tracker`, function () {
      const text = prose(read(page)).replace(/\]\([^)]*\)/g, "]"); // link targets have anchors
      const references = [
        // "#12", but "account #0" and "accounts #3 and #4" are Hardhat's numbered accounts.
        ...[...text.matchAll(/(\S*\s+)?#\d+\b/g)]
          .map((match) => match[0])
          .filter((found) => !/^(accounts?|Account|and|or)\s/.test(found.trim())),
        ...(text.match(/\b(issue|pull request|PR|ticket)s?\s*#?\d+/gi) ?? []),
        ...(read(page).match(/github\.com|gitlab\.com|jira/gi) ?? []),
      ];
      expect(references).to.deep.equal([]);
    });
  }
});
