import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  SFNClient,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  TagResourceCommand,
  UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../config/index.js";
import { ATTEMPT_FAILED, CALL_FAILED, STOPPED_BY_PERSON, usesStateMachine } from "./asl.js";
import { createClients } from "./clients.js";
import { type RenderInput, removeStep } from "./resource.js";
import {
  applyStateMachine,
  observeStateMachine,
  planStateMachine,
  type StateMachineLive,
  type StateMachineSpec,
  stateMachines,
} from "./state-machine.js";

const sfn = mockClient(SFNClient);
const clients = createClients({ region: "eu-west-1" });
beforeEach(() => sfn.reset());

const ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:billing-nightly";
const CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/billing";
const TAGS = { "flexjob:app": "billing", "flexjob:job": "nightly", "flexjob:managed": "true" };

function renderInput(job: Record<string, unknown>): RenderInput {
  const config = parseConfig({
    app: "billing",
    jobs: {
      nightly: { image: "public.ecr.aws/docker/library/python:3.13-slim", schedule: "rate(1 hour)", ...job },
    },
  });
  return {
    config,
    retained: [],
    accountId: "123456789012",
    region: "eu-west-1",
    images: { nightly: { image: "public.ecr.aws/docker/library/python:3.13-slim" } },
    network: {
      vpcId: "vpc-0a1b2c3d4e5f67890",
      subnets: ["subnet-0b2b2b2b2b2b2b2b2", "subnet-0a1a1a1a1a1a1a1a1"],
      securityGroups: ["sg-0c3c3c3c3c3c3c3c3"],
      assignPublicIp: false,
    },
  };
}

function rendered(job: Record<string, unknown>): StateMachineSpec {
  const [only] = stateMachines.render(renderInput(job));
  if (only === undefined) throw new Error("no state machine rendered");
  return only.spec;
}

type Definition = {
  States: Record<string, Record<string, unknown>>;
  StartAt: string;
  TimeoutSeconds?: number;
};
const definitionOf = (spec: StateMachineSpec) => JSON.parse(spec.definition) as Definition;

/** The attempt (Parallel) state of the shards Map, and the RunTask state inside it. */
function attemptOf(spec: StateMachineSpec) {
  const shards = definitionOf(spec).States.Shards as {
    ItemProcessor: { States: Record<string, Record<string, unknown>> };
  };
  const attempt = shards.ItemProcessor.States.Attempt ?? {};
  const [branch] = attempt.Branches as { States: Record<string, Record<string, unknown>> }[];
  return { attempt, branch: branch?.States ?? {} };
}

function liveOf(spec: StateMachineSpec): StateMachineLive {
  return {
    name: spec.name,
    arn: spec.arn,
    type: spec.type,
    roleArn: spec.roleArn,
    definition: spec.definition,
    tags: spec.tags,
  };
}

describe("which jobs get a state machine", () => {
  it("only jobs with retries, a timeout or an overlap policy other than allow", () => {
    // The app's metrics machine is the only one a config without such jobs gets.
    expect(stateMachines.render(renderInput({})).map((each) => [each.id, each.job])).toEqual([
      ["billing-flexjob-metrics", undefined],
    ]);
    const one = (job: Record<string, unknown>) =>
      usesStateMachine(renderInput(job).config.jobs[0] ?? ({} as never));
    expect([
      one({ retries: 2 }),
      one({ timeout: "1m" }),
      one({ overlap: "skip" }),
      one({ overlap: "allow" }),
    ]).toEqual([true, true, true, false]);
  });

  it("names it <app>-<job>, runs it as the app's states role and tags it as the app's", () => {
    const spec = rendered({ retries: 2 });
    expect({ name: spec.name, arn: spec.arn, roleArn: spec.roleArn, tags: spec.tags }).toEqual({
      name: "billing-nightly",
      arn: ARN,
      roleArn: "arn:aws:iam::123456789012:role/billing-flexjob-states",
      tags: TAGS,
    });
  });
});

