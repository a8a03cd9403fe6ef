import type { z } from "zod";

/** The first thing wrong with a document: where (`intent.calls[0].to`, "" for the root) and why. */
export interface SchemaProblem {
  path: string;
  reason: string;
}

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;

/**
 * The problem to report of all those a schema found: the first one met when the document is read
 * top down, an object's unknown fields, then its missing ones, before anything inside its fields
 * (a misspelt field is the likelier mistake, and explains the missing one).
 *
 * @example
 * const result = schema.safeDecode(document);
 * if (!result.success) throw new InvalidSignedIntentError(firstProblem(result.error.issues));
 */
export function firstProblem(issues: readonly Issue[]): SchemaProblem {
  const first = issues.reduce((best, issue) => (comesBefore(issue, best) ? issue : best));
  return { path: formatPath(pathOf(first)), reason: first.message };
}

/** Unknown fields (rank 0) and missing ones (rank 1) are checks of an object; the rest (2) of a value. */
function rankOf(issue: Issue): number {
  if (issue.code === "unrecognized_keys") return 0;
  return issue.message === "missing field" ? 1 : 2;
}

/** The object an object-level check is about; the value itself for the rest. */
function ownerOf(issue: Issue): readonly Segment[] {
  return rankOf(issue) === 1 ? issue.path.slice(0, -1) : issue.path;
}

function comesBefore(issue: Issue, other: Issue): boolean {
  const rank = rankOf(issue);
  if (rank === 2 || !startsWith(other.path, ownerOf(issue))) return false;
  const sameObject = rankOf(other) < 2 && sameSegments(ownerOf(other), ownerOf(issue));
  return !sameObject || rank < rankOf(other);
}

/** Where to point: an unknown field is reported at its own path. */
function pathOf(issue: Issue): readonly Segment[] {
  return issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
}

function startsWith(path: readonly Segment[], prefix: readonly Segment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}

function sameSegments(a: readonly Segment[], b: readonly Segment[]): boolean {
  return a.length === b.length && startsWith(a, b);
}

/**
 * A path as people write it: `intent.calls[0].to`.
 *
 * @example
 * formatPath(["intent", "calls", 0, "to"]); // "intent.calls[0].to"
 */
export function formatPath(path: readonly Segment[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === "number") return `${text}[${segment}]`;
    return text === "" ? String(segment) : `${text}.${String(segment)}`;
  }, "");
}
