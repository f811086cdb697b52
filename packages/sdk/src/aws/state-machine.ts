import type { JobSpec } from "../config/index.js";
import { FlexjobError } from "../errors.js";
import { names, ownedByApp, roleArn, TAG_APP, TAG_JOB, TAG_MANAGED } from "../naming.js";
import { canonicalJson, canonicalJsonText } from "../plan/canonical-json.js";
import { change, stepFrom, tagChanges } from "../plan/diff.js";
import type { FieldChange, PlanStep } from "../plan/types.js";
import { capacityProviderFor } from "../sizing/index.js";
import { byCodeUnits } from "../text-order.js";
import { runDefinition, usesStateMachine } from "./asl.js";
import { isAwsError, tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { passRoleStatement } from "./policy.js";
import {
  deleteStep,
  type Found,
  notFlexjobs,
  type ObserveContext,
  type PlanContext,
  planJobLeftover,
  type RenderInput,
  type ResourceAdapter,
  runStep,
} from "./resource.js";
import { withRolePropagation } from "./role-propagation.js";
import { metricsDefinition } from "./run-metrics.js";

/**
 * A job's Step Functions STANDARD state machine: its runs, with retries, a timeout and an overlap
 * policy (see `asl.ts`). Only jobs that ask for one of those get one. The app's EXPRESS metrics
 * machine (see `run-metrics.ts`) is one too, with no job.
 */
export interface StateMachineSpec {
  name: string;
  /** Deterministic from the name, so observe and the schedule need no lookup. */
  arn: string;
  /** Fixed when the machine is made: Step Functions cannot change it. */
  type: StateMachineType;
  roleArn: string;
  /** Canonical JSON: what a plan compares, byte for byte. */
  definition: string;
  tags: Record<string, string>;
}

export type StateMachineType = "STANDARD" | "EXPRESS";

export interface StateMachineLive {
  name: string;
  arn: string;
  type: StateMachineType;
  roleArn: string;
  definition: string;
  tags: Record<string, string>;
}

/** The ARN travels with the step: a delete planned from a listing has no spec to take it from. */
export type StateMachineStep = PlanStep<"state-machine", StateMachineSpec, StateMachineLive> & {
  arn: string;
};

/** `arn:aws:states:<region>:<account>:stateMachine:<name>`. */
export function stateMachineArn(region: string, accountId: string, name: string): string {
  return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
}

/** The job's state machine, rendered from the config and the account's network. */
export function renderStateMachine(job: JobSpec, input: RenderInput): StateMachineSpec {
  const { config, accountId, region, network } = input;
  const app = config.app;
  const name = names.stateMachine(app, job.name);
  const taskTags = { [TAG_MANAGED]: "true", [TAG_APP]: app, [TAG_JOB]: job.name };
  const definition = runDefinition({
    app,
    job: job.name,
    clusterArn: `arn:aws:ecs:${region}:${accountId}:cluster/${names.cluster(app, config.cluster)}`,
    family: names.taskFamily(app, job.name),
    container: names.container(job.name),
    capacityProvider: capacityProviderFor(job.spot),
    subnets: [...network.subnets].sort(),
    securityGroups: [...network.securityGroups].sort(),
    assignPublicIp: network.assignPublicIp,
    taskTags,
    tasks: job.tasks,
    retries: job.retries,
    timeoutSeconds: job.timeoutSeconds,
    overlap: job.overlap,
  });
  return {
    name,
    arn: stateMachineArn(region, accountId, name),
    type: "STANDARD",
    roleArn: roleArn(accountId, names.statesRole(app)),
    definition: canonicalJson(definition),
    tags: taskTags,
  };
}

/** The app's metrics machine: EXPRESS (a run of it lasts a second), started by the history rules. */
export function renderMetricsMachine(input: RenderInput): StateMachineSpec {
  const { config, accountId, region } = input;
  const app = config.app;
  const name = names.metricsMachine(app);
  const machineJobs = config.jobs.filter(usesStateMachine);
  const definition = metricsDefinition({
    app,
    machineFamilies: machineJobs.map((job) => names.taskFamily(app, job.name)).sort(),
    machines: machineJobs
      .map((job) => stateMachineArn(region, accountId, names.stateMachine(app, job.name)))
      .sort(),
  });
  return {
    name,
    arn: stateMachineArn(region, accountId, name),
    type: "EXPRESS",
    roleArn: roleArn(accountId, names.metricsRole(app)),
    definition: canonicalJson(definition),
    tags: { [TAG_MANAGED]: "true", [TAG_APP]: app },
  };
}

/** Reads a state machine and its tags; undefined when there is none. */
export async function observeStateMachine(
  clients: AwsClients,
  arn: string,
): Promise<StateMachineLive | undefined> {
  const { DescribeStateMachineCommand, ListTagsForResourceCommand } = await loadSdk(clients, "sfn");
  try {
    // Both take only the ARN, so they go together; a missing machine is told by Describe's answer.
    const [describedRead, tagsRead] = await Promise.allSettled([
      clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })),
      clients.sfn.send(new ListTagsForResourceCommand({ resourceArn: arn })),
    ]);
    if (describedRead.status === "rejected") throw describedRead.reason;
    if (tagsRead.status === "rejected") throw tagsRead.reason;
    const described = describedRead.value;
    const { tags = [] } = tagsRead.value;
    return {
      name: described.name ?? "",
      arn: described.stateMachineArn ?? arn,
      type: described.type === "EXPRESS" ? "EXPRESS" : "STANDARD",
      roleArn: described.roleArn ?? "",
      definition: canonicalJsonText(described.definition ?? ""),
      tags: Object.fromEntries(tags.map((tag) => [tag.key ?? "", tag.value ?? ""])),
    };
  } catch (error) {
    if (isAwsError(error, "StateMachineDoesNotExist")) return undefined;
    throw wrapAwsError(error, `reading state machine ${arn}`);
  }
}

