import { describe, expect, it } from "vitest";
import { FlexjobError } from "../errors.js";
import { checkBulkSchedules } from "./entries.js";

const problems = (input: unknown) => {
  try {
    checkBulkSchedules(input);
  } catch (error) {
    if (error instanceof FlexjobError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
};

describe("checkBulkSchedules", () => {
  it("normalises expressions and fills defaults", () => {
    expect(
      checkBulkSchedules([
        { key: "acme", expression: "every day at 06:00", env: { CUSTOMER_ID: "acme", LIMIT: 5 } },
        { key: "beta", expression: "rate(1 hour)", timezone: "Asia/Tokyo", enabled: false },
      ]),
    ).toEqual([
      {
        key: "acme",
        expression: "cron(0 6 * * ? *)",
        timezone: undefined,
        enabled: true,
        env: { CUSTOMER_ID: "acme", LIMIT: "5" },
      },
      { key: "beta", expression: "rate(1 hour)", timezone: "Asia/Tokyo", enabled: false, env: {} },
    ]);
  });

  it("reports every bad entry by index, key and value", () => {
    expect(
      problems([
        { key: "a", expression: "rate(1 hour)" },
        { key: "a", expression: "rate(0 hours)" },
        { key: "", expression: "rate(1 hour)" },
        { key: "c", expression: "rate(1 hour)", timezone: "Berlin", env: { FLEXJOB_X: "1" }, extra: 1 },
        "nope",
      ]),
    ).toEqual([
      'schedules[1].key: schedules[1] (key "a"): duplicate key "a", first used by schedules[0]',
      expect.stringMatching(
        /^schedules\[1\]\.expression: schedules\[1\] \(key "a"\): expression "rate\(0 hours\)": /,
      ),
      'schedules[2].key: schedules[2]: key must be text of 1–256 characters, got ""',
      'schedules[3].extra: schedules[3] (key "c"): unknown field "extra"',
      'schedules[3].timezone: schedules[3] (key "c"): timezone "Berlin" is not an IANA time zone',
      'schedules[3].env.FLEXJOB_X: schedules[3] (key "c"): env name "FLEXJOB_X" starts with FLEXJOB_, which is reserved',
      'schedules[4]: schedules[4]: must be an object, got "nope"',
    ]);
  });

  it("says (and more) when there are several problems", () => {
    expect(() => checkBulkSchedules([{ key: 1 }])).toThrow(
      /^schedules\[0\]: key must be text .* \(and 1 more problem\)$/,
    );
    expect(() => checkBulkSchedules({})).toThrow("bulk schedules must be a list, got {}");
  });
});
