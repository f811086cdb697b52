import { FlexjobError, showValue } from "../errors.js";
import {
  endedOn,
  knownLines,
  lineVersion,
  missingImage,
  RUNTIMES,
  type Runtime,
  tagFor,
} from "./base-images.js";
import type { BuildOverrides } from "./plan.js";
import type { RepoFiles } from "./repo-files.js";
import { parseToml, TomlSyntaxError, type TomlTable } from "./toml.js";
import {
  type ConstraintFlavor,
  compareVersions,
  lowerBounds,
  parseConstraint,
  satisfies,
  toVersion,
  type Version,
  versionParts,
} from "./version-constraint.js";

/** What every provider works from: the folder, the checked overrides and the notes so far. */
export interface DetectContext {
  files: RepoFiles;
  /** The folder as the user named it, for messages. */
  dir: string;
  job: string | undefined;
  overrides: BuildOverrides;
  /** The start command given from outside (job command or START_CMD), if any. */
  start: Start | undefined;
  /** Notes collected while detecting; the plan carries them. */
  notes: string[];
}

export interface Start {
  command: string[];
  source: string;
}

/** `jobs.<name>.command`, or a placeholder when the caller did not say which job. */
export function jobCommandPath(ctx: Pick<DetectContext, "job">): string {
  return `jobs.${ctx.job ?? "<name>"}.command`;
}

