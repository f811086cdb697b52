import { describe, expect, it } from "vitest";
import { fitName, names } from "./naming.js";

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
