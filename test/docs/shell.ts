/*
 * What the docs tests read of a shell code block: its commands, split into words as a POSIX
 * shell would, enough to check what they name. Not a test file itself, and not a shell: no
 * expansion, no globbing.
 */

/** One simple command of a shell block. */
export interface ShellCommand {
  /** The command as written, continuation lines joined. */
  text: string;
  /** The `NAME=value` assignments written before the command. */
  env: Record<string, string>;
  /** The command's words, quotes removed; a `$(…)` stays one word, as written. */
  words: string[];
}

/**
 * The simple commands of a shell script: lines joined at a trailing backslash, comments dropped,
 * split at newlines, `;`, `&&`, `||` and `|` outside quotes and `$(…)`.
 *
 * @example
 * shellCommands("FOO=1 ./dev relayer # serve\nnpm test");
 * // [{ text: "FOO=1 ./dev relayer", env: { FOO: "1" }, words: ["./dev", "relayer"] }, { … "npm test" … }]
 */
export function shellCommands(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  let word: string | undefined;
  let text = "";
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) {
      let assignments = 0;
      const env: Record<string, string> = {};
      for (const candidate of words) {
        const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(candidate);
        if (assignment === null) break;
        env[assignment[1]] = assignment[2];
        assignments++;
      }
      commands.push({ text: text.trim(), env, words: words.slice(assignments) });
    }
    words = [];
    text = "";
  };

  const source = script.replace(/\\\n/g, " ");
  for (let i = 0; i < source.length; i++) {
    const character = source[i];
    if (character === "#" && word === undefined) {
      while (i + 1 < source.length && source[i + 1] !== "\n") i++;
      continue;
    }
    if (character === "\n" || character === ";") {
      endCommand();
      continue;
    }
    if ((character === "&" || character === "|") && word === undefined) {
      if (source[i + 1] === character) i++;
      endCommand();
      continue;
    }
    text += character;
    if (/\s/.test(character)) {
      endWord();
      continue;
    }
    if (character === "'" || character === '"') {
      const close = source.indexOf(character, i + 1);
      if (close === -1) throw new Error(`unclosed ${character} in: ${script}`);
      word = (word ?? "") + source.slice(i + 1, close);
      text += source.slice(i + 1, close + 1);
      i = close;
      continue;
    }
    if (character === "$" && source[i + 1] === "(") {
      let depth = 0;
      let j = i + 1;
      for (; j < source.length; j++) {
        if (source[j] === "(") depth++;
        if (source[j] === ")" && --depth === 0) break;
      }
      word = (word ?? "") + source.slice(i, j + 1);
      text += source.slice(i + 1, j + 1);
      i = j;
      continue;
    }
    word = (word ?? "") + character;
  }
  endCommand();
  return commands;
}

/** `--relayer-url` as Hardhat names the option: `relayerUrl`. */
export function optionName(flag: string): string {
  return flag.replace(/^--/, "").replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * The commands of a shell code block of `language`: a `console` block's are its `$ ` lines (the
 * rest is output), an `sh` or `bash` block's are all of it.
 *
 * @example
 * blockCommands("$ npm test\n> ok\n", "console"); // [{ text: "npm test", … }]
 */
export function blockCommands(content: string, language: string): ShellCommand[] {
  if (language !== "console") return shellCommands(content);
  const commands = content
    .split("\n")
    .filter((line) => line.startsWith("$ "))
    .map((line) => line.slice(2))
    .join("\n");
  return shellCommands(commands);
}
