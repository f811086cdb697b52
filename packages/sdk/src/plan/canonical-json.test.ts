import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("sorts the keys of every object, at any depth, and keeps array order", () => {
    const value = {
      b: 1,
      a: [
        { y: 2, x: 1 },
        { name: "A", value: "1" },
      ],
      c: { e: null, d: "x" },
    };
    expect(canonicalJson(value)).toBe(
      '{"a":[{"x":1,"y":2},{"name":"A","value":"1"}],"b":1,"c":{"d":"x","e":null}}',
    );
  });

  it("writes objects whose keys are already sorted exactly as a sorted copy would be", () => {
    expect(canonicalJson({ a: 1, b: { c: undefined, d: [1, { e: "f" }] } })).toBe(
      '{"a":1,"b":{"d":[1,{"e":"f"}]}}',
    );
    // Integer-like keys come first in any object, whatever the insertion order.
    expect(canonicalJson({ b: 1, 10: "ten", 2: "two", a: 0 })).toBe('{"2":"two","10":"ten","a":0,"b":1}');
    expect(canonicalJson({ when: new Date(0), list: [] })).toBe(
      '{"list":[],"when":"1970-01-01T00:00:00.000Z"}',
    );
  });
});
