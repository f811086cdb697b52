import { describe, expect, it } from "vitest";
import { parseManifestText } from "./manifest.js";

const TEXT = `name: report
defaults: &size
  cpu: 512
  memory: 1024
environments:
  prod:
    <<: *size
    command: ["a", "b"]
`;

describe("parseManifestText", () => {
  it("resolves anchors and merge keys as Copilot's YAML reader does", () => {
    expect(parseManifestText(TEXT, "m.yml").data).toEqual({
      name: "report",
      defaults: { cpu: 512, memory: 1024 },
      environments: { prod: { cpu: 512, memory: 1024, command: ["a", "b"] } },
    });
  });

  it("locates the deepest written key of a path, list items included", () => {
    const manifest = parseManifestText(TEXT, "m.yml");
    expect(manifest.locate(["environments", "prod", "command"])).toBe(8);
    expect(manifest.locate(["environments", "prod", "command", "1"])).toBe(8);
    expect(manifest.locate(["environments", "prod", "timeout"])).toBe(6);
    expect(manifest.has(["environments", "prod", "command"])).toBe(true);
    expect(manifest.has(["environments", "test"])).toBe(false);
  });

  it("names the file, line and column of a syntax error", () => {
    expect(() => parseManifestText("a: 1\na: 2\n", "copilot/a/manifest.yml")).toThrow(
      /^copilot\/a\/manifest\.yml:2:1: Map keys must be unique$/,
    );
  });
});
