/**
 * The SDK's public surface is chosen and documented: every function, constant and class the two
 * entries export says what it does and shows a call, so an editor's hover is enough to use it.
 * Which names are public, and their signatures, is api/*.api.md's job (checked by `npm run check`).
 */
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");
const ENTRIES = ["packages/sdk/src/index.ts", "packages/sdk/src/discovery/index.ts"];
const VALUES = ts.SymbolFlags.Function | ts.SymbolFlags.Variable | ts.SymbolFlags.Class;

function program(): ts.Program {
  const configPath = join(REPO_ROOT, "tsconfig.json");
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath));
  return ts.createProgram(
    ENTRIES.map((entry) => join(REPO_ROOT, entry)),
    parsed.options,
  );
}

/** `entry: name` of each exported value whose declaration has no description or no @example. */
function undocumented(): string[] {
  const built = program();
  const checker = built.getTypeChecker();
  return ENTRIES.flatMap((entry) => {
    const file = built.getSourceFile(join(REPO_ROOT, entry));
    const module = file && checker.getSymbolAtLocation(file);
    if (module === undefined) throw new Error(`the compiler found no module at ${entry}`);
    return checker.getExportsOfModule(module).flatMap((exported) => {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if ((symbol.flags & VALUES) === 0) return [];
      const described = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== "";
      const example = symbol.getJsDocTags(checker).some((tag) => tag.name === "example");
      return described && example ? [] : [`${entry}: ${exported.name}`];
    });
  });
}

describe("the SDK's public API", () => {
  it("documents every exported function, constant and class with a description and an @example", () => {
    expect(undocumented()).toEqual([]);
  }, 60_000);
});
