/**
 * A small TOML reader for the manifests detection needs (pyproject.toml, Cargo.toml, Pipfile,
 * rust-toolchain.toml). It reads the whole TOML 1.0 syntax those files use — tables, arrays of
 * tables, dotted and quoted keys, the four string kinds, arrays and inline tables across lines —
 * and keeps dates and times as their text, which detection never needs as dates. It does not
 * police every rule (duplicate keys overwrite): the files come from repositories that their own
 * tools already accept, and flexjob only reads a handful of keys from them.
 */

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlSyntaxError extends Error {
  override readonly name = "TomlSyntaxError";
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`${reason} (line ${line})`);
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };

class Reader {
  private pos = 0;
  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  private peek(offset = 0): string {
    return this.text.charAt(this.pos + offset);
  }

  private line(): number {
    let line = 1;
    for (let i = 0; i < this.pos && i < this.text.length; i++) if (this.text.charAt(i) === "\n") line++;
    return line;
  }

  private fail(reason: string): never {
    throw new TomlSyntaxError(reason, this.line());
  }

  private startsWith(token: string): boolean {
    return this.text.startsWith(token, this.pos);
  }

  /** Spaces and tabs only: a newline ends a key/value pair. */
  private skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  private skipComment(): void {
    if (this.peek() === "#") while (!this.done && this.peek() !== "\n") this.pos++;
  }

  /** Whitespace, newlines and comments, as allowed between array elements. */
  private skipBlank(): void {
    for (;;) {
      this.skipSpaces();
      this.skipComment();
      if (this.peek() === "\n" || this.peek() === "\r") this.pos++;
      else return;
    }
  }

  private endOfLine(): void {
    this.skipSpaces();
    this.skipComment();
    if (this.peek() === "\r") this.pos++;
    if (this.done) return;
    if (this.peek() !== "\n") this.fail(`unexpected ${JSON.stringify(this.peek())} after a value`);
    this.pos++;
  }

  parse(): TomlTable {
    const root: TomlTable = {};
    let current = root;
    for (;;) {
      this.skipBlank();
      if (this.done) return root;
      if (this.startsWith("[[")) {
        this.pos += 2;
        const path = this.keyPath("]]");
        current = appendTable(root, path, () => this.fail(`[[${path.join(".")}]] is not an array of tables`));
        this.endOfLine();
      } else if (this.peek() === "[") {
        this.pos++;
        const path = this.keyPath("]");
        current = tableAt(root, path, () => this.fail(`[${path.join(".")}] is not a table`));
        this.endOfLine();
      } else {
        this.keyValue(current);
        this.endOfLine();
      }
    }
  }

