import { readFile, stat } from "node:fs/promises";
import { basename, isAbsolute, relative, resolve } from "node:path";
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { FlexjobError } from "../errors.js";
import { type Locate, parseConfig } from "./parse.js";
import type { FlexjobConfig } from "./schema.js";

/** The names flexjob looks for, in this order, when no config file is given. */
export const CONFIG_FILE_NAMES = ["flexjob.yml", "flexjob.yaml", "flexjob.json"] as const;

export interface ConfigFile {
  /** The file's content as data, not yet validated: loading is not validating. */
  raw: unknown;
  /** Where a field path is written in the file (1-based line and column). */
  locate: Locate;
}

/**
 * Reads a YAML or JSON config file into plain data and a locator for its fields. YAML syntax
 * errors throw `CONFIG_PARSE` with the file and line; a missing file throws `CONFIG_NOT_FOUND`.
 * JSON is read by the same YAML 1.2 parser (JSON is YAML), so both get line numbers.
 */
export async function readConfigFile(path: string, displayName: string = path): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isNodeError(error) && (error.code === "ENOENT" || error.code === "ENOTDIR")) {
      throw new FlexjobError(`config file ${displayName} does not exist`, {
        code: "CONFIG_NOT_FOUND",
        remedy: 'check the path, or run "flexjob init" to create flexjob.yml',
        cause: error,
      });
    }
    throw error;
  }
  return parseConfigText(text, displayName);
}

/** The pure part of {@link readConfigFile}: text to data and locator. */
export function parseConfigText(text: string, file: string): ConfigFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const [error] = document.errors;
  if (error) {
    const position = error.linePos?.[0];
    const where = position ? `${file}:${position.line}:${position.col}` : file;
    // yaml's message ends with " at line L, column C:" and a code excerpt; the location is above.
    const reason = (error.message.split("\n")[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, "");
    throw new FlexjobError(`${where}: ${reason}`, {
      code: "CONFIG_PARSE",
      remedy: `fix the ${file.endsWith(".json") ? "JSON" : "YAML"} syntax at line ${position?.line ?? 1}`,
      cause: error,
    });
  }
  const raw: unknown = document.toJS({ maxAliasCount: 100 });
  const locate: Locate = (path) => {
    let node: unknown = document.contents;
    let offset = document.contents?.range?.[0] ?? 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        offset = (pair.key as Node | null)?.range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else {
        break;
      }
    }
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return { raw, locate };
}

export interface LoadConfigOptions {
  /** Where to look for flexjob.yml and what a relative path is relative to. Default: process.cwd(). */
  cwd?: string;
}

/**
 * Finds, reads and validates the config: `path` when given, else the one of flexjob.yml,
 * flexjob.yaml, flexjob.json in `cwd` (two of them at once is an error, not a silent choice).
 * Returns the config and the absolute path of its file.
 */
export async function loadConfig(
  path?: string,
  options: LoadConfigOptions = {},
): Promise<{ config: FlexjobConfig; file: string }> {
  const cwd = options.cwd ?? process.cwd();
  const file = path === undefined ? await findConfigFile(cwd) : resolve(cwd, path);
  const shown = displayPath(file, cwd);
  const { raw, locate } = await readConfigFile(file, shown);
  return { config: parseConfig(raw, { file: shown, locate }), file };
}

async function findConfigFile(cwd: string): Promise<string> {
  const found: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = resolve(cwd, name);
    if (await isFile(candidate)) found.push(candidate);
  }
  const [first, second] = found;
  if (first === undefined) {
    throw new FlexjobError(`no ${CONFIG_FILE_NAMES.join(", ")} in ${cwd}`, {
      code: "CONFIG_NOT_FOUND",
      remedy: 'run "flexjob init" to create flexjob.yml, or pass the path of your config',
    });
  }
  if (second !== undefined) {
    throw new FlexjobError(`both ${basename(first)} and ${basename(second)} are in ${cwd}`, {
      code: "CONFIG_INVALID",
      remedy: "keep one of them, or pass the path of the one to use",
    });
  }
  return first;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The path relative to cwd when it is inside it (what people and CI annotations expect). */
function displayPath(file: string, cwd: string): string {
  const fromCwd = relative(cwd, file);
  return fromCwd === "" || fromCwd.startsWith("..") || isAbsolute(fromCwd) ? file : fromCwd;
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}