export function inputError(message: string, remedy: string, cause?: unknown): FlexjobError {
  return new FlexjobError(message, {
    code: "INPUT_INVALID",
    fault: "user",
    remedy,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Removes JSONC comments and trailing commas outside strings (deno.jsonc, tsconfig-style files). */
export function stripJsonc(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === '"') {
      const start = i;
      for (i++; i < text.length && text.charAt(i) !== '"'; i++) if (text.charAt(i) === "\\") i++;
      out += text.slice(start, i + 1);
    } else if (char === "/" && text.charAt(i + 1) === "/") {
      while (i < text.length && text.charAt(i) !== "\n") i++;
      out += "\n";
    } else if (char === "/" && text.charAt(i + 1) === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 1;
    } else out += char;
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringAt(object: unknown, ...path: string[]): string | undefined {
  let value = object;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** The parser's reason and position, without the part of the file V8 quotes after them. */
function jsonProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = message.replace(/,\s*"[\s\S]*" is not valid JSON$/, "");
  return (reason.split(/\r?\n/)[0] ?? "").slice(0, 120);
}

/** A JSON (or JSONC) manifest as an object; undefined when absent. */
export async function readJsonFile(
  ctx: DetectContext,
  path: string,
  jsonc = false,
): Promise<JsonObject | undefined> {
  const text = await ctx.files.read(path);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(jsonc ? stripJsonc(text) : text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw inputError(
      `${path} in ${ctx.dir} is not valid JSON: ${jsonProblem(error)}`,
      `fix the syntax of ${path}; flexjob reads it to decide how to build the image`,
      error,
    );
  }
  if (!isObject(value)) {
    throw inputError(`${path} in ${ctx.dir} is not a JSON object`, `make ${path} a JSON object`);
  }
  return value;
}

export async function readTomlFile(ctx: DetectContext, path: string): Promise<TomlTable | undefined> {
  const text = await ctx.files.read(path);
  if (text === undefined) return undefined;
  try {
    return parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlSyntaxError)) throw error;
    throw inputError(
      `${path} in ${ctx.dir} is not valid TOML: ${error.reason}${error.line === undefined ? "" : ` at line ${error.line}`}`,
      `fix the syntax of ${path}; flexjob reads it to decide how to build the image`,
      error,
    );
  }
}

/** The first non-empty, non-comment line of a version file such as .nvmrc. */
export async function readVersionFile(ctx: DetectContext, path: string): Promise<string | undefined> {
  const text = await ctx.files.read(path);
  return text
    ?.split(/\r?\n/)
    .map((line) => line.replace(/#.*/, "").trim())
    .find((line) => line !== "");
}

/** asdf/mise `.tool-versions`: tool name → its first version. */
export async function readToolVersions(ctx: DetectContext): Promise<Map<string, string>> {
  const tools = new Map<string, string>();
  const text = await ctx.files.read(".tool-versions");
  for (const line of text?.split(/\r?\n/) ?? []) {
    const [name, version] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (name && version && !tools.has(name)) tools.set(name, version);
  }
  return tools;
}

/** Where a version may come from, in the order the provider tries them. */
export interface VersionSource {
  /** The text as the file has it, e.g. "22", "v20.11.1", ">=18", "^3.11". */
  text: string;
  /** e.g. ".nvmrc", "package.json engines.node". */
  source: string;
  /** Set for a range; without it the text must be a version or a release line. */
  flavor?: ConstraintFlavor;
}

/** A source from text a file or field may lack: undefined when it gave none. */
export function versionSource(
  text: string | undefined,
  source: string,
  flavor?: ConstraintFlavor,
): VersionSource | undefined {
  if (text === undefined) return undefined;
  return flavor === undefined ? { text, source } : { text, source, flavor };
}

/** A one-line version file such as .python-version, named by its path. */
export async function versionFileSource(
  ctx: DetectContext,
  path: string,
): Promise<VersionSource | undefined> {
  return versionSource(await readVersionFile(ctx, path), path);
}

/** The version `.tool-versions` gives a tool, under the tool's asdf name (`golang`, `ruby`, …). */
export async function toolVersionsSource(
  ctx: DetectContext,
  tool: string,
): Promise<VersionSource | undefined> {
  return versionSource((await readToolVersions(ctx)).get(tool), `.tool-versions ${tool}`);
}

export interface ResolvedVersion {
  /** The version the image provides, at the precision the repository or the table gives. */
  value: string;
  source: string;
  /** The image tag version it is pinned to. */
  tag: string;
}

function format(version: Version, precision: number): string {
  const parts = [...version];
  while (parts.length > precision && parts[parts.length - 1] === 0) parts.pop();
  return parts.join(".");
}

/**
 * Picks the runtime version: the VERSION build arg, else the first source the provider found,
 * else the table's default line. A range picks the default line when it allows it, else the
 * newest line of the table it allows, else its own lower bound. A version on a line the table
 * records as ended is still used, with a note.
 */
export function resolveVersion(
  ctx: DetectContext,
  runtime: Runtime,
  sources: readonly (VersionSource | undefined)[],
): ResolvedVersion {
  const resolved = pickVersion(ctx, runtime, sources);
  const missing = missingImage(runtime, resolved.value);
  if (missing !== undefined) {
    // A FROM that does not exist fails only in the build, with a registry error that names no file.
    const table = RUNTIMES[runtime];
    throw inputError(
      `${table.language} ${resolved.value} (${resolved.source} in ${ctx.dir}) ${missing}`,
      `ask for a line flexjob can build: ${Object.keys(table.lines).join(", ")} (supported), or ${
        knownLines(runtime)
          .filter((line) => table.lines[line] === undefined)
          .join(", ") || "none"
      } (ended, built with a note); write it in ${resolved.source.replace(/ ".*"$/, "")} or set build arg VERSION`,
    );
  }
  const ended = endedOn(runtime, resolved.value);
  if (ended !== undefined) {
    // Built as asked (the repository chose it), but never silently: the line gets no fixes.
    const table = RUNTIMES[runtime];
    ctx.notes.push(
      `${table.language} ${ended.line} (${resolved.source}) reached its end of life on ${ended.date} and gets no security fixes: move to a supported line (${Object.keys(table.lines).join(", ")})`,
    );
  }
  return resolved;
}

function pickVersion(
  ctx: DetectContext,
  runtime: Runtime,
  sources: readonly (VersionSource | undefined)[],
): ResolvedVersion {
  const table = RUNTIMES[runtime];
  const override = ctx.overrides.VERSION;
  const found =
    override === undefined
      ? sources.find((s) => s !== undefined)
      : { text: override, source: "build arg VERSION" };
  if (found === undefined) {
    return {
      value: table.defaultLine,
      source: "default (no version file)",
      tag: tagFor(runtime, table.defaultLine),
    };
  }
  const remedy = `write a ${table.language} version such as "${table.defaultLine}" there, or set build arg VERSION`;
  return found.flavor === undefined
    ? versionAsWritten(ctx, runtime, found, remedy)
    : versionInRange(ctx, runtime, { ...found, flavor: found.flavor }, remedy);
}

/** A plain version: a line as written, or for a shorter one ("3") the newest known line it names. */
function versionAsWritten(
  ctx: DetectContext,
  runtime: Runtime,
  found: VersionSource,
  remedy: string,
): ResolvedVersion {
  const table = RUNTIMES[runtime];
  const lines = Object.keys(table.lines);
  const parts = versionParts(found.text);
  if (!parts) {
    throw inputError(
      `${found.source} in ${ctx.dir} has ${showValue(found.text)}, which is not a ${table.language} version`,
      remedy,
    );
  }
  if (parts.length < table.linePrecision) {
    // "3" for Python: the newest known line of that major, preferring the default.
    const candidates = [table.defaultLine, ...[...lines].reverse()];
    const line = candidates.find(
      (candidate) => candidate.split(".").slice(0, parts.length).join(".") === parts.join("."),
    );
    const value = line ?? parts.join(".");
    return { value, source: found.source, tag: tagFor(runtime, value) };
  }
  const value = parts.join(".");
  if (
    parts.length === table.linePrecision &&
    table.lines[value] === undefined &&
    table.ended[value] === undefined
  ) {
    ctx.notes.push(
      `${table.language} ${value} (${found.source}) is not in flexjob's pinned versions (${lines.join(", ")}): the image tag is used as written`,
    );
  }
  return { value, source: found.source, tag: tagFor(runtime, value) };
}

/** A range: the default line if it fits, else the newest pinned line that does, else its lowest bound. */
function versionInRange(
  ctx: DetectContext,
  runtime: Runtime,
  found: VersionSource & { flavor: ConstraintFlavor },
  remedy: string,
): ResolvedVersion {
  const table = RUNTIMES[runtime];
  const lines = Object.keys(table.lines);
  const constraint = parseConstraint(found.text, found.flavor);
  const source = `${found.source} ${showValue(found.text)}`;
  if (!constraint) {
    throw inputError(
      `${found.source} in ${ctx.dir} has ${showValue(found.text)}, which flexjob cannot read as a version range`,
      remedy,
    );
  }
  const allowed = (line: string) => satisfies(constraint, lineVersion(runtime, line) ?? toVersion([]));
  const line = [table.defaultLine, ...[...lines].reverse()].find(allowed);
  if (line !== undefined) return { value: line, source, tag: tagFor(runtime, line) };
  const bound = lowerBounds(constraint)
    .sort(compareVersions)
    .find((version) => satisfies(constraint, version));
  if (bound === undefined) {
    throw inputError(
      `${found.source} in ${ctx.dir} asks for ${showValue(found.text)}, which none of the ${table.language} versions flexjob pins (${lines.join(", ")}) satisfies`,
      `set build arg VERSION to the ${table.language} version to build with, e.g. "${table.defaultLine}"`,
    );
  }
  const value = format(bound, table.linePrecision);
  if (endedOn(runtime, value) !== undefined) return { value, source, tag: tagFor(runtime, value) };
  ctx.notes.push(
    `${table.language} ${value} (${source}) is not in flexjob's pinned versions (${lines.join(", ")}): the image tag is used as written`,
  );
  return { value, source, tag: tagFor(runtime, value) };
}
