import { FlexjobError } from "../errors.js";
import { names } from "../naming.js";
import { diffFields, Leaf, stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { isAwsError, tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { normalisePolicy, type PolicyDocument, parsePolicyDocument, policy } from "./policy.js";
import { observeEach, type ResourceAdapter, runStep } from "./resource.js";

/**
 * The CloudWatch Logs resource policy that lets EventBridge write run history into the apps' runs
 * log groups. EventBridge takes no role for a Logs target: the group's account must allow it by a
 * resource policy, and an account may have only 10 of them per Region, so every flexjob app in the
 * account and Region shares this one (`flexjob-events-to-logs`).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html
 */
export interface LogsResourcePolicySpec {
  name: string;
  document: PolicyDocument;
}

export interface LogsResourcePolicyLive {
  name: string;
  /** Parsed from the policy text. */
  document: unknown;
}

export type LogsResourcePolicyStep = PlanStep<"logs-policy", LogsResourcePolicySpec, LogsResourcePolicyLive>;

/** CloudWatch Logs' quota of resource policies per account and Region. */
const POLICIES_PER_REGION = 10;

/** Every app's runs group in this account and Region, written only by the apps' own two rules. */
export function runsPolicyDocument(accountId: string, region: string): PolicyDocument {
  return policy({
    Sid: "FlexjobRunHistory",
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `arn:aws:logs:${region}:${accountId}:log-group:${names.runsLogGroup("*")}:*`,
    Condition: {
      StringEquals: { "aws:SourceAccount": accountId },
      ArnLike: {
        "aws:SourceArn": [names.runsRule("*"), names.missedRule("*"), names.executionsRule("*")].map(
          (rule) => `arn:aws:events:${region}:${accountId}:rule/${rule}`,
        ),
      },
    },
  });
}

export async function observeLogsResourcePolicy(
  clients: AwsClients,
  name: string,
): Promise<LogsResourcePolicyLive | undefined> {
  const { DescribeResourcePoliciesCommand } = await loadSdk(clients, "logs");
  try {
    let nextToken: string | undefined;
    do {
      const page = await clients.logs.send(new DescribeResourcePoliciesCommand({ nextToken }));
      const found = page.resourcePolicies?.find((each) => each.policyName === name);
      if (found) return { name, document: parsePolicyDocument(found.policyDocument ?? "{}") };
      nextToken = page.nextToken;
    } while (nextToken);
    return undefined;
  } catch (error) {
    throw wrapAwsError(error, `reading CloudWatch Logs resource policy ${name}`);
  }
}

export function planLogsResourcePolicy(
  spec: LogsResourcePolicySpec,
  live: LogsResourcePolicyLive | undefined,
): LogsResourcePolicyStep {
  const base = { kind: "logs-policy", id: spec.name, desired: spec } as const;
  const desired = { document: new Leaf(normalisePolicy(spec.document)) };
  return stepFrom(
    base,
    live,
    diffFields(live && { document: new Leaf(normalisePolicy(live.document)) }, desired),
  );
}

export async function applyLogsResourcePolicy(
  clients: AwsClients,
  step: LogsResourcePolicyStep,
): Promise<void> {
  const { DeleteResourcePolicyCommand, PutResourcePolicyCommand } = await loadSdk(clients, "logs");
  const name = step.id;
  const put = async (spec: LogsResourcePolicySpec) => {
    await clients.logs
      .send(new PutResourcePolicyCommand({ policyName: name, policyDocument: JSON.stringify(spec.document) }))
      .catch((error: unknown) => {
        if (!isAwsError(error, "LimitExceededException")) throw error;
        throw new FlexjobError(
          `CloudWatch Logs resource policy ${name}: this account already has ${POLICIES_PER_REGION} resource policies in this Region, the most CloudWatch Logs allows`,
          {
            code: "AWS_ERROR",
            fault: "user",
            cause: error,
            remedy: `remove one you no longer need ("aws logs describe-resource-policies" lists them), then deploy again`,
          },
        );
      });
  };
  await runStep(step, "CloudWatch Logs resource policy", {
    delete: () =>
      tolerating(
        clients.logs.send(new DeleteResourcePolicyCommand({ policyName: name })),
        "ResourceNotFoundException",
      ),
    create: put,
    update: put,
  });
}

/** Any app's run history group, as names.runsLogGroup makes it. */
const RUNS_GROUP = /^\/flexjob\/[^/]+\/runs$/;

/** Whether an app other than `app` still has a runs log group here, and so needs the shared policy. */
async function otherAppsRecordRuns(clients: AwsClients, app: string): Promise<boolean> {
  const { DescribeLogGroupsCommand } = await loadSdk(clients, "logs");
  const own = names.runsLogGroup(app);
  let nextToken: string | undefined;
  do {
    const page = await clients.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: "/flexjob/", nextToken }),
    );
    if (
      (page.logGroups ?? []).some(({ logGroupName: group = "" }) => group !== own && RUNS_GROUP.test(group))
    )
      return true;
    nextToken = page.nextToken;
  } while (nextToken);
  return false;
}

/** The one resource policy every app's run history needs (see LogsResourcePolicySpec). */
export const logsResourcePolicies: ResourceAdapter<LogsResourcePolicyStep> = {
  kind: "logs-policy",
  // Before the rule that delivers under it; removed with the last app that needs it.
  order: { write: 0, remove: 7 },
  render: ({ accountId, region }) => {
    const name = names.runsLogsPolicy;
    return [{ id: name, spec: { name, document: runsPolicyDocument(accountId, region) } }];
  },
  observe: observeEach((desired, { clients }) => observeLogsResourcePolicy(clients, desired.id)),
  plan: (desired, live) => planLogsResourcePolicy(desired.spec, live),
  async owned({ clients, config, job }) {
    if (job !== undefined) return [];
    try {
      if (await otherAppsRecordRuns(clients, config.app)) return [];
    } catch (error) {
      throw wrapAwsError(error, "listing the log groups other flexjob apps record runs in");
    }
    const live = await observeLogsResourcePolicy(clients, names.runsLogsPolicy);
    return live === undefined ? [] : [{ id: live.name, live }];
  },
  apply: (step, { clients }) => applyLogsResourcePolicy(clients, step),
  permissions: () => ({
    // CloudWatch Logs' resource policy actions take no resource ARN.
    reads: ["logs:DescribeResourcePolicies"],
    deploy: [
      {
        Sid: "WriteRunHistoryPolicyAwsCannotScope",
        Effect: "Allow",
        Action: "logs:PutResourcePolicy",
        Resource: "*",
      },
    ],
    destroy: [
      {
        Sid: "DeleteRunHistoryPolicyAwsCannotScope",
        Effect: "Allow",
        Action: "logs:DeleteResourcePolicy",
        Resource: "*",
      },
    ],
  }),
};
