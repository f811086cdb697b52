import { describe, expect, it } from "vitest";
import { splitCommand } from "./shell-words.js";

const words = (command: string) => {
  const result = splitCommand(command);
  return "words" in result ? result.words : result.problem.message;
};

describe("splitCommand", () => {
  it("splits on runs of whitespace", () => {
    expect(words("  node   dist/job.js\t--all ")).toEqual(["node", "dist/job.js", "--all"]);
  });

  it("keeps single-quoted text literally, backslashes included", () => {
    expect(words(`echo 'a "b" \\n $HOME'`)).toEqual(["echo", 'a "b" \\n $HOME']);
  });

  it('unescapes only \\" \\\\ \\$ and \\` inside double quotes', () => {
    expect(words(`echo "say \\"hi\\" \\$5 \\n"`)).toEqual(["echo", 'say "hi" $5 \\n']);
  });

  it("joins quoted and unquoted parts of one word, and keeps empty quoted words", () => {
    expect(words(`--name="a b"c '' x`)).toEqual(["--name=a bc", "", "x"]);
  });

  it("takes the next character literally after a backslash outside quotes", () => {
    expect(words("grep a\\ b \\&")).toEqual(["grep", "a b", "&"]);
  });

  it("rejects unquoted shell operators and expansions", () => {
    expect(words("a | b")).toBe(
      'command "a | b" has shell syntax "|" at character 3, but commands run without a shell',
    );
    expect(words("echo $HOME")).toBe(
      'command "echo $HOME" has shell syntax "$" at character 6, but commands run without a shell',
    );
    expect(words("a; b")).toBe(
      'command "a; b" has shell syntax ";" at character 2, but commands run without a shell',
    );
    expect(words("a > out")).toBe(
      'command "a > out" has shell syntax ">" at character 3, but commands run without a shell',
    );
  });

  it("rejects an unclosed quote", () => {
    expect(words(`echo "hi`)).toBe(`command "echo \\"hi" has an unclosed " quote at character 6`);
    expect(splitCommand("echo 'hi")).toEqual({
      problem: {
        message: `command "echo 'hi" has an unclosed ' quote at character 6`,
        remedy:
          'close the quote, or write the command as a list of words: ["program", "argument with spaces"]',
      },
    });
  });
});
