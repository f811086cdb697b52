import { describe, expect, it } from "vitest";
import type { PlanOf as Plan } from "../plan/types.js";
import { changeLines, countLine, planText } from "./plan-text.js";

const plan: Plan = {
  app: "billing",
  region: "eu-west-1",
  accountId: "123456789012",
  steps: [
    { kind: "cluster", id: "billing-flexjob", action: "noop", changes: [] },
    {
      kind: "task-definition",
      id: "billing-report",
      job: "report",
      action: "update",
      changes: [
        { path: "container.image", before: "repo:1", after: "repo:2" },
        { path: "container.environment.API_TOKEN", before: undefined, after: "sk_live_abcdefghijklmnop1234" },
      ],
    },
    { kind: "schedule", id: "billing-old-0", action: "delete", changes: [], reason: "job removed" },
  ],
  notes: ["a private subnet needs a NAT gateway to pull images"],
};

describe("planText", () => {
  it("shows one line a resource, the changed fields of updates with secrets masked, counts and notes", () => {
    expect(planText(plan)).toBe(
      [
        "plan for billing in eu-west-1 (account 123456789012)",
        "  = cluster         billing-flexjob",
        "  ~ task-definition billing-report",
        "      container.image: repo:1 → repo:2",
        "      container.environment.API_TOKEN: (none) → ***",
        "  - schedule        billing-old-0    job removed",
        "0 to create, 1 to update, 1 to delete, 1 unchanged",
        "note: a private subnet needs a NAT gateway to pull images",
      ].join("\n"),
    );
  });

  it("leaves out unchanged steps when not verbose, but still counts them", () => {
    const text = planText(plan, { verbose: false });
    expect(text).not.toContain("billing-flexjob");
    expect(text).toContain("0 to create, 1 to update, 1 to delete, 1 unchanged");
  });
});

describe("changeLines and countLine", () => {
  it("describe an update's fields, and count in the tense asked for", () => {
    const deleted = {
      kind: "schedule",
      id: "billing-old-0",
      action: "delete",
      changes: [{ path: "state", before: "ENABLED", after: undefined }],
    } as const;
    expect(changeLines({ ...deleted, changes: [...deleted.changes] })).toEqual([]);
    expect(countLine(plan, "applied")).toBe("0 created, 1 updated, 1 deleted, 1 unchanged");
  });
});
