import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from "@aws-sdk/client-ecs";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  InvalidDefinition,
  InvalidName,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";
import { defaultSubnet, TRUST_ECS_TASKS } from "../../test-support.js";

let aws: FakeAws;
let sfn: SFNClient;
let ecs: ECSClient;
let subnet: string;
const ACCOUNT = "123456789012";
const CLUSTER = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/jobs`;
const FAMILY = "nightly";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/states`;
const TRUST_STATES = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: "2026-01-01T00:00:00Z" } });
  sfn = new SFNClient({ ...aws.clientConfig(), maxAttempts: 1 });
  ecs = new ECSClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  sfn.destroy();
  ecs.destroy();
  await aws.close();
});
beforeEach(async () => {
  aws.reset();
  const iam = new IAMClient(aws.clientConfig());
  await iam.send(new CreateRoleCommand({ RoleName: "states", AssumeRolePolicyDocument: TRUST_STATES }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: "states",
      PolicyName: "run",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["ecs:RunTask", "ecs:StopTask", "ecs:ListTasks"], Resource: "*" },
        ],
      }),
    }),
  );
  await iam.send(new CreateRoleCommand({ RoleName: "tasks", AssumeRolePolicyDocument: TRUST_ECS_TASKS }));
  iam.destroy();
  await ecs.send(new CreateClusterCommand({ clusterName: "jobs" }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: FAMILY,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      containerDefinitions: [{ name: "job", image: "busybox" }],
    }),
  );
  subnet = await defaultSubnet(aws);
  // Tasks: 10 s provisioning + 20 s pending + 60 s running + 10 s stopping = STOPPED at 100 s.
});

const RUN_TASK = () => ({
  Type: "Task",
  Resource: "arn:aws:states:::ecs:runTask.sync",
  Parameters: {
    Cluster: CLUSTER,
    TaskDefinition: FAMILY,
    LaunchType: "FARGATE",
    NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [subnet] } },
    Overrides: {
      ContainerOverrides: [
        { Name: "job", Environment: [{ Name: "FLEXJOB_RUN_ID", "Value.$": "$$.Execution.Name" }] },
      ],
    },
  },
});

async function machine(definition: Record<string, unknown>, name = "job"): Promise<string> {
  const out = await sfn.send(
    new CreateStateMachineCommand({ name, roleArn: ROLE, definition: JSON.stringify(definition) }),
  );
  return out.stateMachineArn as string;
}

async function start(arn: string, name = "run-1", input = "{}"): Promise<string> {
  const out = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name, input }));
  return out.executionArn as string;
}

