import { describe, expect, it } from "vitest";
import { matchesPattern, parsePattern } from "./pattern.js";

const EVENT = {
  source: "aws.ecs",
  "detail-type": "ECS Task State Change",
  region: "us-east-1",
  resources: ["arn:aws:ecs:us-east-1:123456789012:task/jobs/abc"],
  detail: {
    lastStatus: "STOPPED",
    group: "family:report",
    stopCode: "EssentialContainerExited",
    containers: [
      { name: "sidecar", exitCode: 0 },
      { name: "job", exitCode: 3 },
    ],
    memory: 2048,
  },
};

const matches = (pattern: unknown) => matchesPattern(parsePattern(JSON.stringify(pattern)), EVENT);

describe("event pattern matching", () => {
  it("matches exact values, and any of several (OR), on every field given (AND)", () => {
    expect(matches({ source: ["aws.ecs"], "detail-type": ["ECS Task State Change"] })).toBe(true);
    expect(matches({ source: ["aws.states", "aws.ecs"] })).toBe(true);
    expect(matches({ source: ["aws.ecs"], "detail-type": ["Other"] })).toBe(false);
  });

  it("matches nested fields, and an array field when any element matches", () => {
    expect(matches({ detail: { lastStatus: ["STOPPED"] } })).toBe(true);
    expect(matches({ detail: { containers: { exitCode: [3] } } })).toBe(true);
    expect(matches({ detail: { containers: { exitCode: [7] } } })).toBe(false);
    expect(matches({ resources: ["arn:aws:ecs:us-east-1:123456789012:task/jobs/abc"] })).toBe(true);
  });

  it("prefix, suffix and equals-ignore-case", () => {
    expect(matches({ detail: { group: [{ prefix: "family:" }] } })).toBe(true);
    expect(matches({ detail: { group: [{ prefix: "service:" }] } })).toBe(false);
    expect(matches({ detail: { group: [{ suffix: ":report" }] } })).toBe(true);
    expect(matches({ detail: { group: [{ suffix: ":other" }] } })).toBe(false);
    expect(matches({ detail: { lastStatus: [{ "equals-ignore-case": "stopped" }] } })).toBe(true);
    expect(matches({ detail: { lastStatus: [{ "equals-ignore-case": "running" }] } })).toBe(false);
  });

  it("anything-but a value, a list, or a prefix", () => {
    expect(matches({ detail: { stopCode: [{ "anything-but": "UserInitiated" }] } })).toBe(true);
    expect(matches({ detail: { stopCode: [{ "anything-but": "EssentialContainerExited" }] } })).toBe(false);
    expect(
      matches({ detail: { stopCode: [{ "anything-but": ["UserInitiated", "EssentialContainerExited"] }] } }),
    ).toBe(false);
    expect(matches({ detail: { group: [{ "anything-but": { prefix: "service:" } }] } })).toBe(true);
    expect(matches({ detail: { group: [{ "anything-but": { prefix: "family:" } }] } })).toBe(false);
  });

  it("numeric ranges with one or two comparisons", () => {
    expect(matches({ detail: { memory: [{ numeric: [">=", 2048] }] } })).toBe(true);
    expect(matches({ detail: { memory: [{ numeric: [">", 0, "<", 2048] }] } })).toBe(false);
    expect(matches({ detail: { containers: { exitCode: [{ numeric: [">", 0] }] } } })).toBe(true);
    expect(matches({ detail: { lastStatus: [{ numeric: [">", 0] }] } })).toBe(false);
  });

  it("exists true matches a present field, exists false a missing one", () => {
    expect(matches({ detail: { stopCode: [{ exists: true }] } })).toBe(true);
    expect(matches({ detail: { stoppedReason: [{ exists: true }] } })).toBe(false);
    expect(matches({ detail: { stoppedReason: [{ exists: false }] } })).toBe(true);
    expect(matches({ detail: { stopCode: [{ exists: false }] } })).toBe(false);
  });

  it("$or matches when any of its patterns matches at its level, with the fields beside it", () => {
    const either = (stopCode: string) => ({
      source: ["aws.ecs"],
      detail: {
        lastStatus: ["STOPPED"],
        $or: [{ stopCode: [stopCode] }, { containers: { exitCode: [{ "anything-but": 0 }] } }],
      },
    });
    expect(matches(either("TaskFailedToStart"))).toBe(true);
    expect(matches({ detail: { $or: [{ stopCode: ["UserInitiated"] }, { memory: [1] }] } })).toBe(false);
    expect(matches({ ...either("TaskFailedToStart"), source: ["aws.states"] })).toBe(false);
    expect(matches({ $or: [{ source: ["aws.states"] }, { region: ["us-east-1"] }] })).toBe(true);
  });
});

describe("event pattern validation", () => {
  const reason = (text: string) => {
    try {
      parsePattern(text);
      return "valid";
    } catch (error) {
      return (error as { code: string; message: string }).code;
    }
  };

  it("accepts each documented operator", () => {
    const pattern = {
      source: ["aws.ecs", { prefix: "aws." }, { suffix: ".ecs" }, { "equals-ignore-case": "AWS.ECS" }],
      detail: {
        a: [{ "anything-but": ["x", "y"] }, { "anything-but": { suffix: ".png" } }],
        b: [{ numeric: [">", 0, "<=", 5] }, { exists: false }, null, 3, true],
      },
    };
    expect(reason(JSON.stringify(pattern))).toBe("valid");
  });

  it.each([
    ["not JSON", "{"],
    ["an empty object", "{}"],
    ["a leaf that is not an array", '{"source":"aws.ecs"}'],
    ["an empty array", '{"source":[]}'],
    ["an unknown operator", '{"source":[{"contains-ish":"x"}]}'],
    ["two operators in one filter", '{"source":[{"prefix":"a","suffix":"b"}]}'],
    ["a numeric operator AWS does not have", '{"n":[{"numeric":["!=",1]}]}'],
    ["a numeric bound that is not a number", '{"n":[{"numeric":[">","1"]}]}'],
    ["exists that is not a boolean", '{"n":[{"exists":"yes"}]}'],
    ["a prefix that is not a string", '{"n":[{"prefix":1}]}'],
    ["anything-but an object it does not know", '{"n":[{"anything-but":{"wildcard":1}}]}'],
    ["$or with one pattern", '{"$or":[{"source":["a"]}]}'],
    ["$or that is not an array of patterns", '{"$or":{"source":["a"]}}'],
  ])("refuses %s with InvalidEventPatternException", (_what, text) => {
    expect(reason(text)).toBe("InvalidEventPatternException");
  });
});
