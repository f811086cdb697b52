/**
 * The committed-style bundle, run as a GitHub runner runs it: `node dist/index.js` under Node 24
 * with INPUT_* and GITHUB_* variables, against fake-aws. dist/ must be the bundle of the current
 * sources, by content (scripts/action-fingerprint.mjs); `npm test` rebuilds a stale one before
 * any test starts, so no test waits on a build.
 */
import { createClients, deploy, loadConfig, silentLogger } from "@flexjob/sdk";
import { type FakeAws, startFakeAws } from "fake-aws";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ActionRun, assertDistFresh, removeTemporaryDirs, runAction, workspaceWith } from "./harness.js";

const SHOP = `app: shop
region: eu-west-1
jobs:
  report:
    image: public.ecr.aws/docker/library/busybox:1.37
    command: ["sh", "-c", "echo report"]
    schedule: every day at 03:30
    timezone: Europe/Berlin
    tasks: 2
    env:
      LOG_LEVEL: info
  staging-cleanup:
    image: public.ecr.aws/docker/library/alpine:3
    schedule: rate(1 hour)
    branch: staging
`;

/** The workflow a user has, so annotations about inputs can point at its lines. */
const WORKFLOW = `name: deploy
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: flexjob/flexjob@v1
        with:
          app: shop
          name: report
          schedule: every day at 03:30
          image: public.ecr.aws/docker/library/busybox:1.37
          tasks: 99
`;

interface ScheduleState {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  Target: { EcsParameters?: { TaskDefinitionArn?: string } };
}
interface TaskDefinitionState {
  family: string;
  revision: number;
  status: string;
  containerDefinitions: { environment?: { name: string; value: string }[] }[];
}

/** fake-aws's own view of what exists: it never shares code with the SDK under test. */
function state(aws: FakeAws): { schedules: ScheduleState[]; taskDefinitions: TaskDefinitionState[] } {
  const services = aws.snapshot().services as {
    scheduler: { schedules: ScheduleState[] };
    ecs: { taskDefinitions: TaskDefinitionState[] };
  };
  return { schedules: services.scheduler.schedules, taskDefinitions: services.ecs.taskDefinitions };
}