async function described(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

async function runningTasks(): Promise<string[]> {
  return (await ecs.send(new ListTasksCommand({ cluster: "jobs" }))).taskArns ?? [];
}

describe("definition validation", () => {
  async function rejection(definition: unknown): Promise<string> {
    const error = await sfn
      .send(
        new CreateStateMachineCommand({ name: "bad", roleArn: ROLE, definition: JSON.stringify(definition) }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDefinition);
    return (error as Error).message;
  }

  it("rejects a missing Next target", async () => {
    expect(await rejection({ StartAt: "A", States: { A: { Type: "Pass", Next: "B" } } })).toBe(
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next'",
    );
  });

  it("rejects an unreachable state", async () => {
    expect(
      await rejection({ StartAt: "A", States: { A: { Type: "Succeed" }, B: { Type: "Succeed" } } }),
    ).toBe("Invalid State Machine Definition: 'UNREACHABLE_STATE: State 'B' is not reachable at /States/B'");
  });

  it("rejects a state with both Next and End, and an unknown field", async () => {
    expect(
      await rejection({ StartAt: "A", States: { A: { Type: "Pass", End: true, Next: "A", Foo: 1 } } }),
    ).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field 'Foo' is not supported by Step Functions at /States/A, SCHEMA_VALIDATION_FAILED: A state must have exactly one of 'Next' or 'End': true at /States/A'",
    );
  });

  it("rejects States.ALL beside other errors, and a BackoffRate under 1", async () => {
    const message = await rejection({
      StartAt: "A",
      States: {
        A: { ...RUN_TASK(), End: true, Retry: [{ ErrorEquals: ["States.ALL", "X"], BackoffRate: 0.5 }] },
      },
    });
    expect(message).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear alone, in the last retrier or catcher at /States/A/Retry[0]/ErrorEquals, SCHEMA_VALIDATION_FAILED: BackoffRate must be at least 1.0 at /States/A/Retry[0]/BackoffRate'",
    );
  });

  it("rejects a Choice rule with two comparisons, a bad path and an unknown intrinsic", async () => {
    const message = await rejection({
      StartAt: "C",
      States: {
        C: {
          Type: "Choice",
          Choices: [{ Variable: "$.a", IsPresent: true, IsNull: false, Next: "P" }],
          Default: "P",
        },
        P: { Type: "Pass", Parameters: { "a.$": "a.b", "b.$": "States.UUID()" }, End: true },
      },
    });
    expect(message).toContain(
      "A choice rule must have exactly one comparison operator at /States/C/Choices[0]",
    );
    expect(message).toContain(
      "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call",
    );
    expect(message).toContain("unsupported intrinsic function States.UUID");
  });

  it("refuses what it cannot run: a Wait state, another resource, a distributed Map", async () => {
    expect(await rejection({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 1, End: true } } })).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: \"Wait\" is not a supported state type at /States/W/Type'",
    );
    expect(
      await rejection({
        StartAt: "T",
        States: { T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } },
      }),
    ).toContain("is not supported by fake-aws");
    expect(
      await rejection({
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED" },
              StartAt: "S",
              States: { S: { Type: "Succeed" } },
            },
            End: true,
          },
        },
      }),
    ).toContain("fake-aws runs only INLINE Map states");
  });

  it("refuses a role Step Functions may not assume", async () => {
    const error = await sfn
      .send(
        new CreateStateMachineCommand({
          name: "x",
          roleArn: `arn:aws:iam::${ACCOUNT}:role/tasks`,
          definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Succeed" } } }),
        }),
      )
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("AccessDeniedException");
  });
});

