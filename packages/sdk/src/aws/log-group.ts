import { names, ownedByApp, TAG_APP, TAG_JOB, TAG_MANAGED } from "../naming.js";
import { change, stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { isAwsError, tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { observeEach, type ResourceAdapter, runStep } from "./resource.js";

/** A job's CloudWatch log group, where the awslogs driver sends its tasks' output. */
export interface LogGroupSpec {
  name: string;
  retentionDays: number;
  tags: Record<string, string>;
}

export interface LogGroupLive {
  name: string;
  retentionDays: number | undefined;
}

export type LogGroupStep = PlanStep<"log-group", LogGroupSpec, LogGroupLive>;

export async function observeLogGroup(clients: AwsClients, name: string): Promise<LogGroupLive | undefined> {
  const { DescribeLogGroupsCommand } = await loadSdk(clients, "logs");
  try {
    const { logGroups = [] } = await clients.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: name }),
    );
    const found = logGroups.find((group) => group.logGroupName === name);
    return found && { name, retentionDays: found.retentionInDays };
  } catch (error) {
    throw wrapAwsError(error, `reading log group ${name}`);
  }
}

export function planLogGroup(
  spec: LogGroupSpec,
  live: LogGroupLive | undefined,
  job: string | undefined,
): LogGroupStep {
  const base = {
    kind: "log-group",
    id: spec.name,
    ...(job === undefined ? {} : { job }),
    desired: spec,
  } as const;
  const same = live !== undefined && live.retentionDays === spec.retentionDays;
  return stepFrom(base, live, same ? [] : [change("retentionDays", live?.retentionDays, spec.retentionDays)]);
}

export async function applyLogGroup(clients: AwsClients, step: LogGroupStep): Promise<void> {
  const { CreateLogGroupCommand, DeleteLogGroupCommand, PutRetentionPolicyCommand } = await loadSdk(
    clients,
    "logs",
  );
  const name = step.id;
  const setRetention = async (spec: LogGroupSpec) => {
    await clients.logs.send(
      new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: spec.retentionDays }),
    );
  };
  await runStep(step, "log group", {
    delete: () =>
      tolerating(
        clients.logs.send(new DeleteLogGroupCommand({ logGroupName: name })),
        "ResourceNotFoundException",
      ),
    async create(spec) {
      // Another deploy created it a moment ago: setting the retention converges either way.
      await tolerating(
        clients.logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: spec.tags })),
        "ResourceAlreadyExistsException",
      );
      await setRetention(spec);
    },
    update: setRetention,
  });
}

/**
 * The log groups under a prefix that carry the app's flexjob tags, e.g. every job's group for
 * destroy. A name alone proves nothing: a user may have made `/flexjob/<app>/handmade` by hand, and
 * destroy and prune delete only what flexjob created.
 */
export async function listOwnedLogGroups(
  clients: AwsClients,
  prefix: string,
  app: string,
): Promise<string[]> {
  const { DescribeLogGroupsCommand } = await loadSdk(clients, "logs");
  const found: { name: string; arn: string }[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await clients.logs.send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken }),
      );
      for (const group of page.logGroups ?? []) {
        if (group.logGroupName && group.logGroupArn)
          found.push({ name: group.logGroupName, arn: group.logGroupArn });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    throw wrapAwsError(error, `listing log groups under ${prefix}`);
  }
  const owned = await Promise.all(
    found.map(async (group) => ((await ownedBy(clients, group, app)) ? [group.name] : [])),
  );
  return owned.flat();
}

async function ownedBy(
  clients: AwsClients,
  group: { name: string; arn: string },
  app: string,
): Promise<boolean> {
  const { ListTagsForResourceCommand } = await loadSdk(clients, "logs");
  try {
    const { tags = {} } = await clients.logs.send(new ListTagsForResourceCommand({ resourceArn: group.arn }));
    return ownedByApp(tags, app);
  } catch (error) {
    // Deleted between the listing and now: nothing of ours to remove.
    if (isAwsError(error, "ResourceNotFoundException")) return false;
    throw wrapAwsError(error, `reading the tags of log group ${group.name}`);
  }
}

/** How long the run history keeps a run: one of CloudWatch Logs' retention values. */
const RUNS_RETENTION_DAYS = 365;

/** Each job's log group, `/flexjob/<app>/<job>`, and the app's run history `/flexjob/<app>/runs`. */
export const logGroups: ResourceAdapter<LogGroupStep> = {
  kind: "log-group",
  order: { write: 1, remove: 5 },
  render: ({ config }) => {
    const runs = names.runsLogGroup(config.app);
    const appTags = { [TAG_MANAGED]: "true", [TAG_APP]: config.app };
    return [
      ...config.jobs.map((job) => {
        const name = names.logGroup(config.app, job.name);
        const tags = { ...appTags, [TAG_JOB]: job.name };
        return { id: name, job: job.name, spec: { name, retentionDays: job.logs.retentionDays, tags } };
      }),
      // The run history is app-wide: a year of stop records, one small event per task.
      { id: runs, spec: { name: runs, retentionDays: RUNS_RETENTION_DAYS, tags: appTags } },
    ];
  },
  observe: observeEach((desired, { clients }) => observeLogGroup(clients, desired.id)),
  plan: (desired, live) => planLogGroup(desired.spec, live, desired.job),
  async owned({ clients, config, job }) {
    const prefix = names.logGroup(config.app, "");
    const owned = await listOwnedLogGroups(clients, prefix, config.app);
    // The run history is the app's, not a job's: it goes with the app only.
    const runs = names.runsLogGroup(config.app);
    return owned.flatMap((name) => {
      if (name === runs) return job === undefined ? [{ id: name }] : [];
      const owner = name.slice(prefix.length);
      return job === undefined || owner === job ? [{ id: name, job: owner }] : [];
    });
  },
  apply: (step, { clients }) => applyLogGroup(clients, step),
  permissions: (scope) => ({
    reads: ["logs:DescribeLogGroups"],
    deploy: [
      {
        Sid: "ManageLogGroups",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagLogGroup", "logs:TagResource"],
        Resource: scope.logGroups,
      },
      {
        // The Action's summary shows each deployed job's last runs.
        Sid: "ReadRunHistory",
        Effect: "Allow",
        Action: "logs:FilterLogEvents",
        Resource: scope.arn("logs", `log-group:${names.runsLogGroup(scope.app)}`),
      },
    ],
    destroy: [
      {
        // Destroy reads each group's tags first: it deletes only groups flexjob tagged for this app.
        Sid: "DestroyLogGroups",
        Effect: "Allow",
        Action: ["logs:DeleteLogGroup", "logs:ListTagsForResource"],
        Resource: scope.logGroups,
      },
    ],
  }),
};
