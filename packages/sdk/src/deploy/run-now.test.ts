import { describe, expect, it } from "vitest";
import { type RunNowResult, runFailure, type TaskRun } from "./run-now.js";

function task(shard: number, ended: Partial<TaskRun>): TaskRun {
  return {
    taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/billing-flexjob/${shard}`,
    shard,
    lastStatus: "STOPPED",
    exitCode: undefined,
    stoppedReason: undefined,
    startedAt: undefined,
    stoppedAt: undefined,
    durationSeconds: undefined,
    ...ended,
  };
}

describe("runFailure", () => {
  it("is JOB_FAILED, the user's to fix, naming each task's exit code or stop reason", () => {
    const failed: RunNowResult[] = [
      {
        job: "report",
        runId: "run-1",
        succeeded: false,
        tasks: [task(0, { exitCode: 3 }), task(1, { stoppedReason: "Essential container in task exited" })],
      },
    ];
    expect(runFailure(failed)).toMatchObject({
      code: "JOB_FAILED",
      fault: "user",
      message: "run-now: report (task 1 exit 3, task 2 stopped: Essential container in task exited)",
      remedy: "the job's code failed; read its output in the logs linked from the job summary",
    });
  });
});
