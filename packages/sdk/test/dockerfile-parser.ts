/**
 * Test-only: how BuildKit's Dockerfile parser (frontend/dockerfile/parser/parser.go) splits a
 * file into instructions, so tests can assert what a generated Dockerfile means rather than how
 * it looks. It follows the parser's line rules: lines end at `\n` only (a `\r` before it is
 * dropped); a leading `# name=value` line is a parser directive; a line starting with `#` after
 * Unicode white space is a comment, and inside a continuation it is skipped, as is an empty line;
 * `\` as the last non-blank character continues the instruction (`\\` does not); in RUN, COPY and
 * ADD outside JSON form, a word `<<NAME` opens a heredoc that takes the lines up to NAME. Words
 * are split at white space without minding quotes, so it finds a heredoc wherever BuildKit could.
 */

export interface ParsedInstruction {
  /** Upper case, e.g. `RUN`. */
  keyword: string;
  /** Leading `--name=value` words, e.g. `--mount=type=cache,target=/root/.npm`. */
  flags: string[];
  /** The rest of the instruction, continuation lines joined. */
  args: string;
  /** The arguments as a JSON array of strings, when they are one (exec form, JSON COPY). */
  json: string[] | undefined;
  /** Heredoc names the instruction opened; their bodies are not instructions. */
  heredocs: string[];
}

export interface ParsedDockerfile {
  directives: Record<string, string>;
  instructions: ParsedInstruction[];
}

const isComment = (line: string) => /^[\s\u0085]*#/u.test(line);
const isBlank = (line: string) => /^[\s\u0085]*$/u.test(line);
const CONTINUATION = /([^\\])\\[ \t]*$|^\\[ \t]*$/;
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC = /^(\d*)<<(-?)([^<]+)$/;

function jsonArgs(args: string): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((item) => typeof item === "string") ? value : undefined;
  } catch {
    return undefined;
  }
}

function instructionOf(line: string): ParsedInstruction {
  let rest = line.trim();
  const keyword = /^\S+/.exec(rest)?.[0] ?? "";
  rest = rest.slice(keyword.length).trimStart();
  const flags: string[] = [];
  for (let flag = /^--\S*/.exec(rest); flag !== null; flag = /^--\S*/.exec(rest)) {
    flags.push(flag[0]);
    rest = rest.slice(flag[0].length).trimStart();
  }
  const args = rest.trim();
  const json = jsonArgs(args);
  const heredocs =
    ["RUN", "COPY", "ADD"].includes(keyword.toUpperCase()) && json === undefined
      ? args.split(/\s+/).flatMap((word) => HEREDOC.exec(word)?.[3] ?? [])
      : [];
  return { keyword: keyword.toUpperCase(), flags, args, json, heredocs };
}

/** The directives and instructions BuildKit would read from a Dockerfile's text. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const directives: Record<string, string> = {};
  const instructions: ParsedInstruction[] = [];
  let lookingForDirectives = true;
  const trim = (line: string) => line.replace(/[\r\n]+$/, "");
  for (let i = 0; i < lines.length; i++) {
    const first = trim(lines[i] ?? "");
    const directive = lookingForDirectives ? DIRECTIVE.exec(first) : null;
    if (directive?.[1] && directive[2]) {
      directives[directive[1].toLowerCase()] = directive[2];
      continue;
    }
    lookingForDirectives = false;
    if (isComment(first) || isBlank(first)) continue;
    let line = first.trimStart();
    let continued = CONTINUATION.test(line);
    if (continued) line = line.replace(CONTINUATION, "$1");
    while (continued && i + 1 < lines.length) {
      const next = trim(lines[++i] ?? "");
      if (isComment(next) || isBlank(next)) continue;
      continued = CONTINUATION.test(next);
      line += continued ? next.replace(CONTINUATION, "$1") : next;
    }
    const instruction = instructionOf(line);
    for (const name of instruction.heredocs) {
      let body = true;
      while (body && i + 1 < lines.length) body = trim(lines[++i] ?? "").replace(/^\t+/, "") !== name;
    }
    instructions.push(instruction);
  }
  return { directives, instructions };
}
