import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  InvalidArn,
  InvalidDefinition,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineTypeNotSupported,
} from "@aws-sdk/client-sfn";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AwsError, type CallContext, type World } from "../../core/types.js";
import { type FakeAws, startFakeAws } from "../../index.js";

/** EXPRESS state machines written in JSONata, publishing metrics through aws-sdk:cloudwatch:putMetricData. */

let aws: FakeAws;
let sfn: SFNClient;
const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/metrics`;
const PUT_METRIC_DATA = "arn:aws:states:::aws-sdk:cloudwatch:putMetricData";
const TRUST_STATES = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** What the stub CloudWatch was asked, and what it answers. */
let published: { input: Record<string, unknown>; region: string; at: string }[];
let cloudwatchRefuses: AwsError | undefined;
let realCloudwatch: World["cloudwatch"];

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: "2026-01-01T00:00:00Z" } });
  sfn = new SFNClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  sfn.destroy();
  await aws.close();
});
beforeEach(async () => {
  aws.reset();
  published = [];
  cloudwatchRefuses = undefined;
  realCloudwatch = aws.world.cloudwatch;
  aws.world.cloudwatch = {
    putMetricData(input: Record<string, unknown>, context: CallContext) {
      if (cloudwatchRefuses) throw cloudwatchRefuses;
      published.push({ input, region: context.region, at: context.now().toISOString() });
      return {};
    },
  };
  await role("flexjob");
});
afterEach(() => {
  if (realCloudwatch === undefined) delete aws.world.cloudwatch;
  else aws.world.cloudwatch = realCloudwatch;
});

/** The execution role, allowed PutMetricData only into `namespace`. */
async function role(namespace: string): Promise<void> {
  const iam = new IAMClient(aws.clientConfig());
  await iam.send(new CreateRoleCommand({ RoleName: "metrics", AssumeRolePolicyDocument: TRUST_STATES }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: "metrics",
      PolicyName: "put",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": namespace } },
          },
        ],
      }),
    }),
  );
  iam.destroy();
}

async function express(definition: Record<string, unknown>, name = "metrics"): Promise<string> {
  const out = await sfn.send(
    new CreateStateMachineCommand({
      name,
      type: "EXPRESS",
      roleArn: ROLE,
      definition: JSON.stringify(definition),
    }),
  );
  return out.stateMachineArn as string;
}

async function start(arn: string, input: unknown): Promise<string> {
  const out = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: arn, name: "run-1", input: JSON.stringify(input) }),
  );
  return out.executionArn as string;
}

/** EXPRESS executions cannot be described through the API; the fake's snapshot shows how they ended. */
function ended(executionArn: string): Record<string, unknown> | undefined {
  const states = aws.snapshot().services.states as { executions: Record<string, unknown>[] };
  return states.executions.find((e) => e.arn === executionArn);
}

const STOPPED_EVENT = {
  "detail-type": "ECS Task State Change",
  source: "aws.ecs",
  detail: {
    group: "family:nightly",
    startedAt: "2026-01-01T00:00:10.000Z",
    stoppedAt: "2026-01-01T00:01:40.500Z",
    containers: [{ name: "job", exitCode: 0 }],
  },
};

const RUN_METRICS = {
  QueryLanguage: "JSONata",
  StartAt: "Measure",
  States: {
    Measure: {
      Type: "Pass",
      Output:
        "{% {'job': $substringAfter($states.input.detail.group, 'family:'), 'seconds': ($toMillis($states.input.detail.stoppedAt) - $toMillis($states.input.detail.startedAt)) / 1000, 'failed': $count($states.input.detail.containers[exitCode != 0]) > 0} %}",
      Next: "Publish",
    },
    Publish: {
      Type: "Task",
      Resource: PUT_METRIC_DATA,
      Arguments: {
        Namespace: "flexjob",
        MetricData: [
          {
            MetricName: "Duration",
            Dimensions: [{ Name: "Job", Value: "{% $states.input.job %}" }],
            Value: "{% $states.input.seconds %}",
            Unit: "Seconds",
          },
          {
            MetricName: "Failed",
            Dimensions: [{ Name: "Job", Value: "{% $states.input.job %}" }],
            Value: "{% $states.input.failed ? 1 : 0 %}",
          },
        ],
      },
      Output: "{% {'published': $exists($states.result), 'job': $states.input.job} %}",
      End: true,
    },
  },
};

describe("EXPRESS state machines", () => {
  it("an EXPRESS JSONata machine computes a run's duration from two ISO timestamps and publishes it", async () => {
    const arn = await express(RUN_METRICS);
    const executionArn = await start(arn, STOPPED_EVENT);
    expect(executionArn).toMatch(
      /^arn:aws:states:us-east-1:123456789012:express:metrics:run-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(ended(executionArn)).toEqual({
      arn: executionArn,
      status: "SUCCEEDED",
      input: JSON.stringify(STOPPED_EVENT),
      output: JSON.stringify({ published: true, job: "nightly" }),
    });
    expect(published).toEqual([
      {
        input: {
          Namespace: "flexjob",
          MetricData: [
            {
              MetricName: "Duration",
              Dimensions: [{ Name: "Job", Value: "nightly" }],
              Value: 90.5,
              Unit: "Seconds",
            },
            { MetricName: "Failed", Dimensions: [{ Name: "Job", Value: "nightly" }], Value: 0 },
          ],
        },
        region: "us-east-1",
        at: "2026-01-01T00:00:00.000Z",
      },
    ]);
  });

  it("describes and lists the machine as EXPRESS; its executions are not described or listed", async () => {
    const arn = await express(RUN_METRICS);
    expect((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).type).toBe("EXPRESS");
    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => [m.name, m.type])).toEqual([["metrics", "EXPRESS"]]);
    const executionArn = await start(arn, STOPPED_EVENT);
    const describe = await sfn.send(new DescribeExecutionCommand({ executionArn })).catch((e: unknown) => e);
    expect(describe).toBeInstanceOf(InvalidArn);
    expect((describe as Error).message).toBe(
      "Invalid Arn: 'Resource type not valid in this context: express'",
    );
    const list = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn })).catch((e: unknown) => e);
    expect(list).toBeInstanceOf(StateMachineTypeNotSupported);
  });

  it("refuses .sync and .waitForTaskToken integrations in an EXPRESS machine", async () => {
    const error = await express({
      StartAt: "Run",
      States: { Run: { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", End: true } },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDefinition);
    expect((error as Error).message).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machines do not support the '.sync' service integration pattern at /States/Run/Resource'",
    );
  });

  it("an EXPRESS execution times out at 5 minutes, whatever its TimeoutSeconds", async () => {
    cloudwatchRefuses = new AwsError("InternalServiceError", "try again");
    const arn = await express({
      QueryLanguage: "JSONata",
      TimeoutSeconds: 3600,
      StartAt: "Publish",
      States: {
        Publish: {
          Type: "Task",
          Resource: PUT_METRIC_DATA,
          Arguments: { Namespace: "flexjob", MetricData: [] },
          Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 200, MaxAttempts: 5, BackoffRate: 1 }],
          End: true,
        },
      },
    });
    const executionArn = await start(arn, {});
    aws.clock.advance(299_000);
    expect(ended(executionArn)?.status).toBe("RUNNING");
    aws.clock.advance(1_000);
    expect(ended(executionArn)).toMatchObject({ status: "TIMED_OUT", error: "States.Timeout" });
  });
});

describe("JSONata", () => {
  it("a Choice takes the first rule whose Condition holds; Assign keeps a variable for later states", async () => {
    const arn = await express({
      QueryLanguage: "JSONata",
      StartAt: "Exit?",
      States: {
        "Exit?": {
          Type: "Choice",
          Choices: [
            {
              Condition: "{% $states.input.exitCode = 0 %}",
              Assign: { outcome: "succeeded" },
              Next: "Done",
            },
            {
              Condition: "{% $lookup($states.input, 'exitCode') > 100 %}",
              Assign: { outcome: "killed" },
              Next: "Done",
            },
          ],
          Default: "Done",
          Assign: { outcome: "{% 'failed with ' & $string($states.input.exitCode) %}" },
        },
        Done: {
          Type: "Succeed",
          Output: "{% {'outcome': $outcome, 'execution': $states.context.Execution.Name} %}",
        },
      },
    });
    const outputs: unknown[] = [];
    for (const [i, exitCode] of [0, 137, 2].entries()) {
      const out = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: arn,
          name: `run-${i}`,
          input: JSON.stringify({ exitCode }),
        }),
      );
      outputs.push(JSON.parse(String(ended(out.executionArn as string)?.output)));
    }
    expect(outputs).toEqual([
      { outcome: "succeeded", execution: "run-0" },
      { outcome: "killed", execution: "run-1" },
      { outcome: "failed with 2", execution: "run-2" },
    ]);
  });

  it("refuses JSONPath fields in a JSONata state, a JSONPath state in a JSONata machine, and a bad expression", async () => {
    const error = await express({
      QueryLanguage: "JSONata",
      StartAt: "A",
      States: {
        A: { Type: "Pass", Parameters: { "x.$": "$.x" }, ResultPath: "$.y", Next: "B" },
        B: { Type: "Pass", QueryLanguage: "JSONPath", Next: "C" },
        C: { Type: "Pass", Output: "{% $states.input.( %}", End: true },
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDefinition);
    expect((error as Error).message.split(", ")).toEqual([
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field 'Parameters' is not supported for the JSONata query language; use Arguments or Output at /States/A/Parameters",
      "SCHEMA_VALIDATION_FAILED: The field 'ResultPath' is not supported for the JSONata query language; use Arguments or Output at /States/A/ResultPath",
      "SCHEMA_VALIDATION_FAILED: A state cannot use JSONPath when the state machine's QueryLanguage is JSONata at /States/B/QueryLanguage",
      expect.stringMatching(
        /^SCHEMA_VALIDATION_FAILED: The JSONata expression '\$states\.input\.\(' is not valid: .+ at \/States\/C\/Output'$/,
      ),
    ]);
  });

  it("an expression that returns nothing fails the execution with States.QueryEvaluationError", async () => {
    const arn = await express({
      QueryLanguage: "JSONata",
      StartAt: "Measure",
      States: { Measure: { Type: "Pass", Output: "{% $states.input.detail.stoppedAt %}", End: true } },
    });
    const executionArn = await start(arn, { detail: {} });
    expect(ended(executionArn)).toEqual({
      arn: executionArn,
      status: "FAILED",
      input: JSON.stringify({ detail: {} }),
      error: "States.QueryEvaluationError",
      cause:
        "The JSONata expression '$states.input.detail.stoppedAt' specified for the field 'Output' returned nothing (undefined)",
    });
  });

  it("a Condition that is not a boolean fails the execution with States.QueryEvaluationError", async () => {
    const arn = await express({
      QueryLanguage: "JSONata",
      StartAt: "Exit?",
      States: {
        "Exit?": {
          Type: "Choice",
          Choices: [{ Condition: "{% $states.input.exitCode %}", Next: "Done" }],
          Default: "Done",
        },
        Done: { Type: "Succeed" },
      },
    });
    const executionArn = await start(arn, { exitCode: 1 });
    expect(ended(executionArn)).toEqual({
      arn: executionArn,
      status: "FAILED",
      input: JSON.stringify({ exitCode: 1 }),
      error: "States.QueryEvaluationError",
      cause:
        "The JSONata expression specified for the field 'Choices[0].Condition' returned 1, not a boolean",
    });
  });

  it("an Arguments expression that returns nothing is a States.QueryEvaluationError a Catch can handle", async () => {
    const arn = await express({
      QueryLanguage: "JSONata",
      StartAt: "Publish",
      States: {
        Publish: {
          Type: "Task",
          Resource: PUT_METRIC_DATA,
          Arguments: { Namespace: "flexjob", MetricData: "{% $states.input.metrics %}" },
          Catch: [
            {
              ErrorEquals: ["States.QueryEvaluationError"],
              Output: "{% $states.errorOutput %}",
              Next: "Caught",
            },
          ],
          End: true,
        },
        Caught: { Type: "Succeed" },
      },
    });
    const executionArn = await start(arn, {});
    expect(JSON.parse(String(ended(executionArn)?.output))).toEqual({
      Error: "States.QueryEvaluationError",
      Cause:
        "The JSONata expression '$states.input.metrics' specified for the field 'Arguments/MetricData' returned nothing (undefined)",
    });
    expect(published).toEqual([]);
  });
});

describe("aws-sdk:cloudwatch:putMetricData", () => {
  const PUBLISH = {
    QueryLanguage: "JSONata",
    StartAt: "Publish",
    States: {
      Publish: {
        Type: "Task",
        Resource: PUT_METRIC_DATA,
        Arguments: {
          Namespace: "{% $states.input.namespace %}",
          MetricData: [{ MetricName: "Runs", Value: 1 }],
        },
        End: true,
      },
    },
  };

  it("is refused when the role may not PutMetricData into that namespace (cloudwatch:namespace)", async () => {
    const arn = await express(PUBLISH);
    const executionArn = await start(arn, { namespace: "other" });
    expect(ended(executionArn)).toMatchObject({
      status: "FAILED",
      error: "CloudWatch.AccessDeniedException",
      cause: `User: arn:aws:sts::${ACCOUNT}:assumed-role/metrics/states is not authorized to perform: cloudwatch:PutMetricData on resource: * (Service: AmazonCloudWatch; Status Code: 400; Error Code: AccessDeniedException)`,
    });
    expect(published).toEqual([]);
  });

  it("names CloudWatch's own error CloudWatch.<Code>", async () => {
    cloudwatchRefuses = new AwsError(
      "InvalidParameterValue",
      "The value NaN for parameter MetricData.member.1.Value is invalid.",
    );
    const arn = await express(PUBLISH);
    const executionArn = await start(arn, { namespace: "flexjob" });
    expect(ended(executionArn)).toMatchObject({
      status: "FAILED",
      error: "CloudWatch.InvalidParameterValue",
      cause:
        "The value NaN for parameter MetricData.member.1.Value is invalid. (Service: AmazonCloudWatch; Status Code: 400; Error Code: InvalidParameterValue)",
    });
  });

  it("runs in a STANDARD machine too", async () => {
    const out = await sfn.send(
      new CreateStateMachineCommand({ name: "standard", roleArn: ROLE, definition: JSON.stringify(PUBLISH) }),
    );
    const executionArn = await start(out.stateMachineArn as string, { namespace: "flexjob" });
    expect(executionArn).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:execution:standard:run-1`);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe("SUCCEEDED");
    expect(published.map((p) => p.input)).toEqual([
      { Namespace: "flexjob", MetricData: [{ MetricName: "Runs", Value: 1 }] },
    ]);
  });
});