describe("the definition", () => {
  it("runs each shard's task with .sync on the family, its network and tags, and the run's context", () => {
    const { branch } = attemptOf(rendered({ retries: 2, tasks: 2, spot: true }));
    expect(branch.RunTask).toEqual({
      Type: "Task",
      Resource: "arn:aws:states:::ecs:runTask.sync",
      Parameters: {
        Cluster: CLUSTER,
        TaskDefinition: "billing-nightly",
        CapacityProviderStrategy: [{ CapacityProvider: "FARGATE_SPOT", Weight: 1 }],
        PlatformVersion: "LATEST",
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: ["subnet-0a1a1a1a1a1a1a1a1", "subnet-0b2b2b2b2b2b2b2b2"],
            SecurityGroups: ["sg-0c3c3c3c3c3c3c3c3"],
            AssignPublicIp: "DISABLED",
          },
        },
        EnableECSManagedTags: true,
        PropagateTags: "TASK_DEFINITION",
        Tags: [
          { Key: "flexjob:app", Value: "billing" },
          { Key: "flexjob:job", Value: "nightly" },
          { Key: "flexjob:managed", Value: "true" },
        ],
        Overrides: {
          ContainerOverrides: [
            {
              Name: "nightly",
              Environment: [
                { Name: "FLEXJOB_ATTEMPT", "Value.$": "States.Format('{}', $.attempt)" },
                { Name: "FLEXJOB_RUN_ID", "Value.$": "$$.Execution.Name" },
                { Name: "FLEXJOB_SCHEDULED_TIME", "Value.$": "$.scheduledTime" },
                { Name: "FLEXJOB_TASK_COUNT", Value: "2" },
                { Name: "FLEXJOB_TASK_INDEX", "Value.$": "States.Format('{}', $.index)" },
              ],
            },
          ],
        },
      },
      Catch: [
        { ErrorEquals: ["AmazonECS.Unknown"], ResultPath: "$.error", Next: "StartFailed" },
        { ErrorEquals: ["States.TaskFailed"], ResultPath: "$.error", Next: "IsTaskStop" },
      ],
      End: true,
    });
    expect(definitionOf(rendered({ retries: 2, tasks: 2 })).States.Start).toEqual({
      Type: "Pass",
      Parameters: { shards: [0, 1], "scheduledTime.$": "$.FLEXJOB_SCHEDULED_TIME" },
      Next: "Shards",
    });
  });

  it("retries a failed attempt with backoff up to retries, numbering attempts from the retry count", () => {
    const { attempt } = attemptOf(rendered({ retries: 2 }));
    expect(attempt.Parameters).toEqual({
      "index.$": "$.index",
      "scheduledTime.$": "$.scheduledTime",
      "attempt.$": "States.MathAdd($$.State.RetryCount, 1)",
    });
    expect(attempt.Retry).toEqual([
      { ErrorEquals: [ATTEMPT_FAILED], IntervalSeconds: 30, BackoffRate: 2, MaxAttempts: 2 },
    ]);
    expect(attemptOf(rendered({ timeout: "1m" })).attempt.Retry).toBeUndefined();
  });

  it("does not retry a task a person stopped: its StopCode UserInitiated ends in another error", () => {
    const { branch } = attemptOf(rendered({ retries: 2 }));
    expect(branch.IsTaskStop).toEqual({
      Type: "Choice",
      Choices: [{ Variable: "$.error.Error", StringEquals: "States.TaskFailed", Next: "ReadStop" }],
      Default: "CallFailed",
    });
    expect(branch.ReadStop).toEqual({
      Type: "Pass",
      Parameters: { "task.$": "States.StringToJson($.error.Cause)" },
      Next: "StoppedByPerson",
    });
    expect(branch.StoppedByPerson).toEqual({
      Type: "Choice",
      Choices: [
        {
          And: [
            { Variable: "$.task.StopCode", IsPresent: true },
            { Variable: "$.task.StopCode", StringEquals: "UserInitiated" },
          ],
          Next: "Stopped",
        },
      ],
      Default: "Failed",
    });
    expect([
      branch.Stopped?.Error,
      branch.Failed?.Error,
      branch.StartFailed?.Error,
      branch.CallFailed?.Error,
    ]).toEqual([STOPPED_BY_PERSON, ATTEMPT_FAILED, ATTEMPT_FAILED, CALL_FAILED]);
  });

  it("bounds the whole run with timeout, not each attempt", () => {
    const definition = definitionOf(rendered({ timeout: "2h" }));
    expect(definition.TimeoutSeconds).toBe(7200);
    expect(attemptOf(rendered({ timeout: "2h" })).branch.RunTask?.TimeoutSeconds).toBeUndefined();
    expect(definitionOf(rendered({ retries: 1 })).TimeoutSeconds).toBeUndefined();
  });

  it("overlap skip lists the family's running tasks first and ends as succeeded, saying it skipped", () => {
    const { States } = definitionOf(rendered({ overlap: "skip" }));
    expect(States.Start?.Next).toBe("CheckOverlap");
    expect(States.CheckOverlap).toEqual({
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:ecs:listTasks",
      Parameters: { Cluster: CLUSTER, Family: "billing-nightly", DesiredStatus: "RUNNING" },
      ResultSelector: { "running.$": "$.TaskArns" },
      ResultPath: "$.overlap",
      Next: "Overlapping",
    });
    expect(States.Overlapping).toEqual({
      Type: "Choice",
      Choices: [{ Variable: "$.overlap.running[0]", IsPresent: true, Next: "Skipped" }],
      Default: "Shards",
    });
    expect(States.Skipped?.Parameters).toEqual({
      skipped: true,
      reason: "a run of this job was still going",
      "running.$": "$.overlap.running",
    });
    expect(States.Done).toEqual({ Type: "Succeed" });
  });

  it("overlap replace stops the running tasks, then runs", () => {
    const { States } = definitionOf(rendered({ overlap: "replace" }));
    const stop = States.StopRunning as { ItemProcessor: { States: Record<string, unknown> }; Next: string };
    expect(stop.Next).toBe("Shards");
    expect(stop.ItemProcessor.States.StopTask).toEqual({
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:ecs:stopTask",
      Parameters: {
        Cluster: CLUSTER,
        "Task.$": "$",
        "Reason.$": "States.Format('flexjob: replaced by run {}', $$.Execution.Name)",
      },
      End: true,
    });
  });
});

