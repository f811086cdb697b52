// Reading flexjob.yml into data, apart from checking it: the Action's first step hashes a config
// it has not validated, and must not build the schema to do so.
import { constants, type Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import { FlexjobError } from "../errors.js";
import type { Locate } from "./parse.js";

/**
 * The names flexjob looks for, in this order, when no config file is given.
 * @example
 * CONFIG_FILE_NAMES[0]; // "flexjob.yml"
 */
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
 * @example
 * const { raw, locate } = await readConfigFile("flexjob.yml");
 */
export async function readConfigFile(path: string, displayName: string = path): Promise<ConfigFile> {
  return parseConfigText(await readConfigText(path, displayName), displayName);
}

/** A config is a few kilobytes; a bigger file is a mistake (a log, a build artefact), not a config. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * The file's text, refusing what is not a regular file before reading it: a FIFO would block the
 * read forever, a folder or device is no config. Opened non-blocking so the check itself cannot
 * hang, and read no further than the size cap.
 */
async function readConfigText(path: string, displayName: string): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw openError(error, displayName);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new FlexjobError(`config file ${shortPath(displayName)} is ${fileKind(stats)}, not a file`, {
        code: "CONFIG_INVALID",
        remedy: "give the path of flexjob.yml itself, e.g. --config apps/report/flexjob.yml",
      });
    }
    const buffer = Buffer.alloc(Math.min(stats.size, MAX_CONFIG_BYTES) + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read) {
      read = (await handle.read(buffer, length, buffer.length - length, length)).bytesRead;
    }
    if (length > MAX_CONFIG_BYTES) {
      throw new FlexjobError(
        `config file ${shortPath(displayName)} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB`,
        { code: "CONFIG_INVALID", remedy: "check the path: a flexjob.yml is a few kilobytes" },
      );
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    await handle.close();
  }
}

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a named pipe (FIFO)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "not a regular file";
}

/** Why a config path cannot be opened, for a person: never the raw errno text. */
function openError(error: unknown, displayName: string): unknown {
  if (!isNodeError(error)) return error;
  const shown = shortPath(displayName);
  const reasons: Record<string, [string, string]> = {
    ENOENT: ["does not exist", 'check the path, or run "flexjob init" to create flexjob.yml'],
    ENOTDIR: ["does not exist", "a folder on its path is a file; check the path"],
    ELOOP: ["is a loop of symbolic links", "point the link at the real flexjob.yml, or give its path"],
    ENAMETOOLONG: ["has a path too long for the file system", "give a shorter path to flexjob.yml"],
    EACCES: ["cannot be read: permission denied", "give the user running flexjob read access to it"],
    EPERM: ["cannot be read: permission denied", "give the user running flexjob read access to it"],
    EISDIR: ["is a folder, not a file", "give the path of flexjob.yml itself"],
  };
  const [reason, remedy] = (error.code !== undefined && Object.hasOwn(reasons, error.code)
    ? reasons[error.code]
    : undefined) ?? [`cannot be read (${error.code ?? "unknown error"})`, "check the path and the file"];
  return new FlexjobError(`config file ${shown} ${reason}`, {
    code: error.code === "ENOENT" || error.code === "ENOTDIR" ? "CONFIG_NOT_FOUND" : "CONFIG_INVALID",
    remedy,
    cause: error,
  });
}

/** A path for a message: an over-long one is cut, keeping its end, which names the file. */
function shortPath(path: string): string {
  return path.length > 120 ? `…${path.slice(-100)}` : path;
}

/**
 * The pure part of {@link readConfigFile}: text to data and locator.
 * @example
 * const { raw, locate } = parseConfigText("app: billing\njobs: {}\n", "flexjob.yml");
 * const config = parseConfig(raw, { locate });
 */
export function parseConfigText(text: string, file: string): ConfigFile {
  const lineCounter = new LineCounter();
  const document = parseYaml(text, file, lineCounter);
  const [error] = document.errors;
  if (error?.message.startsWith("Maximum call stack size exceeded")) throw tooDeep(file, error);
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
  const raw = toData(document, file, lineCounter);
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

/** How many alias expansions (weighted by their size) the yaml package allows: its default. */
const MAX_ALIAS_COUNT = 100;
/** Deeper than any config needs; deep enough nesting would overflow the stack further on. */
const MAX_DEPTH = 64;

function parseYaml(text: string, file: string, lineCounter: LineCounter): Document.Parsed {
  try {
    // logLevel "error": yaml would print its warnings itself; a problem reaches the user as an error.
    return parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, logLevel: "error" });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw tooDeep(file, error);
  }
}

function tooDeep(file: string, cause: unknown): FlexjobError {
  return new FlexjobError(`${file}: nested more than ${MAX_DEPTH} levels deep`, {
    code: "CONFIG_PARSE",
    remedy:
      "flatten the nesting; flexjob.yml never needs more than a few levels (or an alias refers to itself)",
    cause,
  });
}

/** The document as plain data, with alias expansion capped and nesting bounded. */
function toData(document: Document.Parsed, file: string, lineCounter: LineCounter): unknown {
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof RangeError) throw tooDeep(file, error);
    if (!(error instanceof ReferenceError)) throw error;
    throw aliasError(error, document, file, lineCounter);
  }
  if (deeperThan(raw, MAX_DEPTH)) throw tooDeep(file, undefined);
  return raw;
}

function deeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (limit === 0) return true;
  return Object.values(value).some((item) => deeperThan(item, limit - 1));
}

/** yaml throws a ReferenceError for an alias before its anchor and for too many aliases. */
function aliasError(
  error: ReferenceError,
  document: Document.Parsed,
  file: string,
  lineCounter: LineCounter,
): FlexjobError {
  const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(error.message)?.[1];
  if (unresolved === undefined) {
    return new FlexjobError(`${file}: aliases expand to too much data (yaml's limit is ${MAX_ALIAS_COUNT})`, {
      code: "CONFIG_PARSE",
      remedy: "write the repeated values out, or use fewer aliases (*name) of large anchors",
      cause: error,
    });
  }
  let offset: number | undefined;
  visit(document, {
    Alias: (_, node) => {
      if (offset !== undefined || node.source !== unresolved) return;
      offset = node.range?.[0];
    },
  });
  const position = offset === undefined ? undefined : lineCounter.linePos(offset);
  const where = position ? `${file}:${position.line}:${position.col}` : file;
  // Not the alias's name: a password that starts with "*" is read as an alias, and is still a password.
  return new FlexjobError(`${where}: an alias (*name) comes before its anchor (&name), or has none`, {
    code: "CONFIG_PARSE",
    remedy: "define the anchor above the first alias that uses it, or quote a value that starts with *",
    cause: error,
  });
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}
