import { names, ownedByApp, roleArn, TAG_APP, TAG_MANAGED } from "../naming.js";
import { diffFields, stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { isAwsError, tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { MISSED_DETAIL_TYPE, MISSED_SOURCE, missedQueueArn } from "./missed-runs.js";
import { passRoleStatement, policy } from "./policy.js";
import { observeEach, type RenderInput, type ResourceAdapter, runStep } from "./resource.js";
import { withRolePropagation } from "./role-propagation.js";
import type { BoundarySpec, RoleSpec } from "./role-spec.js";

/**
 * The EventBridge pipe `flexjob-<app>-missed`: it drains the app's dead-letter queue onto the
 * default event bus, one event per run Scheduler could not start (see missed-runs.ts), where the
 * app's rules record it and alert on it. No input template: the event's detail is the SQS record
 * with Scheduler's attributes as they came.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-target.html
 */
export interface MissedPipeSpec {
  name: string;
  roleArn: string;
  source: string;
  target: string;
  /** One record per event: a missed run is one event on the bus. */
  batchSize: number;
  eventSource: string;
  detailType: string;
  description: string;
  tags: Record<string, string>;
}

export interface MissedPipeLive extends Omit<MissedPipeSpec, "tags"> {
  arn: string;
  desiredState: string;
  currentState: string;
  tags: Record<string, string>;
}

export type MissedPipeStep = PlanStep<"missed-pipe", MissedPipeSpec, MissedPipeLive>;

export async function observeMissedPipe(
  clients: AwsClients,
  name: string,
): Promise<MissedPipeLive | undefined> {
  const { DescribePipeCommand } = await loadSdk(clients, "pipes");
  try {
    const pipe = await tolerating(
      clients.pipes.send(new DescribePipeCommand({ Name: name })),
      "NotFoundException",
    );
    if (pipe?.Arn === undefined) return undefined;
    const bus = pipe.TargetParameters?.EventBridgeEventBusParameters;
    return {
      name,
      arn: pipe.Arn,
      roleArn: pipe.RoleArn ?? "",
      source: pipe.Source ?? "",
      target: pipe.Target ?? "",
      batchSize: pipe.SourceParameters?.SqsQueueParameters?.BatchSize ?? 10,
      eventSource: bus?.Source ?? "",
      detailType: bus?.DetailType ?? "",
      description: pipe.Description ?? "",
      desiredState: pipe.DesiredState ?? "",
      currentState: pipe.CurrentState ?? "",
      tags: pipe.Tags ?? {},
    };
  } catch (error) {
    throw wrapAwsError(error, `reading EventBridge pipe ${name}`);
  }
}

/** A pipe someone stopped, or whose last change failed, is planned back to running. */
function comparable(
  pipe: Omit<MissedPipeLive, "arn" | "name" | "currentState" | "tags"> & { tags: Record<string, unknown> },
) {
  const { roleArn, source, target, batchSize, eventSource, detailType, description, desiredState, tags } =
    pipe;
  return { roleArn, source, target, batchSize, eventSource, detailType, description, desiredState, tags };
}

export function planMissedPipe(spec: MissedPipeSpec, live: MissedPipeLive | undefined): MissedPipeStep {
  const base = { kind: "missed-pipe", id: spec.name, desired: spec } as const;
  const desired = comparable({ ...spec, desiredState: "RUNNING" });
  if (live === undefined) return stepFrom(base, live, diffFields(undefined, desired));
  const failed = live.currentState.endsWith("_FAILED") ? "FAILED" : live.desiredState;
  const tags = Object.fromEntries(Object.keys(spec.tags).map((key) => [key, live.tags[key]]));
  return stepFrom(base, live, diffFields(comparable({ ...live, desiredState: failed, tags }), desired));
}

/** The request fields CreatePipe and UpdatePipe share. */
function pipeRequest(spec: MissedPipeSpec) {
  return {
    Name: spec.name,
    Description: spec.description,
    DesiredState: "RUNNING" as const,
    RoleArn: spec.roleArn,
    Target: spec.target,
    TargetParameters: {
      EventBridgeEventBusParameters: { Source: spec.eventSource, DetailType: spec.detailType },
    },
  };
}

/** Pipes checks at create that it can assume the role, which a just-created role may not allow yet. */
const roleNotYetAssumable = (error: unknown) =>
  isAwsError(error, "ValidationException") &&
  /role|assume/i.test(error instanceof Error ? error.message : "");

export async function applyMissedPipe(
  clients: AwsClients,
  step: MissedPipeStep,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const { CreatePipeCommand, DeletePipeCommand } = await loadSdk(clients, "pipes");
  const name = step.id;
  await runStep(step, "EventBridge pipe", {
    delete: () => tolerating(clients.pipes.send(new DeletePipeCommand({ Name: name })), "NotFoundException"),
    async create(spec) {
      const request = new CreatePipeCommand({
        ...pipeRequest(spec),
        Source: spec.source,
        SourceParameters: { SqsQueueParameters: { BatchSize: spec.batchSize } },
        Tags: spec.tags,
      });
      try {
        await withRolePropagation(() => clients.pipes.send(request), roleNotYetAssumable, sleep);
      } catch (error) {
        // Another deploy created it a moment ago: converge on this spec.
        if (!isAwsError(error, "ConflictException")) throw error;
        const live = await observeMissedPipe(clients, name);
        if (live === undefined) throw error;
        await updatePipe(clients, spec, live, sleep);
      }
    },
    update: (spec, live) => updatePipe(clients, spec, live, sleep),
  });
}

async function updatePipe(
  clients: AwsClients,
  spec: MissedPipeSpec,
  live: MissedPipeLive,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const { TagResourceCommand, UpdatePipeCommand } = await loadSdk(clients, "pipes");
  const request = new UpdatePipeCommand({
    ...pipeRequest(spec),
    SourceParameters: { SqsQueueParameters: { BatchSize: spec.batchSize } },
  });
  await withRolePropagation(() => clients.pipes.send(request), roleNotYetAssumable, sleep);
  if (Object.entries(spec.tags).some(([key, value]) => live.tags[key] !== value)) {
    await clients.pipes.send(new TagResourceCommand({ resourceArn: live.arn, tags: spec.tags }));
  }
}

/**
 * The role the pipe runs as: it may read and delete the app's dead-letter messages and put events
 * on the default bus, nothing else; only Pipes in this account may assume it.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html
 */
export function renderPipesRole(
  input: RenderInput,
  context: { tags: Record<string, string>; permissionsBoundary: BoundarySpec },
): RoleSpec {
  const { config, accountId, region } = input;
  const app = config.app;
  return {
    name: names.pipesRole(app),
    description: `flexjob ${app}: lets the missed-runs pipe move Scheduler's dead letters onto the event bus`,
    assumeRolePolicy: policy({
      Effect: "Allow",
      Principal: { Service: "pipes.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    }),
    inlinePolicies: {
      "flexjob-pipes": policy(
        {
          Sid: "DrainMissedRuns",
          Effect: "Allow",
          Action: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
          Resource: missedQueueArn(region, accountId, names.missedQueue(app)),
        },
        {
          Sid: "PutMissedRunEvents",
          Effect: "Allow",
          Action: "events:PutEvents",
          Resource: defaultBus(region, accountId),
        },
      ),
    },
    tags: context.tags,
    permissionsBoundary: context.permissionsBoundary,
  };
}

const defaultBus = (region: string, accountId: string) =>
  `arn:aws:events:${region}:${accountId}:event-bus/default`;

/** The app's one pipe, from its dead-letter queue to the default bus. */
export const missedPipes: ResourceAdapter<MissedPipeStep> = {
  kind: "missed-pipe",
  // After its queue and role; removed before the queue.
  order: { write: 1, remove: 4 },
  render: ({ config, accountId, region }) => {
    const app = config.app;
    const name = names.missedPipe(app);
    const spec: MissedPipeSpec = {
      name,
      roleArn: roleArn(accountId, names.pipesRole(app)),
      source: missedQueueArn(region, accountId, names.missedQueue(app)),
      target: defaultBus(region, accountId),
      batchSize: 1,
      eventSource: MISSED_SOURCE,
      detailType: MISSED_DETAIL_TYPE,
      description: `flexjob ${app}: records the runs Scheduler could not start`,
      tags: { [TAG_MANAGED]: "true", [TAG_APP]: app },
    };
    return [{ id: name, spec }];
  },
  observe: observeEach((desired, { clients }) => observeMissedPipe(clients, desired.id)),
  plan: (desired, live) => planMissedPipe(desired.spec, live),
  async owned({ clients, config, job }) {
    if (job !== undefined) return [];
    const live = await observeMissedPipe(clients, names.missedPipe(config.app));
    return live !== undefined && ownedByApp(live.tags, config.app) ? [{ id: live.name, live }] : [];
  },
  apply: (step, { clients, sleep }) => applyMissedPipe(clients, step, sleep),
  permissions: (scope) => {
    const pipe = scope.arn("pipes", `pipe/${names.missedPipe(scope.app)}`);
    const role = scope.arn("iam", `role/${names.pipesRole(scope.app)}`, "");
    return {
      deploy: [
        {
          Sid: "ManageMissedRunsPipe",
          Effect: "Allow",
          Action: ["pipes:CreatePipe", "pipes:DescribePipe", "pipes:TagResource", "pipes:UpdatePipe"],
          Resource: pipe,
        },
        passRoleStatement("PassPipesRole", role, "pipes.amazonaws.com"),
      ],
      destroy: [{ Sid: "DeleteMissedRunsPipe", Effect: "Allow", Action: "pipes:DeletePipe", Resource: pipe }],
    };
  },
};