/**
 * The app's state machines, by their tags: a name alone proves nothing (`<app>-x` may be someone
 * else's). ListStateMachines cannot filter, so the name prefix narrows what is read further.
 */
export async function listOwnedStateMachines(clients: AwsClients, app: string): Promise<StateMachineLive[]> {
  const { paginateListStateMachines } = await loadSdk(clients, "sfn");
  const arns: string[] = [];
  try {
    for await (const page of paginateListStateMachines({ client: clients.sfn }, {})) {
      for (const item of page.stateMachines ?? []) {
        if (item.name?.startsWith(`${app}-`) && item.stateMachineArn) arns.push(item.stateMachineArn);
      }
    }
  } catch (error) {
    throw wrapAwsError(error, "listing state machines");
  }
  const found = await Promise.all(arns.map((arn) => observeStateMachine(clients, arn)));
  return found
    .filter((live): live is StateMachineLive => live !== undefined && ownedByApp(live.tags, app))
    .sort((a, b) => byCodeUnits(a.name, b.name));
}

export function planStateMachine(
  spec: StateMachineSpec,
  live: StateMachineLive | undefined,
  job: string,
): StateMachineStep {
  const changes: FieldChange[] = [];
  if (live !== undefined) {
    if (live.type !== spec.type) throw typeChanged(spec, live);
    if (live.definition !== spec.definition)
      changes.push(change("definition", live.definition, spec.definition));
    if (live.roleArn !== spec.roleArn) changes.push(change("roleArn", live.roleArn, spec.roleArn));
    changes.push(...tagChanges(spec.tags, live.tags));
  }
  const base = { kind: "state-machine", id: spec.name, job, desired: spec } as const;
  return { ...stepFrom(base, live, changes), arn: spec.arn };
}

/** Names are flexjob's, so only a machine made by other means under one can differ in type. */
function typeChanged(spec: StateMachineSpec, live: StateMachineLive): FlexjobError {
  return new FlexjobError(
    `state machine ${spec.name} is ${live.type}; flexjob needs it ${spec.type}, which Step Functions cannot change`,
    {
      code: "INPUT_INVALID",
      fault: "user",
      remedy: `delete it (aws stepfunctions delete-state-machine --state-machine-arn ${spec.arn}) and deploy again`,
    },
  );
}

/** Step Functions refuses a role it cannot assume yet: IAM has not propagated it. */
function roleNotYetAssumable(error: unknown): boolean {
  return (
    isAwsError(error, "AccessDeniedException") && error instanceof Error && /assume/i.test(error.message)
  );
}

/** Creates, updates or deletes the state machine; resolves to its ARN. */
export async function applyStateMachine(
  clients: AwsClients,
  step: StateMachineStep,
  sleep: (ms: number) => Promise<void>,
): Promise<string | undefined> {
  const {
    CreateStateMachineCommand,
    DeleteStateMachineCommand,
    TagResourceCommand,
    UpdateStateMachineCommand,
  } = await loadSdk(clients, "sfn");
  const update = async (spec: StateMachineSpec, live: StateMachineLive | undefined): Promise<string> => {
    const sent = withRolePropagation(
      () =>
        clients.sfn.send(
          new UpdateStateMachineCommand({
            stateMachineArn: spec.arn,
            definition: spec.definition,
            roleArn: spec.roleArn,
          }),
        ),
      roleNotYetAssumable,
      sleep,
    );
    // Deleted since our read (by hand, or a concurrent destroy): make it again.
    if ((await sent.catch(orMissing)) === MISSING) return create(spec);
    const tags = tagChanges(spec.tags, live?.tags ?? {});
    if (tags.length > 0) {
      await clients.sfn.send(new TagResourceCommand({ resourceArn: spec.arn, tags: wireTags(spec.tags) }));
    }
    return spec.arn;
  };
  const create = async (spec: StateMachineSpec): Promise<string> => {
    const request = new CreateStateMachineCommand({
      name: spec.name,
      definition: spec.definition,
      roleArn: spec.roleArn,
      type: spec.type,
      tags: wireTags(spec.tags),
    });
    try {
      return (
        (await withRolePropagation(() => clients.sfn.send(request), roleNotYetAssumable, sleep))
          .stateMachineArn ?? spec.arn
      );
    } catch (error) {
      // A concurrent deploy created it first with another definition: converge on ours.
      if (isAwsError(error, "StateMachineAlreadyExists")) return update(spec, undefined);
      throw error;
    }
  };
  return runStep(step, "state machine", {
    delete: () =>
      tolerating(
        clients.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: step.arn })),
        "StateMachineDoesNotExist",
      ),
    create,
    update,
  });
}

