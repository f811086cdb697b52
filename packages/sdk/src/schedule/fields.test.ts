import { describe, expect, it } from "vitest";
import { type FieldItem, valuesOf } from "./fields.js";

const year = { min: 1970, max: 2199 };
const minute = { min: 0, max: 59 };

describe("valuesOf", () => {
  it("lists a single item's values ascending, each once", () => {
    const all = valuesOf([{ kind: "all" }], year);
    expect(all).toHaveLength(230);
    expect([all[0], all[1], all.at(-1)]).toEqual([1970, 1971, 2199]);
    expect(valuesOf([{ kind: "step", from: 5, to: 59, step: 15, text: "5/15" }], minute)).toEqual([
      5, 20, 35, 50,
    ]);
    expect(valuesOf([{ kind: "range", from: 3, to: 6, text: "3-6" }], minute)).toEqual([3, 4, 5, 6]);
    expect(valuesOf([{ kind: "single", value: 7, text: "7" }], minute)).toEqual([7]);
  });

  it("merges several items ascending without repeats, whatever their order", () => {
    const items: FieldItem[] = [
      { kind: "single", value: 40, text: "40" },
      { kind: "step", from: 0, to: 59, step: 20, text: "*/20" },
      { kind: "range", from: 38, to: 41, text: "38-41" },
      { kind: "single", value: 0, text: "0" },
    ];
    expect(valuesOf(items, minute)).toEqual([0, 20, 38, 39, 40, 41]);
  });

  it("returns a new array each call, which the caller may keep or change", () => {
    const first = valuesOf([{ kind: "all" }], minute);
    first.push(99);
    expect(valuesOf([{ kind: "all" }], minute)).toHaveLength(60);
  });
});
