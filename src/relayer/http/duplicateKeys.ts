import { formatPath } from "../../protocol/schema/problem.js";

/**
 * Finds a key given twice in one JSON object. `JSON.parse` keeps the last value of a key given
 * twice, silently, and so would every JSON parser installed here (`secure-json-parse`, which
 * Fastify uses, only guards `__proto__` and `constructor`): a body whose signer saw one value
 * and whose relayer reads another must be refused instead. This is a single pass over text
 * `JSON.parse` already accepted, with its own stack (a value may be nested deeper than the
 * call stack allows), that decodes only keys holding an escape.
 */

/**
 * A key given twice: the key, its path (as `intent.calls[0].to`) and where it starts.
 *
 * @example
 * const { key, path, position }: DuplicateKey = findDuplicateKey(text)!;
 */
export interface DuplicateKey {
  key: string;
  path: string;
  /** The UTF-16 index in the text of the second occurrence's opening quote. */
  position: number;
}

/** An object being read: its keys so far and the key whose value is being read. */
interface ObjectFrame {
  kind: "object";
  keys: Set<string>;
  key: string;
  expectingKey: boolean;
}

/** An array being read: the index of the value being read. */
interface ArrayFrame {
  kind: "array";
  index: number;
}

type Frame = ObjectFrame | ArrayFrame;

/**
 * The first key given twice in an object of `text` (valid JSON), if any.
 *
 * @example
 * findDuplicateKey('{"a":{"b":1,"b":2}}'); // { key: "b", path: "a.b", position: 12 }
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const end = endOfString(text, i);
      const top = stack.at(-1);
      if (top?.kind === "object" && top.expectingKey) {
        const key = keyOf(text.slice(i, end + 1));
        if (top.keys.has(key)) return { key, path: pathTo(stack, key), position: i };
        top.keys.add(key);
        top.key = key;
        top.expectingKey = false;
      }
      i = end;
    } else if (char === "{") {
      stack.push({ kind: "object", keys: new Set(), key: "", expectingKey: true });
    } else if (char === "[") {
      stack.push({ kind: "array", index: 0 });
    } else if (char === "}" || char === "]") {
      stack.pop();
    } else if (char === ",") {
      const top = stack.at(-1);
      if (top?.kind === "array") top.index++;
      else if (top?.kind === "object") top.expectingKey = true;
    }
  }
  return undefined;
}

/** The index of the closing quote of the string that opens at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
  return i;
}

/** A key's text as `JSON.parse` reads it: `"s\u0061lt"` is `salt`. */
function keyOf(quoted: string): string {
  return quoted.includes("\\") ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
}

/** The path of `key` in the innermost object of `stack`. */
function pathTo(stack: readonly Frame[], key: string): string {
  const segments = stack
    .slice(0, -1)
    .map((frame) => (frame.kind === "array" ? frame.index : frame.key));
  return formatPath([...segments, key]);
}
