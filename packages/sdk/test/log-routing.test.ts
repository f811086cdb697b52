import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { GetRolePolicyCommand } from "@aws-sdk/client-iam";
import type { FakeAws } from "fake-aws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { observeTaskDefinition } from "../src/aws/task-definition.js";
import { type FlexjobConfig, parseConfig } from "../src/config/index.js";
import { deploy, plan } from "../src/deploy/deploy.js";
import { deployPolicy } from "../src/deploy/iam-policy.js";
import { planText } from "../src/deploy/plan-text.js";
import type { Deps } from "../src/deps.js";
import { fireSchedule, REGION, startWorld } from "./harness.js";

/** Values that look like the real thing, so that finding one in any output would mean a leak. */
const VALUES = {
  datadog: "5f3c2a9e8b7d4c1f0a6e9d8c7b6a5f4e",
  axiom: "xaat-7d1c4b2a-9e8f-4a3b-8c7d-6e5f4a3b2c1d",
  http: "Bearer sk_live_51HqL2kJt9mZpQ8rVw3xYz",
};
const ROUTER_IMAGE = "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.33.2";
const CLOUDWATCH_COPY = [
  "printf '%s\\n' '[OUTPUT]' '    Name cloudwatch_logs' '    Match report-firelens-*' '    region eu-west-1' '    log_group_name /flexjob/shop/report' '    log_stream_prefix report/' > /tmp/flexjob-cloudwatch.conf && exec /entrypoint.sh",
];

let aws: FakeAws;
let deps: Deps;
let logs: string[];

beforeEach(async () => {
  ({ aws, deps, logs } = await startWorld());
});
afterEach(() => aws.close());

function config(logsConfig: Record<string, unknown>): FlexjobConfig {
  return parseConfig({
    app: "shop",
    region: REGION,
    logs: logsConfig,
    jobs: {
      report: {
        image: "public.ecr.aws/docker/library/busybox:1.37",
        command: "echo report",
        schedule: "rate(1 hour)",
      },
    },
  });
}

async function containers() {
  const { taskDefinition } = await deps.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: "shop-report" }),
  );
  const all = taskDefinition?.containerDefinitions ?? [];
  return {
    job: all.find((each) => each.name === "report"),
    router: all.find((each) => each.name === "log_router"),
    taskRoleArn: taskDefinition?.taskRoleArn,
  };
}

async function secretsTheExecutionRoleReads(): Promise<unknown> {
  const { PolicyDocument } = await deps.clients.iam.send(
    new GetRolePolicyCommand({ RoleName: "shop-flexjob-execution", PolicyName: "flexjob-execution" }),
  );
  const document = JSON.parse(decodeURIComponent(PolicyDocument ?? "")) as {
    Statement: { Sid?: string; Resource: unknown }[];
  };
  return document.Statement.find((statement) => statement.Sid === "ReadJobSecrets")?.Resource;
}

/**
 * Deploys, checks that a redeploy sends no mutating call and that a run starts (ECS fetches the
 * log secrets with the execution role), and returns everything a person or a log could see.
 */
async function deployTwiceAndRun(raw: FlexjobConfig): Promise<string> {
  const first = await deploy(raw, {}, deps);
  aws.clearCalls();
  const second = await deploy(raw, {}, deps);
  expect(aws.mutatingCalls()).toEqual([]);
  expect(second.plan.steps.every((step) => step.action === "noop")).toBe(true);
  const started = fireSchedule(
    aws,
    { group: "flexjob-shop", name: "shop-report" },
    "run-1",
    "2026-12-01T11:00:00Z",
  );
  expect(started.error).toBeUndefined();
  const planned = await plan(raw, {}, deps);
  return [
    planText(first.plan),
    planText(planned),
    JSON.stringify(first),
    JSON.stringify(second),
    JSON.stringify(raw),
    ...logs,
    JSON.stringify(await containers()),
  ].join("\n");
}

