import { AttachRolePolicyCommand, CreatePolicyCommand } from "@aws-sdk/client-iam";
import { type FakeAws, isAllowed } from "fake-aws";
import { afterEach, describe, expect, it } from "vitest";
import { callRequests } from "../../test/call-requests.js";
import { shopConfig, startWorld } from "../../test/harness.js";
import { boundaryPolicy } from "../aws/permissions-boundary.js";
import type { PolicyDocument, PolicyStatement } from "../aws/policy.js";
import { deleteBulkSchedules, syncBulkSchedules } from "../bulk/index.js";
import { parseConfig } from "../config/index.js";
import { deploy } from "./deploy.js";
import { destroy } from "./destroy.js";
import { deployPolicy, runPolicy } from "./iam-policy.js";
import { logs } from "./logs.js";
import { runNow } from "./run-now.js";
import { status } from "./status.js";

const billing = parseConfig({
  app: "billing",
  region: "eu-west-1",
  jobs: {
    report: {
      image: "public.ecr.aws/docker/library/python:3.13-slim",
      schedule: "every day at 03:30",
      taskRole: "billing-report",
    },
    cleanup: { image: "alpine:3", schedule: "rate(1 hour)" },
  },
});

function statement(document: { Statement: PolicyStatement[] }, sid: string): PolicyStatement | undefined {
  return document.Statement.find((each) => each.Sid === sid);
}