describe("states", () => {
  it("Pass, Choice and Succeed move data with Parameters, intrinsics, ResultPath and OutputPath", async () => {
    const arn = await machine({
      StartAt: "Shape",
      States: {
        Shape: {
          Type: "Pass",
          Parameters: {
            "label.$": "States.Format('{}-{}', $.job, $$.Execution.Name)",
            "next.$": "States.MathAdd($.n, 1)",
            "parsed.$": "States.StringToJson($.raw)",
            "text.$": "States.JsonToString($.obj)",
            "list.$": "States.Array($.n, 'x')",
          },
          ResultPath: "$.shaped",
          Next: "Branch",
        },
        Branch: {
          Type: "Choice",
          Choices: [{ Variable: "$.shaped.next", NumericGreaterThan: 5, Next: "Big" }],
          Default: "Small",
        },
        Big: { Type: "Succeed", OutputPath: "$.shaped" },
        Small: { Type: "Fail", Error: "Small", Cause: "n too small" },
      },
    });
    const execution = await start(
      arn,
      "r1",
      JSON.stringify({ job: "nightly", n: 5, raw: '{"a":1}', obj: { b: 2 } }),
    );
    const out = await described(execution);
    expect(out.status).toBe("SUCCEEDED");
    expect(JSON.parse(out.output as string)).toEqual({
      label: "nightly-r1",
      next: 6,
      parsed: { a: 1 },
      text: '{"b":2}',
      list: [5, "x"],
    });
  });

  it("a Fail state fails the execution with its Error and Cause, and Choice with no match fails", async () => {
    const arn = await machine({
      StartAt: "C",
      States: {
        C: { Type: "Choice", Choices: [{ Variable: "$.go", BooleanEquals: true, Next: "F" }] },
        F: { Type: "Fail", Error: "Nope", Cause: "said no" },
      },
    });
    const failed = await described(await start(arn, "a", '{"go":true}'));
    expect([failed.status, failed.error, failed.cause]).toEqual(["FAILED", "Nope", "said no"]);
    const unmatched = await described(await start(arn, "b", '{"go":false}'));
    expect([unmatched.status, unmatched.error]).toEqual(["FAILED", "States.NoChoiceMatched"]);
  });

  it("ecs:runTask.sync waits for the task to stop and returns it in PascalCase", async () => {
    const arn = await machine({
      StartAt: "Run",
      States: {
        Run: {
          ...RUN_TASK(),
          ResultSelector: { "code.$": "$.Containers[0].ExitCode", "stop.$": "$.StopCode" },
          End: true,
        },
      },
    });
    const execution = await start(arn, "run-42");
    await aws.clock.advance(50_000);
    expect((await described(execution)).status).toBe("RUNNING");
    const [taskArn] = await runningTasks();
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: "jobs", tasks: [taskArn as string] })))
      .tasks?.[0];
    expect(task?.overrides?.containerOverrides?.[0]?.environment).toEqual([
      { name: "FLEXJOB_RUN_ID", value: "run-42" },
    ]);
    await aws.clock.advance(50_000);
    const out = await described(execution);
    expect([out.status, JSON.parse(out.output as string)]).toEqual([
      "SUCCEEDED",
      { code: 0, stop: "EssentialContainerExited" },
    ]);
  });

  it("an execution catching up after a jump of hours still sees how its task ended", async () => {
    aws.ecs.setExitCode(FAMILY, 4);
    const arn = await machine({ StartAt: "Run", States: { Run: { ...RUN_TASK(), End: true } } });
    const execution = await start(arn);
    aws.clock.advance(3 * 3_600_000); // ECS forgets a stopped task after an hour
    const out = await described(execution);
    expect([out.status, JSON.parse(out.cause as string).Containers[0].ExitCode]).toEqual(["FAILED", 4]);
    expect(out.stopDate?.toISOString()).toBe("2026-01-01T00:01:40.000Z");
  });

  it("a non-zero exit fails the .sync task with States.TaskFailed and the task as Cause", async () => {
    aws.ecs.setExitCode(FAMILY, 3);
    const arn = await machine({ StartAt: "Run", States: { Run: { ...RUN_TASK(), End: true } } });
    const execution = await start(arn);
    aws.clock.advance(100_000);
    const out = await described(execution);
    expect([out.status, out.error]).toEqual(["FAILED", "States.TaskFailed"]);
    const cause = JSON.parse(out.cause as string);
    expect([cause.LastStatus, cause.StopCode, cause.Containers[0].ExitCode]).toEqual([
      "STOPPED",
      "EssentialContainerExited",
      3,
    ]);
  });

  it("Retry backs off on the fake clock: exit 1, then 0 after IntervalSeconds", async () => {
    aws.ecs.setExitCodes(FAMILY, [1, 1, 0]);
    const arn = await machine({
      StartAt: "Run",
      States: {
        Run: {
          ...RUN_TASK(),
          Retry: [
            { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 10, BackoffRate: 3, MaxAttempts: 2 },
          ],
          ResultSelector: { "retries.$": "$$.State.RetryCount" },
          End: true,
        },
      },
    });
    const execution = await start(arn);
    aws.clock.advance(100_000); // first task stopped (exit 1); the retry waits 10 s
    expect(await runningTasks()).toEqual([]);
    aws.clock.advance(10_000); // second task starts at 110 s
    expect(await runningTasks()).toHaveLength(1);
    aws.clock.advance(100_000 + 29_000); // stopped at 210 s; the next waits 30 s (10 × 3)
    expect(await runningTasks()).toEqual([]);
    aws.clock.advance(1_000);
    expect(await runningTasks()).toHaveLength(1);
    aws.clock.advance(100_000);
    const out = await described(execution);
    expect([out.status, out.output]).toEqual(["SUCCEEDED", '{"retries":2}']);
  });

  it("MaxDelaySeconds caps the backoff", async () => {
    aws.ecs.setExitCodes(FAMILY, [1, 1, 0]);
    const arn = await machine({
      StartAt: "Run",
      States: {
        Run: {
          ...RUN_TASK(),
          Retry: [
            {
              ErrorEquals: ["States.ALL"],
              IntervalSeconds: 5,
              BackoffRate: 10,
              MaxDelaySeconds: 20,
              MaxAttempts: 2,
            },
          ],
          End: true,
        },
      },
    });
    await start(arn);
    aws.clock.advance(100_000 + 5_000 + 100_000 + 19_000); // second wait: 50 s capped to 20 s
    expect(await runningTasks()).toEqual([]);
    aws.clock.advance(1_000);
    expect(await runningTasks()).toHaveLength(1);
  });

  it("Catch sends the error to its Next with ResultPath", async () => {
    aws.ecs.setExitCode(FAMILY, 1);
    const arn = await machine({
      StartAt: "Run",
      States: {
        Run: {
          ...RUN_TASK(),
          Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "Report" }],
          End: true,
        },
        Report: { Type: "Pass", Parameters: { "error.$": "$.failure.Error", "job.$": "$.job" }, End: true },
      },
    });
    const execution = await start(arn, "c", '{"job":"nightly"}');
    aws.clock.advance(100_000);
    expect((await described(execution)).output).toBe('{"error":"States.TaskFailed","job":"nightly"}');
  });

  it("a Map runs each shard and collects the results in order", async () => {
    const arn = await machine({
      StartAt: "Shards",
      States: {
        Shards: {
          Type: "Map",
          ItemsPath: "$.shards",
          ItemSelector: { "index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value" },
          ItemProcessor: {
            StartAt: "Run",
            States: {
              Run: {
                ...RUN_TASK(),
                ResultSelector: { "code.$": "$.Containers[0].ExitCode" },
                ResultPath: "$.result",
                End: true,
              },
            },
          },
          End: true,
        },
      },
    });
    const execution = await start(arn, "m", '{"shards":["a","b"]}');
    aws.clock.advance(1);
    expect(await runningTasks()).toHaveLength(2);
    aws.clock.advance(100_000);
    expect(JSON.parse((await described(execution)).output as string)).toEqual([
      { index: 0, value: "a", result: { code: 0 } },
      { index: 1, value: "b", result: { code: 0 } },
    ]);
  });

  it("a Parallel state runs its branches side by side", async () => {
    const arn = await machine({
      StartAt: "Both",
      States: {
        Both: {
          Type: "Parallel",
          Branches: [
            { StartAt: "A", States: { A: { Type: "Pass", Result: 1, End: true } } },
            { StartAt: "B", States: { B: { Type: "Pass", Result: 2, End: true } } },
          ],
          End: true,
        },
      },
    });
    expect((await described(await start(arn))).output).toBe("[1,2]");
  });

  it("an overlap check lists the family's running tasks through aws-sdk:ecs:listTasks", async () => {
    aws.ecs.hangNext(FAMILY);
    const arn = await machine({
      StartAt: "Check",
      States: {
        Check: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:ecs:listTasks",
          Parameters: { Cluster: CLUSTER, Family: FAMILY, DesiredStatus: "RUNNING" },
          ResultSelector: { "running.$": "$.TaskArns" },
          Next: "Busy?",
        },
        "Busy?": {
          Type: "Choice",
          Choices: [{ Variable: "$.running[0]", IsPresent: true, Next: "Skip" }],
          Default: "Run",
        },
        Skip: { Type: "Succeed" },
        Run: { ...RUN_TASK(), End: true },
      },
    });
    const first = await start(arn, "first");
    aws.clock.advance(1_000);
    const second = await start(arn, "second");
    aws.clock.advance(1_000);
    expect((await described(second)).status).toBe("SUCCEEDED");
    expect((await described(first)).status).toBe("RUNNING");
    expect(await runningTasks()).toHaveLength(1);
  });
});