/** The SSM parameters fake-aws holds, by name. */
function parameterNames(aws: FakeAws): string[] {
  const services = aws.snapshot().services as { secretsmanager: { parameters: { name: string }[] } };
  return services.secretsmanager.parameters.map((parameter) => parameter.name);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

let aws: FakeAws;

beforeAll(() => {
  assertDistFresh();
});
afterAll(removeTemporaryDirs);

beforeEach(async () => {
  // Real time passes in the fake too, so tasks started by run-now go through their life cycle.
  aws = await startFakeAws({ region: "eu-west-1", clock: { realtime: true } });
});
afterEach(async () => {
  await aws.close();
});

describe("the bundled action on a push", () => {
  it("deploys the branch's jobs from flexjob.yml and reports outputs, summary and AWS state", async () => {
    const workspace = await workspaceWith({ "flexjob.yml": SHOP });
    const run = await runAction({ workspace, awsEndpoint: aws.url });

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-report:1";
    expect(JSON.parse(run.outputs.image ?? "")).toEqual({
      report: "public.ecr.aws/docker/library/busybox:1.37",
    });
    expect(JSON.parse(run.outputs["task-definition-arn"] ?? "")).toEqual({ report: arn });
    expect(JSON.parse(run.outputs["schedule-arns"] ?? "")).toEqual({
      report: [
        "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-shop/shop-report",
        "arn:aws:scheduler:eu-west-1:123456789012:schedule/flexjob-shop/shop-report.1",
      ],
    });
    expect(JSON.parse(run.outputs["next-run"] ?? "").report).toMatch(ISO);
    expect(run.outputs.changed).toBe("true");
    const plan = JSON.parse(run.outputs.plan ?? "") as {
      steps: { action: string; kind: string; id: string }[];
    };
    expect(plan.steps.map((step) => `${step.action} ${step.kind} ${step.id}`)).toEqual([
      "create role shop-flexjob-execution",
      "create role shop-flexjob-scheduler",
      "create role shop-flexjob-pipes",
      "create role shop-flexjob-metrics",
      "create cluster shop",
      "create schedule-group flexjob-shop",
      "create logs-policy flexjob-events-to-logs",
      "create missed-queue flexjob-shop-missed",
      "create log-group /flexjob/shop/report",
      "create log-group /flexjob/shop/runs",
      "create missed-pipe flexjob-shop-missed",
      "create task-definition shop-report",
      "create state-machine shop-flexjob-metrics",
      "create schedule shop-report",
      "create schedule shop-report.1",
      "create event-rule flexjob-shop-runs",
      "create event-rule flexjob-shop-missed",
      "create dashboard flexjob-shop",
    ]);

    // The job whose branch is not this one is skipped, with a notice, and nothing of it is created.
    expect(run.stdout).toContain(
      "::notice title=flexjob%3A job skipped::job staging-cleanup skipped: it deploys from branch staging, and this run is on main",
    );
    const { schedules, taskDefinitions } = state(aws);
    expect(schedules.map((schedule) => `${schedule.GroupName}/${schedule.Name}`).sort()).toEqual([
      "flexjob-shop/shop-report",
      "flexjob-shop/shop-report.1",
    ]);
    expect(schedules[0]).toMatchObject({
      ScheduleExpression: "cron(30 3 * * ? *)",
      ScheduleExpressionTimezone: "Europe/Berlin",
      Target: { EcsParameters: { TaskDefinitionArn: arn } },
    });
    expect(taskDefinitions.map((definition) => `${definition.family}:${definition.revision}`)).toEqual([
      "shop-report:1",
    ]);

    // Log groups per phase, and the summary a person reads.
    expect(run.stdout).toMatch(/::group::Plan\n[\s\S]*::endgroup::\n::group::Deploy\n[\s\S]*::endgroup::/);
    expect(run.summary).toContain("## flexjob: shop in eu-west-1 (account 123456789012)");
    expect(run.summary).toContain("**Deployed**: 18 created, 0 updated, 0 deleted, 0 unchanged.");
    expect(run.summary).toContain(
      "Dashboard: [flexjob-shop](https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/flexjob-shop)",
    );
    expect(run.summary).toContain(
      "| Schedule | `cron(30 3 * * ? *)` — At 03:30, every day (Europe/Berlin) |",
    );
    expect(run.summary).toContain("| Time zone | Europe/Berlin |");
    // A first deploy: its run history has just been created, empty.
    expect(run.summary).toContain("| Last runs | none in the last 7 days |");
    expect(run.summary).toMatch(
      /\| Next runs \| \d{4}-\d\d-\d\dT02:30:00Z \([^)]*03:30 Europe\/Berlin\)(<br>[^|]+){2} \|/,
    );
    expect(run.summary).toContain("| Size | 0.25 vCPU, 0.5 GiB, 20 GiB storage, x86_64, 2 tasks per run |");
    expect(run.summary).toContain("| Image | `public.ecr.aws/docker/library/busybox:1.37` |");
    expect(run.summary).toContain("`+` task-definition `shop-report`");
    expect(run.summary).toContain(
      "[task definition](https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/shop-report?region=eu-west-1)",
    );
    expect(run.summary).toContain(
      "[schedule 2](https://eu-west-1.console.aws.amazon.com/scheduler/home?region=eu-west-1#schedules/flexjob-shop/shop-report.1)",
    );
    expect(run.summary).toContain(
      "[logs](https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fflexjob$252Fshop$252Freport)",
    );
    expect(run.summary).toContain(
      "Skipped (this run is on `main`): `staging-cleanup` deploys from `staging`.",
    );
  });

  it("a second run with nothing changed answers from the deploy record: one read, the same outputs", async () => {
    const workspace = await workspaceWith({ "flexjob.yml": SHOP });
    const first = await runAction({ workspace, awsEndpoint: aws.url });
    expect(first.code).toBe(0);
    expect(parameterNames(aws)).toEqual(["/flexjob/shop/last-deploy"]);
    aws.clearCalls();

    const again = await runAction({ workspace, awsEndpoint: aws.url });

    expect(again.code).toBe(0);
    expect(aws.calls.map((call) => call.operation)).toEqual(["GetParameter"]);
    expect(again.outputs.changed).toBe("false");
    for (const name of ["image", "task-definition-arn", "schedule-arns", "next-run"]) {
      expect(again.outputs[name], name).toBe(first.outputs[name]);
    }
    expect(JSON.parse(again.outputs.plan ?? "")).toMatchObject({
      app: "shop",
      accountId: "123456789012",
      steps: [],
    });
    expect(again.stdout).toMatch(
      /unchanged: this config and these inputs were deployed 20\d\d-\d\d-\d\dT[\d:]+Z by commit 0123456789ab \(run 4242\); nothing else read or written/,
    );
    expect(again.summary).toContain("**Unchanged**: this config and these inputs were deployed");
    // As the full run: the job its branch leaves out is named, on the run and in the summary.
    expect(again.stdout).toContain(
      "::notice title=flexjob%3A job skipped::job staging-cleanup skipped: it deploys from branch staging, and this run is on main",
    );
    expect(again.summary).toContain(
      "Skipped (this run is on `main`): `staging-cleanup` deploys from `staging`.",
    );
    expect(again.summary).toMatch(
      /Dashboard: \[the app's CloudWatch dashboard\]\(https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\//,
    );
    // Next runs from the record: the wall time in the job's zone, with no time zone computed.
    expect(again.summary).toMatch(
      /\| report \| 20\d\d-\d\d-\d\dT0[12]:30:00Z \(20\d\d-\d\d-\d\d 03:30 Europe\/Berlin\)<br>/,
    );
  });

  it("with verify: true it reads every resource instead, and writes nothing when nothing changed", async () => {
    const workspace = await workspaceWith({ "flexjob.yml": SHOP });
    expect((await runAction({ workspace, awsEndpoint: aws.url })).code).toBe(0);
    aws.clearCalls();

    const verified = await runAction({ workspace, awsEndpoint: aws.url, inputs: { verify: "true" } });

    expect(verified.code).toBe(0);
    expect(aws.calls.length).toBeGreaterThan(10);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(verified.outputs.changed).toBe("false");
    expect(verified.stdout).toContain("everything is up to date: no change made");
    expect(verified.summary).toContain("**Up to date**: no change was needed, nothing was written.");
  });

  it("a change made by another deploy since is never skipped: reverting to the recorded config deploys in full", async () => {
    const workspace = await workspaceWith({ "flexjob.yml": SHOP });
    expect((await runAction({ workspace, awsEndpoint: aws.url })).code).toBe(0);
    // Someone deploys another config of the app from a terminal: its apply clears the record.
    const terminal = await workspaceWith({
      "flexjob.yml": SHOP.replace("LOG_LEVEL: info", "LOG_LEVEL: debug"),
    });
    const { config } = await loadConfig(undefined, { cwd: terminal });
    const clients = createClients({ region: "eu-west-1", endpoint: aws.url });
    await deploy(config, {}, { clients, logger: silentLogger, sleep: async () => {}, now: () => new Date() });
    expect(parameterNames(aws)).toEqual([]);
    aws.clearCalls();

    const back = await runAction({ workspace, awsEndpoint: aws.url });

    expect(back.code).toBe(0);
    expect(back.outputs.changed).toBe("true");
    expect(aws.mutatingCalls().map((call) => call.operation)).toContain("RegisterTaskDefinition");
    // The terminal's deploy cleared the record; this one writes the new record last.
    expect(aws.mutatingCalls().map((call) => call.operation)).not.toContain("DeleteParameter");
    expect(aws.mutatingCalls().at(-1)?.operation).toBe("PutParameter");
    const report = state(aws).taskDefinitions.filter((each) => each.family === "shop-report");
    expect(report.map((each) => each.revision)).toEqual([1, 2, 3]);
    expect(report.at(-1)?.containerDefinitions[0]?.environment).toContainEqual({
      name: "LOG_LEVEL",
      value: "info",
    });
  });

  it("keeps no record for a config whose webhook is held in a secret: its value can change, so every push reads it", async () => {
    const hook = aws.secrets.put("shop/hook", {
      region: "eu-west-1",
      suffix: "AbCdEf",
      value: "https://hooks.example.com/alerts",
    });
    const workspace = await workspaceWith({ "flexjob.yml": `${SHOP}alerts:\n  webhook: ${hook}\n` });
    expect((await runAction({ workspace, awsEndpoint: aws.url })).code).toBe(0);
    expect(parameterNames(aws)).toEqual([]);
    aws.clearCalls();

    const again = await runAction({ workspace, awsEndpoint: aws.url });

    expect(again.code).toBe(0);
    expect(aws.calls.map((call) => call.operation)).toContain("GetSecretValue");
    expect(aws.mutatingCalls()).toEqual([]);
    expect(again.stdout).toContain("everything is up to date: no change made");
  });

  it("deploys a branch-bound job from its own branch", async () => {
    const workspace = await workspaceWith({ "flexjob.yml": SHOP });
    const run = await runAction({
      workspace,
      awsEndpoint: aws.url,
      env: { GITHUB_REF: "refs/heads/staging", GITHUB_REF_NAME: "staging" },
      inputs: { jobs: "staging-cleanup" },
    });

    expect(run.code).toBe(0);
    expect(Object.keys(JSON.parse(run.outputs.image ?? ""))).toEqual(["staging-cleanup"]);
    expect(state(aws).schedules.map((schedule) => schedule.Name)).toEqual(["shop-staging-cleanup"]);
  });
});

describe("the bundled action on a pull request", () => {
  it("defaults to a dry run: zero mutating calls, and the plan is the summary", async () => {
    const workspace = await workspaceWith({ "flexjob.yml": SHOP });
    const run = await runAction({
      workspace,
      awsEndpoint: aws.url,
      env: {
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_REF: "refs/pull/7/merge",
        GITHUB_REF_NAME: "7/merge",
        GITHUB_BASE_REF: "main",
        GITHUB_HEAD_REF: "feature",
      },
    });

    expect(run.code).toBe(0);
    expect(aws.calls.length).toBeGreaterThan(0);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(run.outputs.changed).toBe("false");
    expect(JSON.parse(run.outputs["task-definition-arn"] ?? "")).toEqual({ report: null });
    expect(run.stdout).toContain("dry run: nothing was changed");
    expect(run.summary).toContain(
      "**Dry run on pull_request**: nothing was changed. The plan: 18 to create, 0 to update, 0 to delete, 0 unchanged.",
    );
    expect(run.summary).toContain("| `+` | role `shop-flexjob-execution` |");
    expect(run.summary).toContain("| Last runs | none yet |");
    expect(run.summary).toContain("`+` schedule `shop-report.1`");
    // Jobs are matched against the branch the pull request merges into.
    expect(run.summary).toContain("Skipped (this run is on `main`)");
  });
});

describe("the bundled action with bad input", () => {
  it("fails on a bad config line with an annotation on its file and line, after no AWS call but the record's read", async () => {
    const workspace = await workspaceWith({
      "apps/shop/flexjob.yml":
        "app: shop\njobs:\n  report:\n    image: alpine:3\n    schedule: every day at 03:30\n    cpu: 3\n",
    });
    const run = await runAction({
      workspace,
      awsEndpoint: aws.url,
      inputs: { "root-directory": "apps/shop" },
    });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "::error title=flexjob%3A jobs.report.cpu,file=apps/shop/flexjob.yml,line=6,col=5::cpu 3 is not a Fargate CPU size%0Afix: ",
    );
    expect(run.stdout).toContain("::error::flexjob: apps/shop/flexjob.yml has 1 problem\n");
    // The deploy record is read before the config is checked; nothing else is called.
    expect(aws.calls.map((call) => call.operation)).toEqual(["GetParameter"]);
    expect(run.outputFile).toBe("");
  });

  it("fails on a YAML syntax error with an annotation on its line", async () => {
    const workspace = await workspaceWith({ "flexjob.yml": "app: shop\njobs:\n  report: [\n" });
    const run = await runAction({ workspace, awsEndpoint: aws.url });

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error title=flexjob%3A config syntax,file=flexjob.yml,line=\d+,col=\d+::/);
    expect(aws.calls).toEqual([]);
  });

  it("fails on a bad inline input with an annotation on the workflow's line, after no AWS call but the record's read", async () => {
    const workspace = await workspaceWith({ ".github/workflows/deploy.yml": WORKFLOW });
    const run = await runAction({
      workspace,
      awsEndpoint: aws.url,
      inputs: {
        app: "shop",
        name: "report",
        schedule: "every day at 03:30",
        image: "public.ecr.aws/docker/library/busybox:1.37",
        tasks: "99",
      },
    });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "::error title=flexjob%3A tasks,file=.github/workflows/deploy.yml,line=14,col=11::tasks must be a whole number from 1 to 50, got 99%0Afix: use a whole number from 1 to 50\n",
    );
    expect(run.stdout).toContain("::error::flexjob: the job given by inputs has 1 problem\n");
    expect(aws.calls.map((call) => call.operation)).toEqual(["GetParameter"]);
  });

  it("fails on a job name the config does not have, before any AWS call", async () => {
    const workspace = await workspaceWith({ "flexjob.yml": SHOP });
    const run = await runAction({ workspace, awsEndpoint: aws.url, inputs: { jobs: "report, reprot" } });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error title=flexjob%3A jobs::input jobs lists "reprot", which the config does not have%0Afix: use names of the config\'s jobs: report, staging-cleanup\n',
    );
    expect(aws.calls).toEqual([]);
  });

  it("fails on an input that is not a boolean, naming it", async () => {
    const workspace = await workspaceWith({ "flexjob.yml": SHOP });
    const run = await runAction({ workspace, awsEndpoint: aws.url, inputs: { prune: "yes" } });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error title=flexjob%3A prune::input prune must be true or false, got "yes"',
    );
    expect(aws.calls).toEqual([]);
  });
});

