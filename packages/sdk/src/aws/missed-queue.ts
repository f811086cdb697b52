import { names, ownedByApp, TAG_APP, TAG_MANAGED } from "../naming.js";
import { diffFields, stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { missedQueueArn } from "./missed-runs.js";
import { observeEach, type ResourceAdapter, runStep } from "./resource.js";

/**
 * The app's Scheduler dead-letter queue, `flexjob-<app>-missed`: every run Scheduler could not
 * start within its start retries lands here (a standard queue: Scheduler refuses FIFO ones), and
 * the app's pipe moves it into the run history at once. Encrypted with SQS-managed keys (no KMS
 * key policy for Scheduler to need) and kept 14 days, SQS's longest, in case the pipe is stopped.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 */
export interface MissedQueueSpec {
  name: string;
  arn: string;
  /** The queue attributes flexjob sets, as SQS spells them (strings). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

export interface MissedQueueLive {
  name: string;
  url: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

export type MissedQueueStep = PlanStep<"missed-queue", MissedQueueSpec, MissedQueueLive>;

/** 14 days, in seconds: SQS's maximum retention. */
const RETENTION_SECONDS = 1_209_600;

const ATTRIBUTES = {
  MessageRetentionPeriod: String(RETENTION_SECONDS),
  SqsManagedSseEnabled: "true",
};

export async function observeMissedQueue(
  clients: AwsClients,
  name: string,
): Promise<MissedQueueLive | undefined> {
  const { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand } = await loadSdk(
    clients,
    "sqs",
  );
  try {
    const found = await tolerating(
      clients.sqs.send(new GetQueueUrlCommand({ QueueName: name })),
      "QueueDoesNotExist",
      "AWS.SimpleQueueService.NonExistentQueue",
    );
    const url = found?.QueueUrl;
    if (url === undefined) return undefined;
    const [{ Attributes = {} }, { Tags = {} }] = await Promise.all([
      clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] })),
      clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: url })),
    ]);
    return { name, url, attributes: Attributes, tags: Tags };
  } catch (error) {
    throw wrapAwsError(error, `reading SQS queue ${name}`);
  }
}

/** Only the attributes and tag keys flexjob sets are compared: the rest is the queue's own. */
function comparable(spec: MissedQueueSpec, live: MissedQueueLive) {
  const pick = (from: Record<string, string>, keys: Record<string, string>) =>
    Object.fromEntries(Object.keys(keys).map((key) => [key, from[key]]));
  return { attributes: pick(live.attributes, spec.attributes), tags: pick(live.tags, spec.tags) };
}

export function planMissedQueue(spec: MissedQueueSpec, live: MissedQueueLive | undefined): MissedQueueStep {
  const base = { kind: "missed-queue", id: spec.name, desired: spec } as const;
  const desired = { attributes: spec.attributes, tags: spec.tags };
  return stepFrom(base, live, diffFields(live && comparable(spec, live), desired));
}

export async function applyMissedQueue(
  clients: AwsClients,
  step: MissedQueueStep,
): Promise<string | undefined> {
  const { CreateQueueCommand, DeleteQueueCommand, SetQueueAttributesCommand, TagQueueCommand } =
    await loadSdk(clients, "sqs");
  const name = step.id;
  return runStep(step, "SQS queue", {
    async delete() {
      const url = step.live?.url ?? (await observeMissedQueue(clients, name))?.url;
      if (url === undefined) return;
      await tolerating(
        clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url })),
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
      );
    },
    async create(spec) {
      // CreateQueue with the same attributes is idempotent; SQS refuses the name for 60 s after a delete.
      await clients.sqs.send(
        new CreateQueueCommand({ QueueName: spec.name, Attributes: spec.attributes, tags: spec.tags }),
      );
      return spec.arn;
    },
    async update(spec, live) {
      await clients.sqs.send(
        new SetQueueAttributesCommand({ QueueUrl: live.url, Attributes: spec.attributes }),
      );
      await clients.sqs.send(new TagQueueCommand({ QueueUrl: live.url, Tags: spec.tags }));
      return spec.arn;
    },
  });
}

/** The app's one dead-letter queue for all its schedules. */
export const missedQueues: ResourceAdapter<MissedQueueStep> = {
  kind: "missed-queue",
  // Before the schedules that name it and the pipe that drains it; removed after both.
  order: { write: 0, remove: 6 },
  render: ({ config, accountId, region }) => {
    const name = names.missedQueue(config.app);
    const tags = { [TAG_MANAGED]: "true", [TAG_APP]: config.app };
    const arn = missedQueueArn(region, accountId, name);
    return [{ id: name, spec: { name, arn, attributes: { ...ATTRIBUTES }, tags } }];
  },
  observe: observeEach((desired, { clients }) => observeMissedQueue(clients, desired.id)),
  plan: (desired, live) => planMissedQueue(desired.spec, live),
  async owned({ clients, config, job }) {
    if (job !== undefined) return [];
    const live = await observeMissedQueue(clients, names.missedQueue(config.app));
    return live !== undefined && ownedByApp(live.tags, config.app) ? [{ id: live.name, live }] : [];
  },
  apply: (step, { clients }) => applyMissedQueue(clients, step),
  permissions: (scope) => {
    const queue = scope.arn("sqs", names.missedQueue(scope.app));
    return {
      deploy: [
        {
          Sid: "ManageMissedRunsQueue",
          Effect: "Allow",
          Action: [
            "sqs:CreateQueue",
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
            "sqs:ListQueueTags",
            "sqs:SetQueueAttributes",
            "sqs:TagQueue",
          ],
          Resource: queue,
        },
      ],
      destroy: [
        { Sid: "DeleteMissedRunsQueue", Effect: "Allow", Action: "sqs:DeleteQueue", Resource: queue },
      ],
    };
  },
};