  private keyPath(close: string): string[] {
    const path = this.key();
    this.skipSpaces();
    if (!this.startsWith(close)) this.fail(`expected ${close} after a table name`);
    this.pos += close.length;
    return path;
  }

  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const char = this.peek();
      if (char === '"') parts.push(this.basicString());
      else if (char === "'") parts.push(this.literalString());
      else {
        const start = this.pos;
        while (BARE_KEY.test(this.peek())) this.pos++;
        if (start === this.pos) this.fail("expected a key");
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipSpaces();
      if (this.peek() !== ".") return parts;
      this.pos++;
    }
  }

  private keyValue(table: TomlTable): void {
    const path = this.key();
    this.skipSpaces();
    if (this.peek() !== "=") this.fail(`expected = after ${path.join(".")}`);
    this.pos++;
    this.skipSpaces();
    const value = this.value();
    const parent = tableAt(table, path.slice(0, -1), () => this.fail(`${path.join(".")} is not in a table`));
    parent[path[path.length - 1] as string] = value;
  }

  private value(): TomlValue {
    const char = this.peek();
    if (this.startsWith('"""')) return this.multilineBasicString();
    if (this.startsWith("'''")) return this.multilineLiteralString();
    if (char === '"') return this.basicString();
    if (char === "'") return this.literalString();
    if (char === "[") return this.array();
    if (char === "{") return this.inlineTable();
    const start = this.pos;
    while (!this.done && !/[,\]}\s#]/.test(this.peek())) this.pos++;
    // A date-time may have one space between date and time.
    if (
      /^\d{4}-\d{2}-\d{2}$/.test(this.text.slice(start, this.pos)) &&
      /^ \d/.test(this.text.slice(this.pos))
    ) {
      this.pos++;
      while (!this.done && !/[,\]}\s#]/.test(this.peek())) this.pos++;
    }
    const word = this.text.slice(start, this.pos);
    if (word === "true") return true;
    if (word === "false") return false;
    if (word === "") this.fail("expected a value");
    const number = Number(word.replaceAll("_", ""));
    return /^[+-]?(\d|0x|0o|0b|inf|nan)/.test(word) && !Number.isNaN(number) ? number : word;
  }

  private basicString(): string {
    this.pos++;
    let out = "";
    for (;;) {
      if (this.done || this.peek() === "\n") this.fail("unclosed string");
      const char = this.peek();
      this.pos++;
      if (char === '"') return out;
      out += char === "\\" ? this.escape() : char;
    }
  }

  private escape(): string {
    const char = this.peek();
    this.pos++;
    const simple = ESCAPES[char];
    if (simple !== undefined) return simple;
    if (char === "u" || char === "U") {
      const length = char === "u" ? 4 : 8;
      const hex = this.text.slice(this.pos, this.pos + length);
      if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== length) this.fail("bad unicode escape");
      this.pos += length;
      return String.fromCodePoint(Number.parseInt(hex, 16));
    }
    return this.fail(`bad escape \\${char}`);
  }

  private literalString(): string {
    this.pos++;
    const end = this.text.indexOf("'", this.pos);
    const newline = this.text.indexOf("\n", this.pos);
    if (end === -1 || (newline !== -1 && newline < end)) this.fail("unclosed string");
    const out = this.text.slice(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  private multilineBasicString(): string {
    this.pos += 3;
    if (this.peek() === "\n") this.pos++;
    let out = "";
    for (;;) {
      if (this.done) this.fail('unclosed """ string');
      if (this.startsWith('"""')) {
        // Up to two quotes may end the content right before the closing delimiter: """a""""" is a"".
        let quotes = 3;
        while (this.peek(quotes) === '"' && quotes < 5) quotes++;
        this.pos += quotes;
        return out + '"'.repeat(quotes - 3);
      }
      const char = this.peek();
      this.pos++;
      if (char !== "\\") out += char;
      else if (/[ \t\r\n]/.test(this.peek())) {
        // A line-ending backslash trims the newline and the whitespace after it.
        while (/[ \t\r\n]/.test(this.peek())) this.pos++;
      } else out += this.escape();
    }
  }

  private multilineLiteralString(): string {
    this.pos += 3;
    if (this.peek() === "\n") this.pos++;
    const end = this.text.indexOf("'''", this.pos);
    if (end === -1) this.fail("unclosed ''' string");
    let close = end;
    while (this.text.charAt(close + 3) === "'") close++;
    const out = this.text.slice(this.pos, close);
    this.pos = close + 3;
    return out;
  }

  private array(): TomlValue[] {
    this.pos++;
    const items: TomlValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.peek() === "]") {
        this.pos++;
        return items;
      }
      items.push(this.value());
      this.skipBlank();
      if (this.peek() === ",") this.pos++;
      else if (this.peek() !== "]") this.fail("expected , or ] in an array");
    }
  }

  private inlineTable(): TomlTable {
    this.pos++;
    const table: TomlTable = {};
    this.skipSpaces();
    if (this.peek() === "}") {
      this.pos++;
      return table;
    }
    for (;;) {
      this.keyValue(table);
      this.skipSpaces();
      if (this.peek() === "}") {
        this.pos++;
        return table;
      }
      if (this.peek() !== ",") this.fail("expected , or } in an inline table");
      this.pos++;
    }
  }
}

function isTable(value: TomlValue | undefined): value is TomlTable {
  return typeof value === "object" && !Array.isArray(value);
}

/** The table at a path, creating missing tables; an array of tables means its last element. */
function tableAt(root: TomlTable, path: readonly string[], conflict: () => never): TomlTable {
  let table = root;
  for (const part of path) {
    let next = table[part];
    if (next === undefined) {
      next = {};
      table[part] = next;
    }
    if (Array.isArray(next)) next = next[next.length - 1];
    if (!isTable(next)) return conflict();
    table = next;
  }
  return table;
}

function appendTable(root: TomlTable, path: readonly string[], conflict: () => never): TomlTable {
  const parent = tableAt(root, path.slice(0, -1), conflict);
  const name = path[path.length - 1] as string;
  const existing = parent[name] ?? [];
  if (!Array.isArray(existing)) return conflict();
  const table: TomlTable = {};
  existing.push(table);
  parent[name] = existing;
  return table;
}

/** Parses TOML text into plain objects; throws {@link TomlSyntaxError} with a line number. */
export function parseToml(text: string): TomlTable {
  return new Reader(text.replace(/^\uFEFF/, "")).parse();
}

/** The value at a dotted path of keys, e.g. `get(doc, "project", "requires-python")`. */
export function tomlGet(table: TomlTable | undefined, ...path: string[]): TomlValue | undefined {
  let value: TomlValue | undefined = table;
  for (const key of path) {
    if (!isTable(value)) return undefined;
    value = value[key];
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
