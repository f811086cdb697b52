import { describe, expect, it } from "vitest";
import {
  type ConstraintFlavor,
  lowerBounds,
  parseConstraint,
  satisfies,
  type Version,
} from "./version-constraint.js";

const allows = (text: string, flavor: ConstraintFlavor, version: Version) => {
  const constraint = parseConstraint(text, flavor);
  if (!constraint) throw new Error(`unreadable: ${text}`);
  return satisfies(constraint, version);
};

describe("version constraints", () => {
  it.each([
    ["^20.11", [20, 19, 0], true],
    ["^20.11", [22, 0, 0], false],
    ["~20.10.0", [20, 10, 9], true],
    ["~20.10.0", [20, 11, 0], false],
    [">=18 <21", [20, 19, 0], true],
    [">18", [18, 20, 0], false],
    [">18", [19, 0, 0], true],
    ["<=20", [20, 19, 0], true],
    ["18.x || 20.x", [20, 1, 0], true],
    ["18 - 20.5", [20, 6, 0], false],
    ["22", [22, 16, 0], true],
    [">= 18", [22, 0, 0], true],
    ["*", [4, 0, 0], true],
  ] as const)("npm %s allows %j: %s", (text, version, expected) => {
    expect(allows(text, "npm", version)).toBe(expected);
  });

  it.each([
    [">=3.10,<3.13", [3, 12, 0], true],
    [">=3.10,<3.13", [3, 13, 0], false],
    ["~=3.11", [3, 13, 0], true],
    ["~=3.11.2", [3, 12, 0], false],
    ["==3.12.*", [3, 12, 0], true],
    ["!=3.12.*, >=3.11", [3, 12, 4], false],
    ["!=3.12.*, >=3.11", [3, 13, 0], true],
    [">3.11", [3, 11, 1], true],
  ] as const)("PEP 440 %s allows %j: %s", (text, version, expected) => {
    expect(allows(text, "pep440", version)).toBe(expected);
  });

  it.each([
    ["^8.1|^8.2", [8, 4, 0], true],
    ["~8.2", [8, 4, 0], true],
    ["~8.2.0", [8, 3, 0], false],
    [">=8.1 <8.4", [8, 3, 0], true],
    ["8.3.*", [8, 4, 0], false],
  ] as const)("Composer %s allows %j: %s", (text, version, expected) => {
    expect(allows(text, "composer", version)).toBe(expected);
  });

  it.each([
    ["~> 3.2", [3, 4, 0], true],
    ["~> 3.2.1", [3, 3, 0], false],
    [">= 3.1, < 3.4", [3, 3, 0], true],
  ] as const)("RubyGems %s allows %j: %s", (text, version, expected) => {
    expect(allows(text, "gem", version)).toBe(expected);
  });

  it("finds the lower bound of each alternative", () => {
    expect(lowerBounds(parseConstraint("^20.11.1 || >=26", "npm") ?? [])).toEqual([
      [20, 11, 1],
      [26, 0, 0],
    ]);
  });

  it("returns undefined for text that is no constraint", () => {
    expect(parseConstraint("lts/iron", "npm")).toBeUndefined();
    expect(parseConstraint("", "npm")).toBeUndefined();
  });
});
