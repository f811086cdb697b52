import { describe, expect, it } from "vitest";
import { runsOf } from "./runs.js";

const LOGS = { group: "/flexjob/shop/report", streamPrefix: "report" };

/** An ECS "Task State Change" detail for a stopped task of a flexjob schedule. */
function stopped(options: {
  task: string;
  run: string;
  shard?: number;
  attempt?: number;
  exitCode?: number;
  stopCode?: string;
  reason?: string;
  start?: string;
  stop: string;
}) {
  return {
    taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/shop/${options.task}`,
    group: "family:shop-report",
    stopCode: options.stopCode ?? "EssentialContainerExited",
    stoppedReason: options.reason ?? "Essential container in task exited",
    ...(options.start === undefined ? {} : { startedAt: options.start }),
    stoppedAt: options.stop,
    containers: [
      { name: "report", ...(options.exitCode === undefined ? {} : { exitCode: options.exitCode }) },
    ],
    overrides: {
      containerOverrides: [
        {
          name: "report",
          environment: [
            { name: "FLEXJOB_RUN_ID", value: options.run },
            { name: "FLEXJOB_SCHEDULED_TIME", value: "2026-12-05T03:30:00Z" },
            { name: "FLEXJOB_TASK_INDEX", value: String(options.shard ?? 0) },
            { name: "FLEXJOB_ATTEMPT", value: String(options.attempt ?? 1) },
          ],
        },
      ],
    },
  };
}

describe("runsOf", () => {
  it("groups a run's shards and attempts: the last attempt of each shard decides, newest run first", () => {
    const records = [
      stopped({
        task: "a1",
        run: "run-1",
        exitCode: 1,
        start: "2026-12-05T03:30:10Z",
        stop: "2026-12-05T03:31:00Z",
      }),
      stopped({
        task: "a2",
        run: "run-1",
        attempt: 2,
        exitCode: 0,
        start: "2026-12-05T03:32:00Z",
        stop: "2026-12-05T03:35:10Z",
      }),
      stopped({
        task: "b1",
        run: "run-1",
        shard: 1,
        exitCode: 0,
        start: "2026-12-05T03:30:12Z",
        stop: "2026-12-05T03:33:00Z",
      }),
      stopped({
        task: "c1",
        run: "run-2",
        exitCode: 3,
        start: "2026-12-06T03:30:10Z",
        stop: "2026-12-06T03:30:40Z",
      }),
    ];
    const [latest, earlier] = runsOf(records, LOGS);
    expect(latest).toMatchObject({ runId: "run-2", outcome: "failed", attempts: 1, durationSeconds: 30 });
    expect(earlier).toMatchObject({
      runId: "run-1",
      scheduledTime: "2026-12-05T03:30:00Z",
      startedAt: "2026-12-05T03:30:10Z",
      stoppedAt: "2026-12-05T03:35:10Z",
      durationSeconds: 300,
      outcome: "succeeded",
      attempts: 2,
      logs: LOGS,
    });
    expect(earlier?.tasks.map((task) => [task.shard, task.attempt, task.exitCode])).toEqual([
      [0, 1, 1],
      [0, 2, 0],
      [1, 1, 0],
    ]);
  });

  it("a task that never ran its container (Spot, failed to start) makes the run interrupted, not failed", () => {
    const [run] = runsOf(
      [
        stopped({
          task: "s1",
          run: "run-3",
          stopCode: "SpotInterruption",
          reason: "Your Spot Task was interrupted.",
          stop: "2026-12-06T04:00:00Z",
        }),
      ],
      LOGS,
    );
    expect(run).toMatchObject({ outcome: "interrupted", durationSeconds: undefined });
    expect(run?.tasks[0]).toMatchObject({ exitCode: undefined, stopCode: "SpotInterruption" });
  });

  it("a task without flexjob's run context (started by hand) is a run of its own", () => {
    const record = {
      ...stopped({ task: "h1", run: "x", exitCode: 0, stop: "2026-12-06T05:00:00Z" }),
      overrides: {},
    };
    expect(runsOf([record], LOGS).map((run) => [run.runId, run.outcome, run.attempts])).toEqual([
      ["arn:aws:ecs:eu-west-1:123456789012:task/shop/h1", "succeeded", 1],
    ]);
  });
});

/** The SQS record of a Scheduler dead letter, as the missed-runs pipe puts it on the bus. */
function deadLetter(attributes: Record<string, string>) {
  return {
    messageId: "m-1",
    body: "{}",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:eu-west-1:123456789012:flexjob-shop-missed",
    messageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [
        name,
        { stringValue: value, stringListValues: [], binaryListValues: [], dataType: "String" },
      ]),
    ),
  };
}

describe("runsOf: missed runs", () => {
  it("shows a run Scheduler could not start as missed, at its scheduled time, with Scheduler's reason", () => {
    const records = [
      stopped({
        task: "a1",
        run: "run-1",
        exitCode: 0,
        start: "2026-12-05T03:30:10Z",
        stop: "2026-12-05T03:31:00Z",
      }),
    ];
    const missed = [
      deadLetter({
        EXECUTION_ID: "exec-2",
        SCHEDULED_TIME: "2026-12-06T03:30:00Z",
        SCHEDULE_ARN: "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-shop/shop-report",
        ERROR_CODE: "AccessDeniedException",
        ERROR_MESSAGE: "not authorized to perform: ecs:RunTask",
      }),
    ];
    const list = runsOf(records, LOGS, [], missed);
    expect(list.map((run) => [run.runId, run.outcome])).toEqual([
      ["exec-2", "missed"],
      ["run-1", "succeeded"],
    ]);
    expect(list[0]).toEqual({
      runId: "exec-2",
      scheduledTime: "2026-12-06T03:30:00Z",
      startedAt: undefined,
      stoppedAt: undefined,
      durationSeconds: undefined,
      outcome: "missed",
      attempts: 0,
      tasks: [],
      logs: LOGS,
      reason: "AccessDeniedException: not authorized to perform: ecs:RunTask",
    });
  });
});

describe("runsOf: duplicate deliveries", () => {
  it("a late duplicate of a run that happened, refused by Step Functions, is not a missed run", () => {
    const records = [
      stopped({
        task: "a1",
        run: "exec-1",
        exitCode: 0,
        start: "2026-12-05T03:30:10Z",
        stop: "2026-12-05T03:31:00Z",
      }),
    ];
    const duplicate = deadLetter({
      EXECUTION_ID: "exec-1",
      SCHEDULED_TIME: "2026-12-05T03:30:00Z",
      SCHEDULE_ARN: "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-shop/shop-report",
      ERROR_CODE: "ExecutionAlreadyExists",
      ERROR_MESSAGE:
        "Execution Already Exists: 'arn:aws:states:eu-west-1:123456789012:execution:shop-report:exec-1'",
    });
    expect(runsOf(records, LOGS, [], [duplicate]).map((run) => [run.runId, run.outcome])).toEqual([
      ["exec-1", "succeeded"],
    ]);
    // The same refusal for an execution whose run left no record yet is still not a missed run.
    expect(runsOf([], LOGS, [], [duplicate])).toEqual([]);
  });
});