describe("timeouts and stopping", () => {
  it("a state's TimeoutSeconds stops the hanging task and fails with States.Timeout", async () => {
    aws.ecs.hangNext(FAMILY);
    const arn = await machine({
      StartAt: "Run",
      States: { Run: { ...RUN_TASK(), TimeoutSeconds: 300, End: true } },
    });
    const execution = await start(arn);
    aws.clock.advance(299_000);
    expect(await runningTasks()).toHaveLength(1);
    aws.clock.advance(1_000);
    const out = await described(execution);
    expect([out.status, out.error]).toEqual(["FAILED", "States.Timeout"]);
    expect(await runningTasks()).toEqual([]);
    const stopped = await ecs.send(new ListTasksCommand({ cluster: "jobs", desiredStatus: "STOPPED" }));
    const task = (
      await ecs.send(new DescribeTasksCommand({ cluster: "jobs", tasks: stopped.taskArns ?? [] }))
    ).tasks?.[0];
    expect(task?.stopCode).toBe("UserInitiated");
  });

  it("the machine's TimeoutSeconds times the execution out and stops the task", async () => {
    aws.ecs.hangNext(FAMILY);
    const arn = await machine({
      TimeoutSeconds: 600,
      StartAt: "Run",
      States: { Run: { ...RUN_TASK(), End: true } },
    });
    const execution = await start(arn);
    aws.clock.advance(600_000);
    const out = await described(execution);
    expect([out.status, out.error, out.stopDate?.toISOString()]).toEqual([
      "TIMED_OUT",
      "States.Timeout",
      "2026-01-01T00:10:00.000Z",
    ]);
    expect(await runningTasks()).toEqual([]);
  });

  it("StopExecution aborts the execution and stops its task", async () => {
    aws.ecs.hangNext(FAMILY);
    const arn = await machine({ StartAt: "Run", States: { Run: { ...RUN_TASK(), End: true } } });
    const execution = await start(arn);
    aws.clock.advance(5_000);
    expect(await runningTasks()).toHaveLength(1);
    await sfn.send(
      new StopExecutionCommand({ executionArn: execution, error: "Replaced", cause: "a newer run" }),
    );
    const out = await described(execution);
    expect([out.status, out.error, out.cause]).toEqual(["ABORTED", "Replaced", "a newer run"]);
    expect(await runningTasks()).toEqual([]);
  });

  it("a Spot interruption fails the .sync task; a task stopped by a person too", async () => {
    aws.ecs.interruptNext(FAMILY, 10_000);
    const arn = await machine({ StartAt: "Run", States: { Run: { ...RUN_TASK(), End: true } } });
    const spot = await start(arn, "spot");
    aws.clock.advance(100_000);
    const cause = JSON.parse((await described(spot)).cause as string);
    expect([cause.StopCode, cause.StoppedReason, cause.Containers[0].ExitCode]).toEqual([
      "SpotInterruption",
      "Your Spot Task was interrupted.",
      143,
    ]);

    aws.ecs.hangNext(FAMILY);
    const manual = await start(arn, "manual");
    aws.clock.advance(40_000);
    const [taskArn] = await runningTasks();
    aws.ecs.stopTask(taskArn as string);
    aws.clock.advance(10_000);
    const out = await described(manual);
    expect([out.status, out.error, JSON.parse(out.cause as string).StopCode]).toEqual([
      "FAILED",
      "States.TaskFailed",
      "UserInitiated",
    ]);
  });
});