describe("planStateMachine", () => {
  it("is a no-op when the definition, role and tags match, whatever the live JSON's spacing", () => {
    const spec = rendered({ retries: 2 });
    expect(planStateMachine(spec, liveOf(spec), "nightly").action).toBe("noop");
  });

  it("updates a changed definition and shows it", () => {
    const spec = rendered({ retries: 2 });
    const live = liveOf(rendered({ retries: 1 }));
    const step = planStateMachine(spec, live, "nightly");
    expect(step.action).toBe("update");
    expect(step.changes.map((each) => each.path)).toEqual(["definition"]);
  });
});

describe("observeStateMachine", () => {
  it("reads the definition canonically and the tags", async () => {
    const spec = rendered({ retries: 2 });
    sfn.on(DescribeStateMachineCommand).resolves({
      stateMachineArn: ARN,
      name: "billing-nightly",
      roleArn: spec.roleArn,
      definition: JSON.stringify(JSON.parse(spec.definition), null, 2),
      type: "STANDARD",
      creationDate: new Date(0),
    });
    sfn.on(ListTagsForResourceCommand).resolves({
      tags: Object.entries(TAGS).map(([key, value]) => ({ key, value })),
    });
    expect(await observeStateMachine(clients, ARN)).toEqual(liveOf(spec));
  });

  it("is undefined when there is none", async () => {
    sfn
      .on(DescribeStateMachineCommand)
      .rejects(new StateMachineDoesNotExist({ message: "no", $metadata: {} }));
    expect(await observeStateMachine(clients, ARN)).toBeUndefined();
  });
});

