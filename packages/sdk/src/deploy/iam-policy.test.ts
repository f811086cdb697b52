import { afterEach, describe, expect, it } from "vitest";
import { shopConfig, startWorld } from "../../test/harness.js";
import type { PolicyStatement } from "../aws/policy.js";
import { deleteBulkSchedules, syncBulkSchedules } from "../bulk/index.js";
import { parseConfig } from "../config/index.js";
import { deploy } from "./deploy.js";
import { destroy } from "./destroy.js";
import { deployPolicy } from "./iam-policy.js";

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
            "logs:DescribeLogGroups",
            "scheduler:ListSchedules",
          ],
          Resource: "*",
        },
        {
          Sid: "ManageRoles",
          Effect: "Allow",
          Action: [
            "iam:CreateRole",
            "iam:DeleteRolePolicy",
            "iam:GetRole",
            "iam:GetRolePolicy",
            "iam:ListRolePolicies",
            "iam:PutRolePolicy",
            "iam:TagRole",
            "iam:UpdateAssumeRolePolicy",
          ],
          Resource: [
            "arn:aws:iam::123456789012:role/billing-flexjob-execution",
            "arn:aws:iam::123456789012:role/billing-flexjob-scheduler",
          ],
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
          Action: ["ecs:DescribeClusters", "ecs:PutClusterCapacityProviders"],
          Resource: "arn:aws:ecs:eu-west-1:123456789012:cluster/billing",
        },
        {
          Sid: "CreateAppResources",
          Effect: "Allow",
          Action: ["ecs:CreateCluster", "ecs:RegisterTaskDefinition"],
          Resource: "*",
          Condition: { StringEquals: { "aws:RequestTag/flexjob:app": "billing" } },
        },
        {
          Sid: "TagOnCreate",
          Effect: "Allow",
          Action: "ecs:TagResource",
          Resource: [
            "arn:aws:ecs:eu-west-1:123456789012:cluster/billing",
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-report:*",
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/billing-cleanup:*",
          ],
          Condition: { StringEquals: { "ecs:CreateAction": ["CreateCluster", "RegisterTaskDefinition"] } },
        },
        {
          Sid: "DeregisterTaskDefinitions",
          Effect: "Allow",
          Action: "ecs:DeregisterTaskDefinition",
          Resource: "*",
        },
        {
          Sid: "ManageLogGroups",
          Effect: "Allow",
          Action: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagLogGroup", "logs:TagResource"],
          Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/flexjob/billing/*",
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
    expect(statement(document, "ManageRoles")?.Resource).toEqual([
      "arn:aws:iam::*:role/billing-flexjob-execution",
      "arn:aws:iam::*:role/billing-flexjob-scheduler",
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

describe("deployPolicy against what a deploy sends", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it("allows every operation of a first deploy, a no-op redeploy, a scale-down and a prune", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    await deploy(shopConfig(), {}, deps);
    await deploy(shopConfig(), {}, deps);
    await deploy(shopConfig({ report: { tasks: 1 } }), {}, deps);
    const withoutCleanup = shopConfig({
      jobs: {
        report: { image: "public.ecr.aws/docker/library/busybox:1.37", schedule: "every day at 03:30" },
      },
    });
    await deploy(withoutCleanup, { prune: true }, deps);

    const allowed = deployPolicy(shopConfig(), { accountId: aws.accountId }).Statement.flatMap((each) =>
      [each.Action].flat(),
    );
    const sent = [...new Set(aws.calls.map((call) => `${call.service}:${call.operation}`))].sort();
    expect(sent.filter((action) => !allowed.includes(action))).toEqual([]);
    // The scenario did exercise the writes, not only the reads.
    expect(sent).toEqual(
      expect.arrayContaining([
        "ecs:RegisterTaskDefinition",
        "ecs:DeregisterTaskDefinition",
        "scheduler:CreateSchedule",
        "scheduler:DeleteSchedule",
        "iam:PutRolePolicy",
      ]),
    );
  });

  it("allows every operation of a bulk schedule sync and of deleting the bulk schedules", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    await deploy(shopConfig(), {}, deps);
    const entries = [1, 2, 3].map((index) => ({
      key: `c${index}`,
      expression: "@daily",
      env: { CUSTOMER: `c${index}` },
    }));
    await syncBulkSchedules(shopConfig(), "report", entries, {}, deps);
    await syncBulkSchedules(shopConfig(), "report", entries.slice(1), { prune: true }, deps);
    await deleteBulkSchedules(shopConfig(), "report", deps);
    const allowed = deployPolicy(shopConfig(), { accountId: aws.accountId }).Statement.flatMap((each) =>
      [each.Action].flat(),
    );
    const sent = [...new Set(aws.calls.map((call) => `${call.service}:${call.operation}`))].sort();
    expect(sent.filter((action) => !allowed.includes(action))).toEqual([]);
    expect(sent).toEqual(
      expect.arrayContaining(["scheduler:CreateSchedule", "scheduler:DeleteScheduleGroup"]),
    );
  });

  it("with destroy, allows every operation of destroying the whole app, discovery included", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    const config = { ...shopConfig(), discovery: { namespace: "shop.internal" } };
    await deploy(config, {}, deps);
    await syncBulkSchedules(config, "report", [{ key: "a", expression: "@daily" }], {}, deps);
    aws.clearCalls();
    await destroy(config, {}, deps);
    const allowed = (options: { destroy: boolean }) =>
      deployPolicy(config, { accountId: aws.accountId, ...options }).Statement.flatMap((each) =>
        [each.Action].flat(),
      );
    const sent = [...new Set(aws.calls.map((call) => `${call.service}:${call.operation}`))].sort();
    expect(sent.filter((action) => !allowed({ destroy: true }).includes(action))).toEqual([]);
    // Without destroy, the deploy role cannot delete the app.
    expect(sent.filter((action) => !allowed({ destroy: false }).includes(action))).toEqual(
      expect.arrayContaining(["iam:DeleteRole", "logs:DeleteLogGroup", "ecs:DeleteCluster"]),
    );
  });

  it("allows every operation of a deploy with service discovery", async () => {
    const { aws, deps } = await startWorld();
    close = () => aws.close();
    const config = { ...shopConfig(), discovery: { namespace: "shop.internal" } };
    await deploy(config, {}, deps);
    await deploy(config, {}, deps);
    const allowed = deployPolicy(config, { accountId: aws.accountId }).Statement.flatMap((each) =>
      [each.Action].flat(),
    );
    const sent = [...new Set(aws.calls.map((call) => `${call.service}:${call.operation}`))].sort();
    expect(sent.filter((action) => !allowed.includes(action))).toEqual([]);
    expect(sent).toEqual(
      expect.arrayContaining(["servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:GetOperation"]),
    );
    const passable = deployPolicy(config, { accountId: aws.accountId }).Statement.find(
      (each) => each.Sid === "PassRolesToEcs",
    );
    expect(passable?.Resource).toContain("arn:aws:iam::123456789012:role/shop-flexjob-task");
  });
});
