import { describe, expect, it } from "vitest";
import { familyOfArn, fitName, jobOfSchedule, names, revisionOf } from "./naming.js";

describe("names", () => {
  it("derives every resource name from the app and job", () => {
    expect({
      cluster: names.cluster("billing"),
      customCluster: names.cluster("billing", "shared"),
      group: names.scheduleGroup("billing"),
      schedule: names.schedule("billing", "nightly"),
      shard: names.schedule("billing", "nightly", 3),
      family: names.taskFamily("billing", "nightly"),
      logGroup: names.logGroup("billing", "nightly"),
      repository: names.repository("billing", "nightly"),
      executionRole: names.executionRole("billing"),
      schedulerRole: names.schedulerRole("billing"),
    }).toEqual({
      cluster: "billing",
      customCluster: "shared",
      group: "flexjob-billing",
      schedule: "billing-nightly",
      shard: "billing-nightly.3",
      family: "billing-nightly",
      logGroup: "/flexjob/billing/nightly",
      repository: "flexjob/billing/nightly",
      executionRole: "billing-flexjob-execution",
      schedulerRole: "billing-flexjob-scheduler",
    });
  });

  it("keeps shard names of different jobs apart", () => {
    expect(names.schedule("app", "a", 1)).not.toBe(names.schedule("app", "a-1"));
  });
});

describe("fitName", () => {
  it("leaves a name within the limit alone", () => {
    expect(fitName("short", 10)).toBe("short");
  });

  it("shortens a long name to the limit with a stable hash suffix", () => {
    const long = "x".repeat(70);
    const fitted = fitName(long, 64);
    expect(fitted).toHaveLength(64);
    expect(fitted).toBe(fitName(long, 64));
    expect(fitted).not.toBe(fitName(`${"x".repeat(69)}y`, 64));
  });
});

describe("parsing flexjob's names back", () => {
  it("a schedule's name gives its job, with a shard's suffix dropped, and nothing for another app's", () => {
    expect({
      plain: jobOfSchedule("billing", "billing-nightly"),
      shard: jobOfSchedule("billing", "billing-nightly.3"),
      dashed: jobOfSchedule("billing", "billing-eu-report"),
      other: jobOfSchedule("billing", "payroll-nightly"),
      bare: jobOfSchedule("billing", "billing-"),
    }).toEqual({
      plain: "nightly",
      shard: "nightly",
      dashed: "eu-report",
      other: undefined,
      bare: undefined,
    });
  });

  it("a task definition ARN gives its family and revision", () => {
    const arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-nightly:12";
    expect({ family: familyOfArn(arn), revision: revisionOf(arn) }).toEqual({
      family: "billing-nightly",
      revision: 12,
    });
  });
});
