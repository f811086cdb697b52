/**
 * Every TypeScript example in the READMEs compiles against the SDK as it is, with the project's
 * strict compiler options: an example that names an unexported function, or a changed signature,
 * fails here instead of in a user's editor.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");
const READMES = ["README.md", "packages/sdk/README.md", "packages/discovery/README.md"];

interface Snippet {
  readme: string;
  line: number;
  code: string;
}

function snippets(readme: string): Snippet[] {
  const text = readFileSync(join(REPO_ROOT, readme), "utf8");
  const found: Snippet[] = [];
  for (const match of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const line = text.slice(0, match.index).split("\n").length + 1;
    found.push({ readme, line, code: match[1] ?? "" });
  }
  return found;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(REPO_ROOT, "tsconfig.json");
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath));
  return { ...parsed.options, noEmit: true, noUnusedLocals: false };
}

/** Where a snippet is compiled: inside packages/sdk, where its imports resolve as a user's would. */
const fileOf = (snippet: Snippet) => join(REPO_ROOT, "packages/sdk", `readme-snippet-${snippet.line}.ts`);

/** Type errors by snippet file, all snippets in one program: each is a module of its own. */
function typeErrors(all: readonly Snippet[]): Map<string, string[]> {
  const virtual = new Map(all.map((snippet) => [fileOf(snippet), `${snippet.code}\nexport {};\n`]));
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  host.getSourceFile = (name, language, ...rest) => {
    const text = virtual.get(name);
    return text === undefined
      ? getSourceFile(name, language, ...rest)
      : ts.createSourceFile(name, text, language);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  return new Map(
    [...virtual.keys()].map((name) => [
      name,
      ts
        .getPreEmitDiagnostics(program, program.getSourceFile(name))
        .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")),
    ]),
  );
}

const all = READMES.flatMap(snippets);
let errors: Map<string, string[]> | undefined;

describe("README TypeScript examples", () => {
  it("finds the examples it checks", () => {
    expect(all.length).toBeGreaterThanOrEqual(4);
  });

  it.each(all.map((snippet) => [`${snippet.readme}:${snippet.line}`, snippet] as const))(
    "%s compiles against the SDK",
    (_, snippet) => {
      errors ??= typeErrors(all);
      expect(errors.get(fileOf(snippet))).toEqual([]);
    },
    60_000,
  );
});
