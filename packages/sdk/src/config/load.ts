import { stat } from "node:fs/promises";
import { basename, isAbsolute, relative, resolve } from "node:path";
import { type FieldIssue, FlexjobError } from "../errors.js";
import { parseConfig } from "./parse.js";
import { CONFIG_FILE_NAMES, readConfigFile } from "./read-file.js";
import type { FlexjobConfig } from "./schema.js";

export {
  CONFIG_FILE_NAMES,
  type ConfigFile,
  MAX_CONFIG_BYTES,
  parseConfigText,
  readConfigFile,
} from "./read-file.js";

export interface LoadConfigOptions {
  /** Where to look for flexjob.yml and what a relative path is relative to. Default: process.cwd(). */
  cwd?: string;
}

/**
 * Finds, reads and validates the config: `path` when given, else the one of flexjob.yml,
 * flexjob.yaml, flexjob.json in `cwd` (two of them at once is an error, not a silent choice).
 * Returns the config, the absolute path of its file, and its warnings (renamed fields still read
 * under their old name), for the caller to show.
 * @example
 * const { config, file, warnings } = await loadConfig(undefined, { cwd: "examples/hello" });
 */
export async function loadConfig(
  path?: string,
  options: LoadConfigOptions = {},
): Promise<{ config: FlexjobConfig; file: string; warnings: FieldIssue[] }> {
  const cwd = options.cwd ?? process.cwd();
  const file = path === undefined ? await findConfigFile(cwd) : resolve(cwd, path);
  const shown = displayPath(file, cwd);
  const { raw, locate } = await readConfigFile(file, shown);
  const warnings: FieldIssue[] = [];
  const config = parseConfig(raw, { file: shown, locate, onWarning: (warning) => warnings.push(warning) });
  return { config, file, warnings };
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