describe("the bundled action with a job given by inputs", () => {
  const job = {
    app: "shop",
    name: "report",
    schedule: "0 9 * * 1-5",
    image: "public.ecr.aws/docker/library/busybox:1.37",
    command: "sh -c 'echo $API_TOKEN'",
    cpu: "1",
    memory: "2 GiB",
  };

  /** Everything the step wrote for people and workflows, less the lines that register masks. */
  function written(run: ActionRun): string {
    return [run.stdout.replaceAll(/^::add-mask::.*\n/gm, ""), run.stderr, run.outputFile, run.summary].join(
      "\n",
    );
  }

  it("deploys it, and a secret-looking env value never shows in the log, the outputs or the summary", async () => {
    const secret = "s3cr3t-value";
    const workspace = await workspaceWith({});
    const run = await runAction({
      workspace,
      awsEndpoint: aws.url,
      inputs: { ...job, env: `LOG_LEVEL=info\nAPI_TOKEN=${secret}` },
    });

    expect(run.code).toBe(0);
    // Masked before anything else is printed.
    expect(run.stdout.startsWith(`::add-mask::${secret}\n`)).toBe(true);
    expect(written(run)).not.toContain(secret);
    // AWS gets the real value: masking is about what the Action prints.
    const [definition] = state(aws).taskDefinitions;
    expect(definition?.containerDefinitions[0]?.environment).toContainEqual({
      name: "API_TOKEN",
      value: secret,
    });
    expect(run.summary).toContain("| Size | 1 vCPU, 2 GiB, 20 GiB storage, x86_64 |");
    expect(run.summary).toContain("At 09:00, Monday through Friday (UTC)");
  });

  it("a rotated secret shows as a masked update: neither the old nor the new value is written", async () => {
    const workspace = await workspaceWith({});
    const first = await runAction({
      workspace,
      awsEndpoint: aws.url,
      inputs: { ...job, env: "API_TOKEN=old-s3cr3t" },
    });
    expect(first.code).toBe(0);

    const rotated = await runAction({
      workspace,
      awsEndpoint: aws.url,
      inputs: { ...job, env: "API_TOKEN=new-s3cr3t" },
    });

    expect(rotated.code).toBe(0);
    expect(rotated.outputs.changed).toBe("true");
    expect(rotated.stdout).toContain("::add-mask::old-s3cr3t\n");
    expect(written(rotated)).not.toContain("old-s3cr3t");
    expect(written(rotated)).not.toContain("new-s3cr3t");
    const plan = JSON.parse(rotated.outputs.plan ?? "") as {
      steps: { id: string; action: string; changes?: unknown }[];
    };
    expect(plan.steps.find((step) => step.id === "shop-report" && step.action === "update")?.changes).toEqual(
      [{ path: "container.environment.API_TOKEN", before: "***", after: "***" }],
    );
    expect(rotated.stdout).toContain("container.environment.API_TOKEN: *** → ***");
  });
});

describe("the bundled action with run-now", () => {
  it("starts the deployed job and fails the step when its task exits non-zero", async () => {
    aws.ecs.setPhases({ provisioningMs: 50, pendingMs: 50, runningMs: 100, stoppingMs: 50 });
    aws.ecs.setExitCode("shop-report", 3);
    const workspace = await workspaceWith({ "flexjob.yml": SHOP });
    const run = await runAction({
      workspace,
      awsEndpoint: aws.url,
      inputs: { "run-now": "true", jobs: "report" },
    });

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::group::Run now\n[\s\S]*started report task 1\/2[\s\S]*::endgroup::/);
    expect(run.stdout).toContain("::error::flexjob: run-now: report (task 1 exit 3, task 2 exit 3)");
    expect(aws.callsTo("ecs", "RunTask")).toHaveLength(2);
    // Outputs and the summary are written before the step fails.
    expect(run.outputs.changed).toBe("true");
    expect(run.summary).toContain("| report | 1 | STOPPED | 3 |");
  }, 30_000);
});
