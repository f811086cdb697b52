#!/usr/bin/env node
// Functions longer than a limit in a source tree. A function that does not fit on a screen does
// more than one thing, and the next field or resource kind lands in its middle; `npm run check`
// fails on any over 80 lines in packages/sdk/src. Measured with the TypeScript parser, from a
// function's first line (its signature) to its last, nested functions counted in their parent too.
import { readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { sourceFiles } from "./import-cycles.mjs";

/** The house limit: lines from signature to closing brace. */
export const MAX_FUNCTION_LINES = 80;

/** What a function is called where it is declared: its own name, or the variable or property it is assigned to. */
function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name) {
    return parent.name.getText();
  }
  return "(anonymous)";
}

/**
 * Every function under `root` longer than `max` lines, longest first, as
 * `{ file, name, line, lines }` with `file` relative to `root` and `/` separators.
 */
export function longFunctions(root, max = MAX_FUNCTION_LINES) {
  const found = [];
  for (const path of sourceFiles(root)) {
    const file = relative(root, path).split(sep).join("/");
    const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = end - start + 1;
        if (lines > max) found.push({ file, name: nameOf(node), line: start + 1, lines });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found.sort((a, b) => b.lines - a.lines || (a.file < b.file ? -1 : 1));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? "packages/sdk/src");
  const long = longFunctions(root);
  for (const { file, name, line, lines } of long) {
    console.error(`${relative(process.cwd(), join(root, file))}:${line} ${name} is ${lines} lines`);
  }
  if (long.length > 0) {
    console.error(`Split each into functions of at most ${MAX_FUNCTION_LINES} lines that each do one thing.`);
    process.exit(1);
  }
}