describe("log routing through FireLens", () => {
  it("routes a job to Datadog with the API key by reference, keeps a CloudWatch copy, and redeploys as a no-op", async () => {
    const apiKey = aws.secrets.put("datadog-api-key", { region: REGION, value: VALUES.datadog });
    const raw = config({ to: "datadog", site: "datadoghq.eu", apiKey, tags: { team: "data" } });
    const seen = await deployTwiceAndRun(raw);
    const { job, router, taskRoleArn } = await containers();
    expect(job?.logConfiguration).toEqual({
      logDriver: "awsfirelens",
      options: {
        Name: "datadog",
        Host: "http-intake.logs.datadoghq.eu",
        TLS: "on",
        compress: "gzip",
        provider: "ecs",
        dd_service: "report",
        dd_source: "flexjob",
        dd_message_key: "log",
        dd_tags: "app:shop,job:report,team:data",
      },
      secretOptions: [{ name: "apikey", valueFrom: apiKey }],
    });
    expect(job?.dependsOn).toEqual([{ containerName: "log_router", condition: "START" }]);
    expect(router).toMatchObject({
      image: ROUTER_IMAGE,
      essential: true,
      cpu: 32,
      memoryReservation: 50,
      entryPoint: ["sh", "-c"],
      command: CLOUDWATCH_COPY,
      firelensConfiguration: {
        type: "fluentbit",
        options: { "config-file-type": "file", "config-file-value": "/tmp/flexjob-cloudwatch.conf" },
      },
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/flexjob/shop/report",
          "awslogs-region": REGION,
          "awslogs-stream-prefix": "report",
        },
      },
    });
    // The router writes the CloudWatch copy with the task role flexjob gives the job for it.
    expect(taskRoleArn).toBe("arn:aws:iam::123456789012:role/shop-flexjob-task");
    // Exactly the key, in both forms IAM may see its ARN in (see secretPolicyResources).
    expect(await secretsTheExecutionRoleReads()).toEqual([apiKey, `${apiKey}-??????`]);
    expect(seen).toContain(
      "job report: logs go to datadog, with a copy in CloudWatch, through a Fluent Bit log router that takes 32 of its 256 CPU units and reserves 50 of its 512 MiB",
    );
    expect(seen).not.toContain(VALUES.datadog);
  });

  it("routes a job to Axiom with the token read into the router's environment, and no CloudWatch copy when asked", async () => {
    const token = aws.secrets.put("axiom-token", { region: REGION, value: VALUES.axiom });
    const raw = config({ to: "axiom", dataset: "jobs", token, keepCloudWatch: false });
    const seen = await deployTwiceAndRun(raw);
    const { job, router, taskRoleArn } = await containers();
    expect(job?.logConfiguration).toEqual({
      logDriver: "awsfirelens",
      options: {
        Name: "http",
        Host: "api.axiom.co",
        Port: "443",
        URI: "/v1/datasets/jobs/ingest",
        Format: "json_lines",
        json_date_format: "iso8601",
        json_date_key: "_time",
        compress: "gzip",
        tls: "on",
        Header: `Authorization Bearer \${FLEXJOB_LOGS_TOKEN}`,
      },
    });
    expect(router?.secrets).toEqual([{ name: "FLEXJOB_LOGS_TOKEN", valueFrom: token }]);
    expect([router?.entryPoint, router?.command, router?.firelensConfiguration]).toEqual([
      undefined,
      undefined,
      { type: "fluentbit", options: {} },
    ]);
    // Without a CloudWatch copy the job needs no task role.
    expect(taskRoleArn).toBeUndefined();
    expect(seen).toContain("job report: logs go to axiom; none stay in CloudWatch");
    expect(seen).not.toContain(VALUES.axiom);
  });

  it("routes a job to an HTTP endpoint with its header's value by reference", async () => {
    const authorization = aws.secrets.put("logs-auth", { region: REGION, value: VALUES.http });
    const raw = config({
      to: "http",
      url: "https://logs.example.com:8443/in?source=flexjob",
      headers: { Authorization: authorization },
    });
    const seen = await deployTwiceAndRun(raw);
    const { job, router } = await containers();
    expect(job?.logConfiguration?.options).toEqual({
      Name: "http",
      Host: "logs.example.com",
      Port: "8443",
      URI: "/in?source=flexjob",
      Format: "json_lines",
      json_date_format: "iso8601",
      compress: "gzip",
      tls: "on",
      Header: `Authorization \${FLEXJOB_LOGS_HEADER}`,
    });
    expect(router?.secrets).toEqual([{ name: "FLEXJOB_LOGS_HEADER", valueFrom: authorization }]);
    expect(seen).not.toContain(VALUES.http);
  });

  it("reads a routed revision back as exactly the spec it was rendered from, so comparing needs no hash", async () => {
    const apiKey = aws.secrets.put("datadog-api-key", { region: REGION, value: VALUES.datadog });
    const result = await deploy(config({ to: "datadog", apiKey }), {}, deps);
    const step = result.plan.steps.find((each) => each.kind === "task-definition");
    const live = await observeTaskDefinition(deps.clients, "shop-report");
    expect(live?.spec).toEqual(step?.desired);
  });

  it("tells a job with its own task role what that role needs for the CloudWatch copy", async () => {
    const apiKey = aws.secrets.put("datadog-api-key", { region: REGION, value: VALUES.datadog });
    const raw = parseConfig({
      app: "shop",
      region: REGION,
      logs: { to: "datadog", apiKey },
      jobs: { report: { image: "busybox", schedule: "rate(1 hour)", taskRole: "report-role" } },
    });
    const planned = await plan(raw, {}, deps);
    expect(planned.notes).toContain(
      "job report runs as its own task role arn:aws:iam::123456789012:role/report-role: give it logs:CreateLogStream and logs:PutLogEvents on /flexjob/shop/report for the CloudWatch copy of its logs",
    );
  });

  it("lets the deploy role create and pass flexjob's task role when a router keeps a CloudWatch copy", () => {
    const policyText = (logsConfig: Record<string, unknown>) =>
      JSON.stringify(deployPolicy(config(logsConfig), { accountId: "123456789012", region: REGION }));
    const role = "arn:aws:iam::123456789012:role/shop-flexjob-task";
    const apiKey = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-api-key-AbCdEf";
    expect([
      policyText({ to: "datadog", apiKey }).includes(role),
      policyText({ to: "datadog", apiKey, keepCloudWatch: false }).includes(role),
    ]).toEqual([true, false]);
  });

  it("a job removed without prune keeps reading its log secret, as its tasks may still run", async () => {
    const apiKey = aws.secrets.put("datadog-api-key", { region: REGION, value: VALUES.datadog });
    await deploy(config({ to: "datadog", apiKey }), {}, deps);
    const other = parseConfig({
      app: "shop",
      region: REGION,
      jobs: { cleanup: { image: "busybox", schedule: "rate(1 hour)" } },
    });
    await deploy(other, {}, deps);
    expect(await secretsTheExecutionRoleReads()).toEqual([apiKey, `${apiKey}-??????`]);
  });

  it("moving a job back to CloudWatch registers a revision without the router", async () => {
    const token = aws.secrets.put("axiom-token", { region: REGION, value: VALUES.axiom });
    await deploy(config({ to: "axiom", dataset: "jobs", token }), {}, deps);
    const back = await deploy(config({ to: "cloudwatch" }), {}, deps);
    expect(
      back.plan.steps.filter((step) => step.kind === "task-definition").map((step) => step.action),
    ).toEqual(["update"]);
    const { job, router } = await containers();
    expect([job?.logConfiguration?.logDriver, job?.dependsOn, router]).toEqual([
      "awslogs",
      undefined,
      undefined,
    ]);
  });
});