describe("deployPolicy", () => {
  it("scopes every action it can to the app's resource names", () => {
    expect(deployPolicy(billing, { accountId: "123456789012" })).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadAccount",
          Effect: "Allow",
          Action: [
            "sts:GetCallerIdentity",
            "ec2:DescribeRouteTables",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
            "ecs:DescribeTaskDefinition",
            "ecs:ListTaskDefinitionFamilies",
            "ecs:ListTaskDefinitions",
            "events:ListApiDestinations",
            "logs:DescribeLogGroups",
            "logs:DescribeResourcePolicies",
            "scheduler:ListSchedules",
            "states:ListStateMachines",
          ],
          Resource: "*",
        },
        {
          // GetPolicy is the role kind's (ReadBoundary); reading the document is the check's own.
          Sid: "CompareBoundary",
          Effect: "Allow",
          Action: "iam:GetPolicyVersion",
          Resource: "arn:aws:iam::123456789012:policy/billing-flexjob-boundary",
        },
        {
          Sid: "ReadAndTagRoles",
          Effect: "Allow",
          Action: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:TagRole"],
          Resource: [
            "arn:aws:iam::123456789012:role/billing-flexjob-execution",
            "arn:aws:iam::123456789012:role/billing-flexjob-scheduler",
            "arn:aws:iam::123456789012:role/billing-flexjob-pipes",
            "arn:aws:iam::123456789012:role/billing-flexjob-metrics",
          ],
        },
        {
          Sid: "WriteRolesOnlyUnderTheBoundary",
          Effect: "Allow",
          Action: ["iam:CreateRole", "iam:DeleteRolePolicy", "iam:PutRolePolicy"],
          Resource: [
            "arn:aws:iam::123456789012:role/billing-flexjob-execution",
            "arn:aws:iam::123456789012:role/billing-flexjob-scheduler",
            "arn:aws:iam::123456789012:role/billing-flexjob-pipes",
            "arn:aws:iam::123456789012:role/billing-flexjob-metrics",
          ],
          Condition: {
            StringEquals: {
              "iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/billing-flexjob-boundary",
            },
          },
        },
        {
          Sid: "ReadBoundary",
          Effect: "Allow",
          Action: "iam:GetPolicy",
          Resource: "arn:aws:iam::123456789012:policy/billing-flexjob-boundary",
        },
        {
          Sid: "PassRolesToEcs",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: [
            "arn:aws:iam::123456789012:role/billing-flexjob-execution",
            "arn:aws:iam::123456789012:role/billing-report",
          ],
          Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
        {
          Sid: "PassRoleToScheduler",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: "arn:aws:iam::123456789012:role/billing-flexjob-scheduler",
          Condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
        },
        {
          Sid: "ManageCluster",
          Effect: "Allow",
          Action: ["ecs:DescribeClusters", "ecs:PutClusterCapacityProviders", "ecs:UpdateClusterSettings"],
          Resource: "arn:aws:ecs:eu-west-1:123456789012:cluster/billing",
        },
        {
          Sid: "CreateCluster",
          Effect: "Allow",
          Action: "ecs:CreateCluster",
          Resource: "*",
          Condition: { StringEquals: { "aws:RequestTag/flexjob:app": "billing" } },
        },
        {
          Sid: "TagClusterOnCreate",
          Effect: "Allow",
          Action: "ecs:TagResource",
          Resource: "arn:aws:ecs:eu-west-1:123456789012:cluster/billing",
          Condition: { StringEquals: { "ecs:CreateAction": "CreateCluster" } },
        },
        {
          Sid: "ManageScheduleGroup",
          Effect: "Allow",
          Action: [
            "scheduler:CreateScheduleGroup",
            "scheduler:DeleteScheduleGroup",
            "scheduler:GetScheduleGroup",
            "scheduler:ListTagsForResource",
            "scheduler:TagResource",
          ],
          Resource: [
            "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/flexjob-billing",
            "arn:aws:scheduler:eu-west-1:123456789012:schedule-group/flexjob-billing.*",
          ],
        },
        {
          Sid: "WriteRunHistoryPolicyAwsCannotScope",
          Effect: "Allow",
          Action: "logs:PutResourcePolicy",
          Resource: "*",
        },
        {
          Sid: "ManageLogGroups",
          Effect: "Allow",
          Action: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagLogGroup", "logs:TagResource"],
          Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/flexjob/billing/*",
        },
        {
          Sid: "ReadRunHistory",
          Effect: "Allow",
          Action: "logs:FilterLogEvents",
          Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/flexjob/billing/runs",
        },
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
          Resource: "arn:aws:sqs:eu-west-1:123456789012:flexjob-billing-missed",
        },
        {
          Sid: "ManageMissedRunsPipe",
          Effect: "Allow",
          Action: ["pipes:CreatePipe", "pipes:DescribePipe", "pipes:TagResource", "pipes:UpdatePipe"],
          Resource: "arn:aws:pipes:eu-west-1:123456789012:pipe/flexjob-billing-missed",
        },
        {
          Sid: "PassPipesRole",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: "arn:aws:iam::123456789012:role/billing-flexjob-pipes",
          Condition: { StringEquals: { "iam:PassedToService": "pipes.amazonaws.com" } },
        },
        {
          Sid: "RegisterTaskDefinitions",
          Effect: "Allow",
          Action: "ecs:RegisterTaskDefinition",
          Resource: "*",
          Condition: { StringEquals: { "aws:RequestTag/flexjob:app": "billing" } },
        },
        {
          Sid: "TagTaskDefinitionsOnCreate",
          Effect: "Allow",
          Action: "ecs:TagResource",
          Resource: [
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-report:*",
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-cleanup:*",
          ],
          Condition: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } },
        },
        {
          Sid: "DeregisterTaskDefinitionsAwsCannotScope",
          Effect: "Allow",
          Action: "ecs:DeregisterTaskDefinition",
          Resource: "*",
        },
        {
          Sid: "ManageStateMachines",
          Effect: "Allow",
          Action: [
            "states:CreateStateMachine",
            "states:DeleteStateMachine",
            "states:DescribeStateMachine",
            "states:ListTagsForResource",
            "states:TagResource",
            "states:UpdateStateMachine",
          ],
          Resource: "arn:aws:states:eu-west-1:123456789012:stateMachine:billing-*",
        },
        {
          Sid: "PassStatesRole",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: [
            "arn:aws:iam::123456789012:role/billing-flexjob-states",
            "arn:aws:iam::123456789012:role/billing-flexjob-metrics",
          ],
          Condition: { StringEquals: { "iam:PassedToService": "states.amazonaws.com" } },
        },
        {
          Sid: "ManageSchedules",
          Effect: "Allow",
          Action: [
            "scheduler:CreateSchedule",
            "scheduler:DeleteSchedule",
            "scheduler:GetSchedule",
            "scheduler:UpdateSchedule",
          ],
          Resource: [
            "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-billing/*",
            "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-billing.*/*",
          ],
        },
        {
          Sid: "ManageRunHistoryRules",
          Effect: "Allow",
          Action: [
            "events:DeleteRule",
            "events:DescribeRule",
            "events:ListTagsForResource",
            "events:ListTargetsByRule",
            "events:PutRule",
            "events:PutTargets",
            "events:RemoveTargets",
            "events:TagResource",
          ],
          Resource: [
            "arn:aws:events:eu-west-1:123456789012:rule/flexjob-billing-runs",
            "arn:aws:events:eu-west-1:123456789012:rule/flexjob-billing-missed",
            "arn:aws:events:eu-west-1:123456789012:rule/flexjob-billing-executions",
          ],
        },
        {
          Sid: "PassMetricsRoleToRules",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: ["arn:aws:iam::123456789012:role/billing-flexjob-metrics"],
          Condition: { StringEquals: { "iam:PassedToService": "events.amazonaws.com" } },
        },
        {
          Sid: "ManageAlertWebhooks",
          Effect: "Allow",
          Action: [
            "events:CreateApiDestination",
            "events:CreateConnection",
            "events:DeleteApiDestination",
            "events:DeleteConnection",
            "events:DescribeApiDestination",
            "events:DescribeConnection",
            "events:UpdateApiDestination",
            "events:UpdateConnection",
          ],
          Resource: [
            "arn:aws:events:eu-west-1:123456789012:api-destination/flexjob-billing-*",
            "arn:aws:events:eu-west-1:123456789012:connection/flexjob-billing-alerts",
            "arn:aws:events:eu-west-1:123456789012:connection/flexjob-billing-alerts/*",
          ],
        },
        {
          Sid: "ManageDashboard",
          Effect: "Allow",
          Action: ["cloudwatch:DeleteDashboards", "cloudwatch:GetDashboard", "cloudwatch:PutDashboard"],
          Resource: "arn:aws:cloudwatch::123456789012:dashboard/flexjob-billing",
        },
        {
          Sid: "KeepDeployRecord",
          Effect: "Allow",
          Action: ["ssm:DeleteParameter", "ssm:GetParameter", "ssm:PutParameter"],
          Resource: "arn:aws:ssm:eu-west-1:123456789012:parameter/flexjob/billing/last-deploy",
        },
      ],
    });
  });

  it("without an account id or region, leaves them as wildcards in the ARNs", () => {
    const config = parseConfig({
      app: "billing",
      jobs: { report: { image: "alpine:3", schedule: "@daily" } },
    });
    const document = deployPolicy(config);
    expect(statement(document, "ManageCluster")?.Resource).toBe("arn:aws:ecs:*:*:cluster/billing");
    expect(statement(document, "ReadAndTagRoles")?.Resource).toEqual([
      "arn:aws:iam::*:role/billing-flexjob-execution",
      "arn:aws:iam::*:role/billing-flexjob-scheduler",
      "arn:aws:iam::*:role/billing-flexjob-pipes",
      "arn:aws:iam::*:role/billing-flexjob-metrics",
    ]);
    expect(
      deployPolicy(config, { region: "us-east-1" }).Statement.find((each) => each.Sid === "ManageSchedules")
        ?.Resource,
    ).toEqual([
      "arn:aws:scheduler:us-east-1:*:schedule/flexjob-billing/*",
      "arn:aws:scheduler:us-east-1:*:schedule/flexjob-billing.*/*",
    ]);
  });

  it("uses the configured cluster and passes only the roles the jobs name", () => {
    const config = parseConfig({
      app: "billing",
      region: "eu-west-1",
      cluster: "shared",
      jobs: {
        a: { image: "alpine:3", schedule: "@daily", taskRole: "arn:aws:iam::123456789012:role/custom" },
        b: { image: "alpine:3", schedule: "@daily", taskRole: "arn:aws:iam::123456789012:role/custom" },
      },
    });
    const document = deployPolicy(config, { accountId: "123456789012" });
    expect(statement(document, "ManageCluster")?.Resource).toBe(
      "arn:aws:ecs:eu-west-1:123456789012:cluster/shared",
    );
    expect(statement(document, "PassRolesToEcs")?.Resource).toEqual([
      "arn:aws:iam::123456789012:role/billing-flexjob-execution",
      "arn:aws:iam::123456789012:role/custom",
    ]);
  });

  it("grants ECR only when a job builds from source, and only on the app's repositories", () => {
    expect(billing.jobs.every((job) => job.source === undefined)).toBe(true);
    expect(
      deployPolicy(billing).Statement.some((each) => [each.Action].flat().some((a) => a.startsWith("ecr:"))),
    ).toBe(false);
    const built = parseConfig({
      app: "billing",
      region: "eu-west-1",
      jobs: { report: { schedule: "@daily" } },
    });
    const document = deployPolicy(built, { accountId: "123456789012" });
    expect(statement(document, "EcrLogin")).toEqual({
      Sid: "EcrLogin",
      Effect: "Allow",
      Action: "ecr:GetAuthorizationToken",
      Resource: "*",
    });
    expect(statement(document, "PushJobImages")?.Resource).toBe(
      "arn:aws:ecr:eu-west-1:123456789012:repository/flexjob/billing/*",
    );
  });
});

