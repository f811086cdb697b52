import { describe, expect, it } from "vitest";
import { toTaskRun } from "./run-now.js";
import { runsOf } from "./runs.js";

/** ECS lists a task's containers in no promised order: here the log router comes first. */
const CONTAINERS = [
  { name: "log_router", exitCode: 0 },
  { name: "report", exitCode: 1 },
];

describe("a job with a log router", () => {
  it("takes a run's exit code from the job's container, not the router's", () => {
    const [run] = runsOf(
      [
        {
          taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/shop/a1",
          stopCode: "EssentialContainerExited",
          stoppedAt: "2026-12-05T03:31:00Z",
          containers: CONTAINERS,
          overrides: {
            containerOverrides: [
              { name: "report", environment: [{ name: "FLEXJOB_RUN_ID", value: "run-1" }] },
            ],
          },
        },
      ],
      { group: "/flexjob/shop/report", streamPrefix: "report" },
    );
    expect([run?.outcome, run?.tasks.map((task) => task.exitCode)]).toEqual(["failed", [1]]);
  });

  it("takes a started task's exit code from the job's container too", () => {
    expect(
      toTaskRun({ taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/shop/a1", containers: CONTAINERS }, 0)
        .exitCode,
    ).toBe(1);
  });
});