const MISSING = Symbol("missing");

function orMissing(error: unknown): typeof MISSING {
  if (isAwsError(error, "StateMachineDoesNotExist")) return MISSING;
  throw error;
}

function wireTags(tags: Record<string, string>) {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ key, value: tags[key] ?? "" }));
}

/** A machine the app owns that the config no longer asks for, as destroy and prune see it. */
function foundOf(live: StateMachineLive): Found<StateMachineLive> {
  const job = live.tags[TAG_JOB];
  return { id: live.name, ...(job === undefined ? {} : { job }), live };
}

/**
 * Deletes a machine whose job dropped retries, timeout and overlap (its schedules moved back to the
 * direct ECS target earlier in the same apply: writes come before deletes), or whose job left the
 * config (prune).
 */
function planUnwantedMachine(found: Found<StateMachineLive>, context: PlanContext) {
  if (found.job === undefined && found.id === names.metricsMachine(context.config.app))
    return removeStateMachine(found, "metrics: false");
  return planJobLeftover(found, context, {
    remove: removeStateMachine,
    reason: () => "job no longer sets retries, timeout or overlap",
    remains: "its state machine remains; deploy with prune to remove it",
  });
}

async function observeMachines(
  desired: readonly { id: string; job?: string; spec: StateMachineSpec }[],
  context: ObserveContext,
) {
  const owned = await listOwnedStateMachines(context.clients, context.app);
  const ownedNames = new Set(owned.map((live) => live.name));
  const found = await Promise.all(
    desired
      .filter((item) => context.selected(item.job))
      .map(async (item) => {
        if (ownedNames.has(item.id)) return [item.id, owned.find((live) => live.name === item.id)] as const;
        const live = await observeStateMachine(context.clients, item.spec.arn);
        if (live !== undefined) throw notFlexjobs("Step Functions state machine", item.id);
        return [item.id, undefined] as const;
      }),
  );
  const wanted = new Set(desired.map(({ id }) => id));
  return {
    live: new Map(found.flatMap(([id, live]) => (live === undefined ? [] : [[id, live] as const]))),
    unwanted: owned.filter((live) => !wanted.has(live.name)).map(foundOf),
  };
}

/** A state machine's delete step carries its ARN, which DeleteStateMachine takes. */
function removeStateMachine(found: Found<StateMachineLive>, reason: string): StateMachineStep {
  return { ...deleteStep("state-machine", found, reason), arn: found.live?.arn ?? "" };
}

/** Each job's state machine, for jobs with retries, a timeout or an overlap policy. */
export const stateMachines: ResourceAdapter<StateMachineStep> = {
  kind: "state-machine",
  // After the roles (its role) and before the schedules that start it; deleted after the schedules
  // that pointed at it and before its role.
  order: { write: 1, remove: 4 },
  render: (input) => [
    ...input.config.jobs.filter(usesStateMachine).map((job) => {
      const spec = renderStateMachine(job, input);
      return { id: spec.name, job: job.name, spec };
    }),
    ...(input.config.metrics
      ? [{ id: names.metricsMachine(input.config.app), spec: renderMetricsMachine(input) }]
      : []),
  ],
  observe: observeMachines,
  plan: (desired, live) => planStateMachine(desired.spec, live, desired.job ?? ""),
  planUnwanted: planUnwantedMachine,
  async owned({ clients, config, job }) {
    const owned = await listOwnedStateMachines(clients, config.app);
    return owned.map(foundOf).filter((found) => job === undefined || found.job === job);
  },
  remove: removeStateMachine,
  apply: (step, context) => applyStateMachine(context.clients, step, context.sleep),
  permissions: (scope) => ({
    reads: ["states:ListStateMachines"],
    deploy: [
      {
        Sid: "ManageStateMachines",
        Effect: "Allow",
        Action: [
          "states:CreateStateMachine",
          // A job that drops retries, timeout and overlap loses its machine in an ordinary deploy.
          "states:DeleteStateMachine",
          "states:DescribeStateMachine",
          "states:ListTagsForResource",
          "states:TagResource",
          "states:UpdateStateMachine",
        ],
        Resource: scope.stateMachines,
      },
      passRoleStatement("PassStatesRole", [scope.statesRole, ...scope.metricsRoles], "states.amazonaws.com"),
    ],
  }),
};