const ACCOUNT = "123456789012";
const BOUNDARY = "arn:aws:iam::123456789012:policy/billing-flexjob-boundary";
const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

describe("the deploy role cannot escalate", () => {
  const deployer = { identity: [deployPolicy(billing, { accountId: ACCOUNT, destroy: true })] };
  const may = (action: string, resource: string, context: Record<string, string> = {}) =>
    isAllowed(deployer, { action, resource, context });
  const appRoles = ["billing-flexjob-execution", "billing-flexjob-scheduler"].map(role);

  it("creates the app's roles only with the app's boundary", () => {
    for (const arn of appRoles) {
      expect(may("iam:CreateRole", arn, { "iam:PermissionsBoundary": BOUNDARY })).toBe(true);
      expect(may("iam:CreateRole", arn)).toBe(false);
      expect(
        may("iam:CreateRole", arn, {
          "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      ).toBe(false);
    }
    expect(may("iam:CreateRole", role("admin"), { "iam:PermissionsBoundary": BOUNDARY })).toBe(false);
  });

  it("writes or deletes inline policies only on roles that carry the boundary", () => {
    for (const action of ["iam:PutRolePolicy", "iam:DeleteRolePolicy"]) {
      expect(may(action, appRoles[0] ?? "", { "iam:PermissionsBoundary": BOUNDARY })).toBe(true);
      expect(may(action, appRoles[0] ?? "")).toBe(false);
      expect(may(action, role("billing-report"), { "iam:PermissionsBoundary": BOUNDARY })).toBe(false);
    }
  });

  it("cannot remove or replace a role's boundary, attach managed policies or change a trust", () => {
    for (const arn of appRoles) {
      for (const action of [
        "iam:PutRolePermissionsBoundary",
        "iam:DeleteRolePermissionsBoundary",
        "iam:AttachRolePolicy",
        "iam:UpdateAssumeRolePolicy",
      ]) {
        expect([action, may(action, arn, { "iam:PermissionsBoundary": BOUNDARY })]).toEqual([action, false]);
      }
    }
  });

  it("cannot edit, replace or delete the boundary policy", () => {
    for (const action of [
      "iam:CreatePolicy",
      "iam:CreatePolicyVersion",
      "iam:SetDefaultPolicyVersion",
      "iam:DeletePolicyVersion",
      "iam:DeletePolicy",
    ]) {
      expect([action, may(action, BOUNDARY)]).toEqual([action, false]);
    }
    expect(may("iam:GetPolicy", BOUNDARY)).toBe(true);
  });

  it("a role under the boundary cannot use IAM or other services even with an inline *:* policy", () => {
    const everything: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    };
    const escalated = { identity: [everything], boundary: boundaryPolicy("billing", { accountId: ACCOUNT }) };
    const can = (action: string, resource: string, context: Record<string, string> = {}) =>
      isAllowed(escalated, { action, resource, context });
    expect(can("iam:CreateRole", role("x"))).toBe(false);
    expect(can("iam:PutRolePolicy", role("billing-flexjob-execution"))).toBe(false);
    expect(can("iam:AttachRolePolicy", role("billing-flexjob-execution"))).toBe(false);
    expect(can("sts:AssumeRole", role("admin"))).toBe(false);
    expect(can("s3:GetObject", "arn:aws:s3:::bucket/key")).toBe(false);
    expect(can("ecs:RunTask", "arn:aws:ecs:eu-west-1:123456789012:task-definition/other-app:1")).toBe(false);
    expect(can("iam:PassRole", role("admin"), { "iam:PassedToService": "ec2.amazonaws.com" })).toBe(false);
    // What flexjob's roles need stays possible.
    expect(can("ecs:RunTask", "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-report:3")).toBe(
      true,
    );
    expect(
      can(
        "logs:PutLogEvents",
        "arn:aws:logs:eu-west-1:123456789012:log-group:/flexjob/billing/report:log-stream:x",
      ),
    ).toBe(true);
    expect(
      can("kms:Decrypt", "arn:aws:kms:eu-west-1:123456789012:key/k", {
        "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
      }),
    ).toBe(true);
    expect(can("kms:Decrypt", "arn:aws:kms:eu-west-1:123456789012:key/k")).toBe(false);
  });

  it("keeps discovery out of the policy unless discovery: is set, and tag-scopes its deletes", () => {
    const actions = (document: PolicyDocument) => document.Statement.flatMap((each) => [each.Action].flat());
    const without = actions(deployPolicy(billing, { accountId: ACCOUNT, destroy: true }));
    expect(without.filter((action) => /^(servicediscovery|route53):/.test(action))).toEqual([]);
    const withDiscovery = deployPolicy(
      { ...billing, discovery: { namespace: "billing.internal" } },
      { accountId: ACCOUNT, destroy: true },
    );
    expect(statement(withDiscovery, "DestroyAppDiscovery")).toEqual({
      Sid: "DestroyAppDiscovery",
      Effect: "Allow",
      Action: ["servicediscovery:DeleteNamespace", "servicediscovery:DeleteService"],
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceTag/flexjob:app": "billing" } },
    });
    const deleter = { identity: [withDiscovery] };
    const namespace = "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-1";
    const deleteNamespace = (app: string) =>
      isAllowed(deleter, {
        action: "servicediscovery:DeleteNamespace",
        resource: namespace,
        context: { "aws:ResourceTag/flexjob:app": app },
      });
    expect(deleteNamespace("billing")).toBe(true);
    expect(deleteNamespace("payroll")).toBe(false);
    expect(statement(withDiscovery, "CreateHostedZoneAwsCannotScope")?.Action).toBe(
      "route53:CreateHostedZone",
    );
  });
});

/**
 * The calls fake-aws saw that `document` would not allow: IAM and Scheduler calls (and the roles
 * they pass) evaluated with their resource and condition keys, the others by action.
 */
function deniedCalls(aws: FakeAws, document: PolicyDocument, fromCall = 0): string[] {
  const principal = { identity: [document] };
  const actions = document.Statement.flatMap((each) => [each.Action].flat());
  const requests = callRequests(aws.calls, aws.accountId).filter((request) => request.call >= fromCall);
  const denied = requests.filter((request) =>
    request.exact ? !isAllowed(principal, request) : !actions.includes(request.action),
  );
  return [...new Set(denied.map((request) => `${request.action} ${request.resource}`))].sort();
}

function sentActions(aws: FakeAws): string[] {
  return [...new Set(aws.calls.map((call) => `${call.service}:${call.operation}`))].sort();
}

describe("deployPolicy against what a deploy sends", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  /** The boundary exists before CI deploys: an administrator created it (see README). */
  async function withBoundary(aws: FakeAws, deps: Awaited<ReturnType<typeof startWorld>>["deps"]) {
    await deps.clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: "shop-flexjob-boundary",
        PolicyDocument: JSON.stringify(boundaryPolicy("shop", { accountId: aws.accountId })),
      }),
    );
    aws.clearCalls();
  }

  it("allows every call of a first deploy, a no-op redeploy, a scale-down and a prune", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    await withBoundary(aws, deps);
    await deploy(shopConfig(), {}, deps);
    await deploy(shopConfig(), {}, deps);
    await deploy(shopConfig({ report: { tasks: 1 } }), {}, deps);
    const withoutCleanup = shopConfig({
      jobs: {
        report: { image: "public.ecr.aws/docker/library/busybox:1.37", schedule: "every day at 03:30" },
      },
    });
    await deploy(withoutCleanup, { prune: true }, deps);

    expect(deniedCalls(aws, deployPolicy(shopConfig(), { accountId: aws.accountId }))).toEqual([]);
    // The scenario did exercise the writes, not only the reads.
    expect(sentActions(aws)).toEqual(
      expect.arrayContaining([
        "ecs:RegisterTaskDefinition",
        "ecs:DeregisterTaskDefinition",
        "scheduler:CreateSchedule",
        "scheduler:DeleteSchedule",
        "iam:CreateRole",
        "iam:PutRolePolicy",
      ]),
    );
  });

  it("allows every call of a job's state machine: create, change, back to ECS, and destroy", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    await withBoundary(aws, deps);
    const machine = shopConfig({ report: { retries: 2, timeout: "1h", overlap: "replace" } });
    await deploy(machine, {}, deps);
    await deploy(machine, {}, deps);
    await deploy(shopConfig({ report: { retries: 1 } }), {}, deps);
    expect(deniedCalls(aws, deployPolicy(machine, { accountId: aws.accountId }))).toEqual([]);
    const backToEcs = aws.calls.length;
    await deploy(shopConfig(), {}, deps);
    expect(deniedCalls(aws, deployPolicy(shopConfig(), { accountId: aws.accountId }), backToEcs)).toEqual([]);
    await deploy(machine, {}, deps);
    const destroyStarts = aws.calls.length;
    await destroy(machine, {}, deps);
    expect(
      deniedCalls(aws, deployPolicy(machine, { accountId: aws.accountId, destroy: true }), destroyStarts),
    ).toEqual([]);
    expect(sentActions(aws)).toEqual(
      expect.arrayContaining([
        "states:CreateStateMachine",
        "states:UpdateStateMachine",
        "states:DeleteStateMachine",
      ]),
    );
  });

  it("a deploy whose boundary is missing fails for the deploy role at its first role write", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    await deploy(shopConfig(), {}, deps);
    // Run by an administrator, the deploy created the boundary; the deploy role could not have.
    const denied = deniedCalls(aws, deployPolicy(shopConfig(), { accountId: aws.accountId }));
    expect(denied).toEqual([`iam:CreatePolicy arn:aws:iam::${aws.accountId}:policy/shop-flexjob-boundary`]);
  });

  it("allows every call of a bulk schedule sync and of deleting the bulk schedules", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    await withBoundary(aws, deps);
    await deploy(shopConfig(), {}, deps);
    const entries = [1, 2, 3].map((index) => ({
      key: `c${index}`,
      expression: "@daily",
      env: { CUSTOMER: `c${index}` },
    }));
    await syncBulkSchedules(shopConfig(), "report", entries, {}, deps);
    await syncBulkSchedules(shopConfig(), "report", entries.slice(1), { prune: true }, deps);
    await deleteBulkSchedules(shopConfig(), "report", deps);
    expect(deniedCalls(aws, deployPolicy(shopConfig(), { accountId: aws.accountId }))).toEqual([]);
    expect(sentActions(aws)).toEqual(
      expect.arrayContaining(["scheduler:CreateSchedule", "scheduler:DeleteScheduleGroup"]),
    );
  });

  it("with destroy, allows every call of destroying the whole app, discovery included", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    const config = { ...shopConfig(), discovery: { namespace: "shop.internal" } };
    await withBoundary(aws, deps);
    await deploy(config, {}, deps);
    await syncBulkSchedules(config, "report", [{ key: "a", expression: "@daily" }], {}, deps);
    const destroyStarts = aws.calls.length;
    await destroy(config, {}, deps);
    const policyFor = (options: { destroy: boolean }) =>
      deployPolicy(config, { accountId: aws.accountId, ...options });
    expect(deniedCalls(aws, policyFor({ destroy: true }), destroyStarts)).toEqual([]);
    // Without destroy, the deploy role cannot delete the app.
    expect(deniedCalls(aws, policyFor({ destroy: false }), destroyStarts)).toEqual(
      expect.arrayContaining([
        `iam:DeleteRole arn:aws:iam::${aws.accountId}:role/shop-flexjob-execution`,
        "logs:DeleteLogGroup *",
        "ecs:DeleteCluster *",
      ]),
    );
  });

  it("with destroy, may name the managed policies that block a role's delete, and never detaches them", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    await withBoundary(aws, deps);
    await deploy(shopConfig(), {}, deps);
    const policyArn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";
    await deps.clients.iam.send(
      new AttachRolePolicyCommand({ RoleName: "shop-flexjob-scheduler", PolicyArn: policyArn }),
    );
    const destroyStarts = aws.calls.length;
    await expect(destroy(shopConfig(), {}, deps)).rejects.toThrow(
      `IAM role shop-flexjob-scheduler cannot be deleted: it has managed policies attached that flexjob did not attach: ${policyArn}`,
    );
    const document = deployPolicy(shopConfig(), { accountId: aws.accountId, destroy: true });
    expect(deniedCalls(aws, document, destroyStarts)).toEqual([]);
    expect(aws.callsTo("iam", "ListAttachedRolePolicies")).toHaveLength(1);
    expect(aws.callsTo("iam", "DetachRolePolicy")).toEqual([]);
  });

  it("allows every call of a deploy with service discovery", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    const config = { ...shopConfig(), discovery: { namespace: "shop.internal" } };
    await withBoundary(aws, deps);
    await deploy(config, {}, deps);
    await deploy(config, {}, deps);
    expect(deniedCalls(aws, deployPolicy(config, { accountId: aws.accountId }))).toEqual([]);
    expect(sentActions(aws)).toEqual(
      expect.arrayContaining(["servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:GetOperation"]),
    );
    const passable = deployPolicy(config, { accountId: aws.accountId }).Statement.find(
      (each) => each.Sid === "PassRolesToEcs",
    );
    expect(passable?.Resource).toContain("arn:aws:iam::123456789012:role/shop-flexjob-task");
  });
});

