import { describe, expect, it } from "vitest";
import { byCodeUnits } from "./text-order.js";

describe("byCodeUnits", () => {
  it("orders by code units, whatever the locale would say", () => {
    expect(["b", "B", "a", "_x", "a-b", "a_b", "é"].sort(byCodeUnits)).toEqual([
      "B",
      "_x",
      "a",
      "a-b",
      "a_b",
      "b",
      "é",
    ]);
    expect(byCodeUnits("same", "same")).toBe(0);
  });
});