describe("applyStateMachine", () => {
  const sleep = async () => {};

  it("creates a STANDARD machine with its tags", async () => {
    const spec = rendered({ retries: 2 });
    sfn.on(CreateStateMachineCommand).resolves({ stateMachineArn: ARN, creationDate: new Date(0) });
    expect(await applyStateMachine(clients, planStateMachine(spec, undefined, "nightly"), sleep)).toBe(ARN);
    expect(sfn.commandCalls(CreateStateMachineCommand)[0]?.args[0].input).toEqual({
      name: "billing-nightly",
      definition: spec.definition,
      roleArn: spec.roleArn,
      type: "STANDARD",
      tags: [
        { key: "flexjob:app", value: "billing" },
        { key: "flexjob:job", value: "nightly" },
        { key: "flexjob:managed", value: "true" },
      ],
    });
  });

  it("updates instead when a concurrent deploy created it first", async () => {
    const spec = rendered({ retries: 2 });
    sfn
      .on(CreateStateMachineCommand)
      .rejects(new StateMachineAlreadyExists({ message: "exists", $metadata: {} }));
    sfn.on(UpdateStateMachineCommand).resolves({ updateDate: new Date(0) });
    sfn.on(TagResourceCommand).resolves({});
    expect(await applyStateMachine(clients, planStateMachine(spec, undefined, "nightly"), sleep)).toBe(ARN);
    expect(sfn.commandCalls(UpdateStateMachineCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: ARN,
      definition: spec.definition,
      roleArn: spec.roleArn,
    });
  });

  it("waits while IAM propagates a new role that Step Functions cannot assume yet", async () => {
    const spec = rendered({ retries: 2 });
    const denied = Object.assign(
      new Error(
        "Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role.",
      ),
      {
        name: "AccessDeniedException",
        $metadata: {},
      },
    );
    sfn
      .on(CreateStateMachineCommand)
      .rejectsOnce(denied)
      .resolves({ stateMachineArn: ARN, creationDate: new Date(0) });
    const waits: number[] = [];
    const step = planStateMachine(spec, undefined, "nightly");
    expect(await applyStateMachine(clients, step, async (ms) => void waits.push(ms))).toBe(ARN);
    expect(waits).toEqual([1000]);
  });

  it("a no-op sends nothing, and a delete of what is gone is fine", async () => {
    const spec = rendered({ retries: 2 });
    await applyStateMachine(clients, planStateMachine(spec, liveOf(spec), "nightly"), sleep);
    sfn
      .on(DeleteStateMachineCommand)
      .rejects(new StateMachineDoesNotExist({ message: "gone", $metadata: {} }));
    await applyStateMachine(
      clients,
      removeStep(stateMachines, { id: spec.name, live: liveOf(spec) }, "gone"),
      sleep,
    );
    expect(sfn.calls().map((call) => call.args[0].constructor.name)).toEqual(["DeleteStateMachineCommand"]);
  });
});

describe("owned and unwanted", () => {
  it("finds only machines tagged for the app, with their job", async () => {
    const spec = rendered({ retries: 2 });
    const other = "arn:aws:states:eu-west-1:123456789012:stateMachine:billing-handmade";
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: [
        { stateMachineArn: ARN, name: "billing-nightly", type: "STANDARD", creationDate: new Date(0) },
        { stateMachineArn: other, name: "billing-handmade", type: "STANDARD", creationDate: new Date(0) },
        { stateMachineArn: "arn:x", name: "shop-nightly", type: "STANDARD", creationDate: new Date(0) },
      ],
    });
    sfn.on(DescribeStateMachineCommand, { stateMachineArn: ARN }).resolves({
      stateMachineArn: ARN,
      name: "billing-nightly",
      roleArn: spec.roleArn,
      definition: spec.definition,
      type: "STANDARD",
      creationDate: new Date(0),
    });
    sfn.on(DescribeStateMachineCommand, { stateMachineArn: other }).resolves({
      stateMachineArn: other,
      name: "billing-handmade",
      roleArn: "arn:aws:iam::123456789012:role/mine",
      definition: "{}",
      type: "STANDARD",
      creationDate: new Date(0),
    });
    sfn.on(ListTagsForResourceCommand, { resourceArn: ARN }).resolves({
      tags: Object.entries(TAGS).map(([key, value]) => ({ key, value })),
    });
    sfn.on(ListTagsForResourceCommand, { resourceArn: other }).resolves({ tags: [] });
    const config = renderInput({}).config;
    expect(await stateMachines.owned({ clients, config, job: undefined })).toEqual([
      { id: "billing-nightly", job: "nightly", live: liveOf(spec) },
    ]);
  });
});