describe("runPolicy against what run, status and logs send", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("allows every call of running a state-machine job and waiting for it", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    const config = shopConfig({ report: { retries: 1, tasks: 1 } });
    await deploy(config, {}, deps);
    const runStarts = aws.calls.length;
    aws.ecs.setExitCode("shop-report", 0);
    const run = await runNow(config, "report", { wait: true, pollMs: 10_000 }, deps);
    expect(run.succeeded).toBe(true);
    expect(deniedCalls(aws, runPolicy(config, { accountId: aws.accountId }), runStarts)).toEqual([]);
    expect(sentActions(aws)).toEqual(
      expect.arrayContaining(["states:StartExecution", "states:DescribeExecution"]),
    );
    // Without a state-machine job, the run policy grants no Step Functions action.
    const plain = JSON.stringify(runPolicy(shopConfig(), { accountId: aws.accountId }));
    expect(plain.includes("states:")).toBe(false);
  });

  it("allows every call of running a job and waiting for it, status and logs, resources included", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    await deploy(shopConfig(), {}, deps);
    // Replayed from the deploy on: RunTask passes the roles the deploy registered its families with.
    const runStarts = aws.calls.length;
    aws.ecs.setExitCode("shop-report", 0);
    const run = await runNow(shopConfig(), "report", { wait: true, pollMs: 1_000 }, deps);
    expect(run.succeeded).toBe(true);
    await status(shopConfig(), deps);
    await logs(shopConfig(), "report", { since: new Date("2026-12-01T00:00:00Z") }, deps);

    const document = runPolicy(shopConfig(), { accountId: aws.accountId });
    expect(deniedCalls(aws, document, runStarts)).toEqual([]);
    expect(
      deniedCalls(aws, deployPolicy(shopConfig(), { accountId: aws.accountId, run: true }), runStarts),
    ).toEqual([]);
    // The scenario sent each call the policy is for, each checked with its resource.
    const exact = callRequests(aws.calls, aws.accountId).filter(
      (request) => request.exact && request.call >= runStarts,
    );
    expect([...new Set(exact.map((request) => request.action))].sort()).toEqual([
      "ecs:DescribeTasks",
      "ecs:ListTasks",
      "ecs:RunTask",
      "ecs:TagResource",
      "iam:PassRole",
      "logs:FilterLogEvents",
      "scheduler:GetSchedule",
    ]);
    // Without --run, the deploy role cannot start or read tasks.
    expect(deniedCalls(aws, deployPolicy(shopConfig(), { accountId: aws.accountId }), runStarts)).toEqual(
      expect.arrayContaining([
        `ecs:RunTask arn:aws:ecs:eu-west-1:${aws.accountId}:task-definition/shop-report:1`,
        "ecs:ListTasks *",
      ]),
    );
  });

  it("starts only the app's families, only in its cluster, and passes only the jobs' roles", () => {
    const runner = { identity: [runPolicy(billing, { accountId: ACCOUNT })] };
    const cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/billing";
    const may = (action: string, resource: string, context: Record<string, string>) =>
      isAllowed(runner, { action, resource, context });
    const family = (name: string) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/${name}:4`;
    expect(may("ecs:RunTask", family("billing-report"), { "ecs:cluster": cluster })).toBe(true);
    expect(may("ecs:RunTask", family("payroll-report"), { "ecs:cluster": cluster })).toBe(false);
    expect(
      may("ecs:RunTask", family("billing-report"), {
        "ecs:cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/payroll",
      }),
    ).toBe(false);
    const task = "arn:aws:ecs:eu-west-1:123456789012:task/billing/0123456789abcdef";
    expect(may("ecs:StopTask", task, { "ecs:cluster": cluster })).toBe(true);
    expect(may("ecs:StopTask", "arn:aws:ecs:eu-west-1:123456789012:task/payroll/01", {})).toBe(false);
    // Tags only as RunTask creates a task, never on an existing one.
    expect(may("ecs:TagResource", task, { "ecs:CreateAction": "RunTask" })).toBe(true);
    expect(may("ecs:TagResource", task, {})).toBe(false);
    const toEcs = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };
    expect(may("iam:PassRole", role("billing-report"), toEcs)).toBe(true);
    expect(may("iam:PassRole", role("billing-flexjob-scheduler"), toEcs)).toBe(false);
    expect(may("iam:PassRole", role("billing-report"), { "iam:PassedToService": "ec2.amazonaws.com" })).toBe(
      false,
    );
    // Running is not deploying: no writes to schedules, task definitions or roles.
    const actions = runPolicy(billing).Statement.flatMap((each) => [each.Action].flat());
    expect(actions.filter((action) => /Create|Register|Put|Delete|Update/.test(action))).toEqual([]);
  });
});

describe("deployPolicy for alert webhooks", () => {
  const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:slack-hook-AbCdEf";
  const PARAMETER = "arn:aws:ssm:eu-west-1:123456789012:parameter/alerts/report-hook";
  const withWebhooks = parseConfig({
    app: "billing",
    region: "eu-west-1",
    alerts: { webhook: SECRET },
    jobs: {
      report: { image: "alpine:3", schedule: "rate(1 hour)", alerts: { webhook: PARAMETER } },
      cleanup: { image: "alpine:3", schedule: "rate(1 hour)" },
    },
  });

  it("reads exactly the webhook secrets and parameters the config names, and may create the alerts role", () => {
    const document = deployPolicy(withWebhooks, { accountId: "123456789012" });
    expect(
      [
        "ManageAlertWebhooks",
        "CreateApiDestinationsServiceRole",
        "ReadWebhookSecrets",
        "ReadWebhookParameters",
      ].map((sid) => statement(document, sid)),
    ).toEqual([
      {
        Sid: "ManageAlertWebhooks",
        Effect: "Allow",
        Action: [
          "events:CreateApiDestination",
          "events:CreateConnection",
          "events:DeleteApiDestination",
          "events:DeleteConnection",
          "events:DescribeApiDestination",
          "events:DescribeConnection",
          "events:UpdateApiDestination",
          "events:UpdateConnection",
        ],
        Resource: [
          "arn:aws:events:eu-west-1:123456789012:api-destination/flexjob-billing-*",
          "arn:aws:events:eu-west-1:123456789012:connection/flexjob-billing-alerts",
          "arn:aws:events:eu-west-1:123456789012:connection/flexjob-billing-alerts/*",
        ],
      },
      {
        // EventBridge creates it with the account's first connection, to keep connection secrets.
        Sid: "CreateApiDestinationsServiceRole",
        Effect: "Allow",
        Action: "iam:CreateServiceLinkedRole",
        Resource:
          "arn:aws:iam::123456789012:role/aws-service-role/apidestinations.events.amazonaws.com/AWSServiceRoleForAmazonEventBridgeApiDestinations",
        Condition: { StringEquals: { "iam:AWSServiceName": "apidestinations.events.amazonaws.com" } },
      },
      {
        Sid: "ReadWebhookSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: [SECRET, `${SECRET}-??????`],
      },
      { Sid: "ReadWebhookParameters", Effect: "Allow", Action: "ssm:GetParameter", Resource: [PARAMETER] },
    ]);
    expect(statement(document, "ReadAccount")?.Action).toContain("events:ListApiDestinations");
    expect(statement(document, "ReadAndTagRoles")?.Resource).toContain(
      "arn:aws:iam::123456789012:role/billing-flexjob-alerts",
    );
  });

  it("without a webhook, reads no secret and has no alerts role", () => {
    const sids = deployPolicy(billing).Statement.map((each) => each.Sid);
    expect(sids.filter((sid) => /Webhook|AlertsRole|ApiDestinationsServiceRole/.test(sid ?? ""))).toEqual([
      "ManageAlertWebhooks",
    ]);
    expect(statement(deployPolicy(billing), "ReadAndTagRoles")?.Resource).not.toContain(
      "arn:aws:iam::*:role/billing-flexjob-alerts",
    );
  });
});

describe("deployPolicy against what a deploy with webhooks sends", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it("allows every call of creating, rotating and removing webhooks, and of destroying them", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    await deps.clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: "shop-flexjob-boundary",
        PolicyDocument: JSON.stringify(boundaryPolicy("shop", { accountId: aws.accountId })),
      }),
    );
    const secret = aws.secrets.put("hook", { region: "eu-west-1", value: "https://chat.example.com/h/1" });
    const parameter = aws.secrets.putParameter("/hooks/report", {
      region: "eu-west-1",
      value: "https://chat.example.com/h/2",
    });
    const config = parseConfig({
      app: "shop",
      region: "eu-west-1",
      alerts: { webhook: secret },
      jobs: {
        report: { image: "alpine:3", schedule: "rate(1 hour)", alerts: { webhook: parameter } },
        cleanup: { image: "alpine:3", schedule: "rate(1 hour)" },
      },
    });
    aws.clearCalls();
    await deploy(config, {}, deps);
    aws.secrets.putValue(secret, "https://chat.example.com/h/3");
    await deploy(config, {}, deps);
    const policy = deployPolicy(config, { accountId: aws.accountId });
    expect(deniedCalls(aws, policy)).toEqual([]);
    const destroyStarts = aws.calls.length;
    await destroy(config, {}, deps);
    expect(
      deniedCalls(aws, deployPolicy(config, { accountId: aws.accountId, destroy: true }), destroyStarts),
    ).toEqual([]);
    expect(sentActions(aws)).toEqual(
      expect.arrayContaining([
        "events:CreateConnection",
        "events:CreateApiDestination",
        "events:UpdateApiDestination",
        "events:DeleteApiDestination",
        "events:DeleteConnection",
        "secretsmanager:GetSecretValue",
        "ssm:GetParameter",
      ]),
    );
  });
});