describe("executions", () => {
  it("StartExecution with the same name and input while running returns the same execution", async () => {
    aws.ecs.hangNext(FAMILY);
    const arn = await machine({ StartAt: "Run", States: { Run: { ...RUN_TASK(), End: true } } });
    const first = await start(arn, "exec-1", '{"a":1}');
    aws.clock.advance(1_000);
    expect(await start(arn, "exec-1", '{"a":1}')).toBe(first);
    await expect(start(arn, "exec-1", '{"a":2}')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }))).executions).toHaveLength(1);
    expect(await runningTasks()).toHaveLength(1);
  });

  it("a closed execution's name stays taken for 90 days", async () => {
    const arn = await machine({ StartAt: "A", States: { A: { Type: "Succeed" } } });
    await start(arn, "once");
    await expect(start(arn, "once")).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    aws.clock.advance(90 * 24 * 3600 * 1000);
    await expect(start(arn, "once")).resolves.toContain(":execution:job:once");
  });

  it("refuses an execution name with a space or over 80 characters", async () => {
    const arn = await machine({ StartAt: "A", States: { A: { Type: "Succeed" } } });
    await expect(start(arn, "a b")).rejects.toBeInstanceOf(InvalidName);
    await expect(start(arn, "x".repeat(81))).rejects.toBeInstanceOf(InvalidName);
  });

  it("an execution whose role may not RunTask fails with ECS.AccessDeniedException", async () => {
    const iam = new IAMClient(aws.clientConfig());
    await iam.send(new CreateRoleCommand({ RoleName: "weak", AssumeRolePolicyDocument: TRUST_STATES }));
    iam.destroy();
    const arn = await machine({ StartAt: "Run", States: { Run: { ...RUN_TASK(), End: true } } });
    await sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, roleArn: `arn:aws:iam::${ACCOUNT}:role/weak` }),
    );
    const out = await described(await start(arn));
    expect([out.status, out.error]).toEqual(["FAILED", "ECS.AccessDeniedException"]);
    expect(out.cause).toContain("is not authorized to perform: ecs:RunTask");
    expect(await runningTasks()).toEqual([]);
  });

  it("keeps a history and publishes a status change event on start and end", async () => {
    const events: { detailType: string; status: unknown }[] = [];
    const publish = aws.world.publishEvent;
    aws.world.publishEvent = (event) => {
      if (event.source === "aws.states")
        events.push({ detailType: event.detailType, status: event.detail.status });
    };
    const arn = await machine({ StartAt: "A", States: { A: { Type: "Pass", End: true } } });
    const history = await start(arn)
      .then((execution) => sfn.send(new GetExecutionHistoryCommand({ executionArn: execution })))
      .finally(() => {
        if (publish) aws.world.publishEvent = publish;
      });
    expect(history.events?.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "PassStateEntered",
      "PassStateExited",
      "ExecutionSucceeded",
    ]);
    expect(events).toEqual([
      { detailType: "Step Functions Execution Status Change", status: "RUNNING" },
      { detailType: "Step Functions Execution Status Change", status: "SUCCEEDED" },
    ]);
  });
});

