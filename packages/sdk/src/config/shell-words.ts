import type { Problem } from "./problem.js";

/** Characters a shell would treat as operators or expansions when unquoted. */
const SHELL_SYNTAX = new Set(["|", "&", ";", "<", ">", "(", ")", "$", "`"]);

export type SplitResult = { words: string[] } | { problem: Problem };

const SH_C_REMEDY =
  'quote it, or to run it through a shell write the command as a list: ["sh", "-c", "your && command"]';

/**
 * Splits a command string into exec-form words the way a POSIX shell splits words, and nothing
 * more: whitespace separates words; 'single quotes' keep everything literally; "double quotes"
 * keep everything except that \" \\ \$ and \` are unescaped; a backslash outside quotes keeps the
 * next character. There is no shell at run time, so no variables, globs, pipes or `&&`: an
 * unquoted operator or `$` is rejected rather than passed on as a surprising literal argument.
 *
 * `splitCommand("python -m app --name 'a b'")` → `["python", "-m", "app", "--name", "a b"]`
 */
export function splitCommand(command: string): SplitResult {
  const words: string[] = [];
  // `inWord` is separate from `word` so that '' and "" make an empty argument.
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  let quoteStart = 0;
  for (let i = 0; i < command.length; i++) {
    const char = command.charAt(i);
    const next = command.charAt(i + 1);
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && next !== "" && '"\\$`'.includes(next)) {
        word += next;
        i++;
      } else word += char;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (char === "'" || char === '"') {
      quote = char;
      quoteStart = i;
      inWord = true;
    } else if (char === "\\") {
      word += next;
      inWord = true;
      i++;
    } else if (SHELL_SYNTAX.has(char)) {
      return {
        problem: {
          message: `command ${JSON.stringify(command)} has shell syntax ${JSON.stringify(char)} at character ${i + 1}, but commands run without a shell`,
          remedy: SH_C_REMEDY,
        },
      };
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote !== undefined) {
    return {
      problem: {
        message: `command ${JSON.stringify(command)} has an unclosed ${quote} quote at character ${quoteStart + 1}`,
        remedy: `close the quote, or write the command as a list of words: ["program", "argument with spaces"]`,
      },
    };
  }
  if (inWord) words.push(word);
  if (words.length === 0) {
    return {
      problem: {
        message: "command is empty",
        remedy: 'give the program and its arguments, e.g. "node dist/job.js"',
      },
    };
  }
  return { words };
}
