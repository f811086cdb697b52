import { parse, TomlDate, TomlError } from "smol-toml";

/**
 * TOML for the manifests detection needs (pyproject.toml, Cargo.toml, Pipfile,
 * rust-toolchain.toml), read by smol-toml, a complete TOML 1.0 parser. Dates and times stay their
 * text, which detection never needs as dates. Nesting is capped so a hostile file is a syntax
 * error, not a stack overflow.
 */

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

/** Deeper than any manifest nests its arrays and inline tables. */
const MAX_TOML_DEPTH = 64;

export class TomlSyntaxError extends Error {
  override readonly name = "TomlSyntaxError";
  constructor(
    readonly reason: string,
    /** Undefined when the problem is the document's shape rather than one line. */
    readonly line: number | undefined,
  ) {
    super(line === undefined ? reason : `${reason} (line ${line})`);
  }
}

/** Plain values; tables nested by dotted headers (`[a.b.c…]`) escape the parser's own depth cap. */
function plain(value: unknown, depth: number): TomlValue {
  if (depth > MAX_TOML_DEPTH)
    throw new TomlSyntaxError(`tables nest deeper than ${MAX_TOML_DEPTH} levels`, undefined);
  if (value instanceof TomlDate) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => plain(item, depth + 1));
  // Detection reads no integers; a huge one elsewhere in the file must not fail the whole read.
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "object" && value !== null) {
    const table: TomlTable = {};
    for (const [key, item] of Object.entries(value)) table[key] = plain(item, depth + 1);
    return table;
  }
  return value as TomlValue;
}

/** Parses TOML text into plain objects; throws {@link TomlSyntaxError} with a line number. */
export function parseToml(text: string): TomlTable {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text.replace(/^\uFEFF/, ""), {
      maxDepth: MAX_TOML_DEPTH,
      unsafeKeyBehaviour: "drop",
      integersAsBigInt: "asNeeded",
    });
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // The message's first line is the reason; the rest quotes the file, which errors never echo.
    const reason = (error.message.split("\n")[0] ?? "").replace(/^Invalid TOML document: /, "");
    throw new TomlSyntaxError(reason, error.line);
  }
  return plain(doc, 0) as TomlTable;
}

function isTable(value: TomlValue | undefined): value is TomlTable {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at a dotted path of keys, e.g. `get(doc, "project", "requires-python")`. */
export function tomlGet(table: TomlTable | undefined, ...path: string[]): TomlValue | undefined {
  let value: TomlValue | undefined = table;
  for (const key of path) {
    if (!isTable(value)) return undefined;
    value = Object.hasOwn(value, key) ? value[key] : undefined;
  }
  return value;
}

export function tomlString(table: TomlTable | undefined, ...path: string[]): string | undefined {
  const value = tomlGet(table, ...path);
  return typeof value === "string" ? value : undefined;
}

export function tomlTable(table: TomlTable | undefined, ...path: string[]): TomlTable | undefined {
  const value = tomlGet(table, ...path);
  return isTable(value) ? value : undefined;
}

export function tomlTables(table: TomlTable | undefined, ...path: string[]): TomlTable[] {
  const value = tomlGet(table, ...path);
  return Array.isArray(value) ? value.filter(isTable) : [];
}