describe("ECS task behaviours over the /_fake routes", () => {
  const control = (path: string, body: unknown) =>
    fetch(`${aws.url}/_fake/ecs/${path}`, { method: "POST", body: JSON.stringify(body) });
  const run = async () => {
    const out = await ecs.send(
      new RunTaskCommand({
        cluster: "jobs",
        taskDefinition: FAMILY,
        launchType: "FARGATE",
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
      }),
    );
    return out.tasks?.[0]?.taskArn as string;
  };
  const task = async (arn: string) =>
    (await ecs.send(new DescribeTasksCommand({ cluster: "jobs", tasks: [arn] }))).tasks?.[0];

  it("exit codes one per task, a hang ended by a person, a Spot interruption", async () => {
    expect((await control("exit-codes", { family: FAMILY, exitCodes: [2, 0] })).status).toBe(200);
    const [first, second] = [await run(), await run()];
    aws.clock.advance(100_000);
    expect([
      (await task(first))?.containers?.[0]?.exitCode,
      (await task(second))?.containers?.[0]?.exitCode,
    ]).toEqual([2, 0]);

    await control("hang", { family: FAMILY });
    const hanging = await run();
    aws.clock.advance(3_600_000);
    expect((await task(hanging))?.lastStatus).toBe("RUNNING");
    await control("stop-task", { task: hanging, reason: "stopped from the console" });
    aws.clock.advance(10_000);
    const stopped = await task(hanging);
    expect([stopped?.lastStatus, stopped?.stopCode, stopped?.stoppedReason]).toEqual([
      "STOPPED",
      "UserInitiated",
      "stopped from the console",
    ]);

    await control("spot-interruption", { family: FAMILY, afterMs: 5_000 });
    const reclaimed = await run();
    aws.clock.advance(45_000); // started at 30 s, reclaimed at 35 s, stopped 10 s later
    expect((await task(reclaimed))?.stopCode).toBe("SpotInterruption");
  });
});
