import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { longFunctions, MAX_FUNCTION_LINES } from "../../../scripts/long-functions.mjs";
import { useTempTree } from "./temp-tree.js";

const src = fileURLToPath(new URL("../src", import.meta.url));

describe("long functions", () => {
  const write = useTempTree("flexjob-long-");
  const body = (lines: number) =>
    Array.from({ length: lines - 2 }, (_, index) => `  const v${index} = ${index};`);

  it(`no function in the SDK's sources is over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(longFunctions(src)).toEqual([]);
  });

  it("names each long function by its declaration, variable or property, and leaves tests out", () => {
    const root = write({
      "a/declared.ts": ["export function declared() {", ...body(81), "}"].join("\n"),
      "a/arrow.ts": ["export const arrow = () => {", ...body(80), "};"].join("\n"),
      "b/object.ts": ["export const adapter = {", "  plan() {", ...body(90), "  },", "};"].join("\n"),
      "b/fits.ts": ["export function fits() {", ...body(78), "}"].join("\n"),
      "b/object.test.ts": ["export function inTest() {", ...body(100), "}"].join("\n"),
    });
    expect(longFunctions(root)).toEqual([
      { file: "b/object.ts", name: "plan", line: 2, lines: 90 },
      { file: "a/declared.ts", name: "declared", line: 1, lines: 81 },
    ]);
  });
});
