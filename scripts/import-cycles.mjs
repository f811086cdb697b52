#!/usr/bin/env node
// Import cycles in a source tree, between files and between its top-level folders. A cycle makes
// two layers one (neither can be read, tested or moved without the other), so `npm run check`
// fails on any in packages/sdk/src. Type-only imports count: they couple the layers just the same.
// The TypeScript compiler's own import scanner reads each file, so `import type`, `export … from`
// and `import()` are all seen; madge and dpdm list file cycles but not folder ones.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** The source files under `dir`, tests and declaration files left out. */
export function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    // Tests are left out: nothing imports a test, and a test may drive the layer above the code it covers.
    const source = /\.(m|c)?tsx?$/.test(entry.name) && !/\.(d|test)\.(m|c)?tsx?$/.test(entry.name);
    return source ? [path] : [];
  });
}

/** The file a relative specifier names: `./x.js` is `./x.ts` on disk, `./dir` is `./dir/index.ts`. */
function resolveImport(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(m|c)?js$/, "");
  const candidates = [`${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, base, join(base, "index.ts")];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile());
}

function importsOf(file) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => resolveImport(file, specifier))
    .filter((path) => path !== undefined);
}

/** Tarjan's strongly connected components; each with more than one node (or a self-edge) is a cycle. */
function cyclesOf(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (node) => {
    index.set(node, index.size);
    low.set(node, index.get(node));
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** A file's layer: its top-level folder under `root`, or the file itself when it sits in `root`. */
function folderOf(path) {
  const [first, ...rest] = path.split("/");
  return rest.length === 0 ? first : `${first}/`;
}

/**
 * The import cycles under `root`: `files` between files, `folders` between top-level folders (a
 * file directly in `root` is a layer of its own). Each cycle lists its members, sorted, as paths
 * relative to `root` with `/` separators; folders end in `/`.
 */
export function importCycles(root) {
  const files = new Map();
  const folders = new Map();
  const name = (path) => relative(root, path).split(sep).join("/");
  for (const file of sourceFiles(root)) {
    const from = name(file);
    files.set(from, files.get(from) ?? new Set());
    folders.set(folderOf(from), folders.get(folderOf(from)) ?? new Set());
    for (const target of importsOf(file).map(name)) {
      if (target.startsWith("..")) continue;
      files.get(from).add(target);
      if (folderOf(target) !== folderOf(from)) folders.get(folderOf(from)).add(folderOf(target));
    }
  }
  return { files: cyclesOf(files), folders: cyclesOf(folders) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? "packages/sdk/src");
  const { files, folders } = importCycles(root);
  for (const cycle of files) console.error(`file cycle in ${shown(root)}: ${cycle.join(" ↔ ")}`);
  for (const cycle of folders) console.error(`folder cycle in ${shown(root)}: ${cycle.join(" ↔ ")}`);
  if (files.length + folders.length > 0) {
    console.error("Move the shared type or helper to the layer that produces it, so imports run one way.");
    process.exit(1);
  }
}

/** The tree as the user named it, relative to where they ran the check. */
function shown(path) {
  return relative(process.cwd(), path) || ".";
}
