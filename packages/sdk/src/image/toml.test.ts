import { describe, expect, it } from "vitest";
import { parseToml, TomlSyntaxError, tomlGet, tomlTables } from "./toml.js";

describe("parseToml", () => {
  it("reads tables, dotted keys, arrays of tables and inline tables", () => {
    const doc = parseToml(
      [
        "# comment",
        'title = "x" # trailing',
        "[tool.poetry.dependencies]",
        'python = "^3.11"',
        'httpx = { version = "^0.28", extras = ["http2"], optional = false }',
        "[[bin]]",
        'name = "a"',
        "[[bin]]",
        'name = "b"',
        'site."google.com" = true',
        "",
      ].join("\n"),
    );
    expect(tomlGet(doc, "tool", "poetry", "dependencies")).toEqual({
      python: "^3.11",
      httpx: { version: "^0.28", extras: ["http2"], optional: false },
    });
    expect(tomlTables(doc, "bin")).toEqual([{ name: "a" }, { name: "b", site: { "google.com": true } }]);
    expect(doc.title).toBe("x");
  });

  it("reads the four string kinds with their escapes", () => {
    const doc = parseToml(
      [
        String.raw`basic = "tab\tquote\" \u00e9"`,
        String.raw`literal = 'C:\path'`,
        'multi = """',
        "one \\",
        '   two"""""',
        "raw = '''",
        "keep \\n '' as is'''",
      ].join("\n"),
    );
    expect(doc).toEqual({
      basic: 'tab\tquote" é',
      literal: "C:\\path",
      multi: 'one two""',
      raw: "keep \\n '' as is",
    });
  });

  it("reads arrays across lines with comments and a trailing comma, numbers, booleans and dates", () => {
    const doc = parseToml(
      'a = [\n  "x", # first\n  [1, 2],\n]\nn = 1_000\nf = 3.5\nb = true\nd = 1979-05-27T07:32:00Z\nlocal = 1979-05-27 07:32:00\n',
    );
    expect(doc).toEqual({
      a: ["x", [1, 2]],
      n: 1000,
      f: 3.5,
      b: true,
      d: "1979-05-27T07:32:00.000Z",
      local: "1979-05-27T07:32:00.000",
    });
  });

  it("reports a syntax error with its line, never quoting the file", () => {
    expect(() => parseToml('[project]\nname = "x\n')).toThrow(
      new TomlSyntaxError("control characters are not allowed in strings", 2),
    );
    expect(() => parseToml("a = 1 b = 2\n")).toThrow(
      new TomlSyntaxError("each key-value declaration must be followed by an end-of-line", 1),
    );
    expect(() => parseToml("a = 1\n[a]\n")).toThrow(
      new TomlSyntaxError("trying to redefine an already defined table or value", 2),
    );
  });

  it("rejects nesting 50,000 deep as a syntax error, not a stack overflow", () => {
    const deep = 50_000;
    expect(() => parseToml(`a = ${"[".repeat(deep)}${"]".repeat(deep)}\n`)).toThrow(
      new TomlSyntaxError("document contains excessively nested structures. aborting.", 1),
    );
    expect(() => parseToml(`a = ${"{ b = ".repeat(deep)}1${" }".repeat(deep)}\n`)).toThrow(TomlSyntaxError);
    expect(() => parseToml(`[${"a.".repeat(deep)}b]\nx = 1\n`)).toThrow(
      new TomlSyntaxError("tables nest deeper than 64 levels", undefined),
    );
  });
});
