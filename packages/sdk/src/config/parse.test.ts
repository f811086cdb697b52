import { describe, expect, it } from "vitest";
import { issuesOf, jobProblem, parseJob, problems, withJob } from "../../test/config-helpers.js";
import { FlexjobError } from "../errors.js";
import { parseConfig } from "./parse.js";

const ARN_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf";
const ARN_PARAMETER = "arn:aws:ssm:eu-west-1:123456789012:parameter/billing/api-key";

describe("parseConfig defaults", () => {
  it("fills every default of a job that only has a schedule", () => {
    const config = parseConfig({ app: "billing", jobs: { nightly: { schedule: "rate(5 minutes)" } } });
    expect(config).toEqual({
      app: "billing",
      region: undefined,
      cluster: "billing",
      insights: undefined,
      metrics: true,
      dashboard: true,
      network: { subnets: undefined, securityGroups: undefined, assignPublicIp: false },
      discovery: undefined,
      jobs: [
        {
          name: "nightly",
          branch: undefined,
          source: { rootDir: ".", dockerfile: undefined, buildArgs: {}, buildSecrets: [] },
          image: undefined,
          command: undefined,
          schedule: { expression: "rate(5 minutes)", kind: "rate", source: "rate(5 minutes)" },
          timezone: "UTC",
          enabled: true,
          size: { cpu: 0.25, cpuUnits: 256, memoryGiB: 0.5, memoryMiB: 512, storageGiB: 20 },
          arch: "x86_64",
          spot: false,
          tasks: 1,
          retries: 0,
          timeoutSeconds: undefined,
          overlap: "allow",
          startRetry: { attempts: 185, maxAgeSeconds: 300 },
          flexibleWindowMinutes: undefined,
          startDate: undefined,
          endDate: undefined,
          healthCheck: undefined,
          env: {},
          secrets: {},
          logs: { retentionDays: 30 },
          taskRole: undefined,
        },
      ],
    });
    expect(Object.keys(config.jobs[0] ?? {})).toContain("taskRole");
  });

  it("keeps every value a full config gives, resolved", () => {
    const config = parseConfig({
      app: "billing",
      region: "eu-west-1",
      cluster: "shared",
      network: {
        subnets: ["subnet-0a1b2c3d4e5f67890"],
        securityGroups: ["sg-12345678"],
        assignPublicIp: true,
      },
      discovery: {},
      jobs: {
        report: {
          branch: "release/2025",
          image: "public.ecr.aws/docker/library/python:3.13",
          command: ["python", "-m", "report"],
          schedule: "cron(0 9 * * ? *)",
          timezone: "Europe/Berlin",
          enabled: false,
          cpu: "1 vCPU",
          memory: "3 GB",
          storage: 50,
          arch: "arm64",
          spot: true,
          tasks: 4,
          retries: 2,
          timeout: "2h",
          overlap: "skip",
          startRetry: { attempts: 3, maxAge: "1h30m" },
          flexibleWindow: "15m",
          startDate: "2030-01-01T09:00:00+02:00",
          endDate: "2030-12-31T23:59:59Z",
          healthCheck: { command: "curl -f http://localhost/ || exit 1", interval: 10 },
          env: { BATCH: 500, DRY_RUN: false, NAME: "x" },
          secrets: { DATABASE_URL: ARN_SECRET },
          logs: { retentionDays: 90 },
          taskRole: "billing-report",
        },
      },
    });
    expect(config).toEqual({
      app: "billing",
      region: "eu-west-1",
      cluster: "shared",
      network: {
        subnets: ["subnet-0a1b2c3d4e5f67890"],
        securityGroups: ["sg-12345678"],
        assignPublicIp: true,
      },
      discovery: { namespace: "billing.internal" },
      insights: undefined,
      metrics: true,
      dashboard: true,
      jobs: [
        {
          name: "report",
          branch: "release/2025",
          source: undefined,
          image: "public.ecr.aws/docker/library/python:3.13",
          command: ["python", "-m", "report"],
          schedule: { expression: "cron(0 9 * * ? *)", kind: "cron", source: "cron(0 9 * * ? *)" },
          timezone: "Europe/Berlin",
          enabled: false,
          size: { cpu: 1, cpuUnits: 1024, memoryGiB: 3, memoryMiB: 3072, storageGiB: 50 },
          arch: "arm64",
          spot: true,
          tasks: 4,
          retries: 2,
          timeoutSeconds: 7200,
          overlap: "skip",
          startRetry: { attempts: 3, maxAgeSeconds: 5400 },
          flexibleWindowMinutes: 15,
          startDate: "2030-01-01T07:00:00.000Z",
          endDate: "2030-12-31T23:59:59.000Z",
          healthCheck: {
            command: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
            interval: 10,
            timeout: 5,
            retries: 3,
            startPeriod: 0,
          },
          env: { BATCH: "500", DRY_RUN: "false", NAME: "x" },
          secrets: { DATABASE_URL: ARN_SECRET },
          logs: { retentionDays: 90 },
          taskRole: "billing-report",
        },
      ],
    });
  });

  it("lists jobs in the order they are written", () => {
    const config = parseConfig({
      app: "billing",
      jobs: { zeta: { schedule: "rate(1 hour)" }, alpha: { schedule: "rate(1 hour)" } },
    });
    expect(config.jobs.map((job) => job.name)).toEqual(["zeta", "alpha"]);
  });

  it("uses a given discovery namespace and accepts $schema for editors", () => {
    const config = parseConfig({
      $schema: "./flexjob.schema.json",
      app: "billing",
      discovery: { namespace: "jobs.billing.internal" },
      jobs: { nightly: { schedule: "rate(1 hour)" } },
    });
    expect(config.discovery).toEqual({ namespace: "jobs.billing.internal" });
    expect(config).not.toHaveProperty("$schema");
  });
});

describe("parseConfig errors", () => {
  it("throws one CONFIG_INVALID error that carries every problem", () => {
    let caught: unknown;
    try {
      parseConfig({ app: "Billing", jobs: { nightly: { schedule: "rate(5 minutes)", cpu: 3, tasks: 0 } } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FlexjobError);
    const error = caught as FlexjobError;
    expect([error.code, error.fault, error.message, error.remedy]).toEqual([
      "CONFIG_INVALID",
      "user",
      "the config has 3 problems",
      "fix each of them in the config",
    ]);
    expect(error.issues.map((issue) => issue.path)).toEqual([
      "app",
      "jobs.nightly.cpu",
      "jobs.nightly.tasks",
    ]);
  });

  it("names the file in the error and in every issue when given one", () => {
    const issues = issuesOf({ app: "billing", jobs: { nightly: {} } }, { file: "flexjob.yml" });
    expect(issues).toEqual([
      {
        path: "jobs.nightly.schedule",
        message: "schedule is required",
        remedy: 'add schedule, e.g. schedule: "cron(0 9 ? * MON-FRI *)"',
        location: { file: "flexjob.yml" },
      },
    ]);
    expect(() => parseConfig({ app: "billing", jobs: { nightly: {} } }, { file: "flexjob.yml" })).toThrow(
      "flexjob.yml has 1 problem",
    );
  });

  it("rejects a config that is not a mapping", () => {
    const remedy = 'write app: and jobs: at the top level; "flexjob init" writes a starter flexjob.yml';
    expect(problems(null)).toEqual([["", "the config must be a mapping, got null", remedy]]);
    expect(problems(["app"])).toEqual([["", 'the config must be a mapping, got ["app"]', remedy]]);
  });

  it("requires app and jobs", () => {
    expect(problems({})).toEqual([
      ["app", "app is required", 'add app, e.g. app: "billing"'],
      [
        "jobs",
        "jobs is required",
        'add jobs, e.g. jobs: {"nightly":{"image":"alpine:3","command":"echo hello","schedule":"cron(0 3 * * ? *)"}}',
      ],
    ]);
  });

  it("requires at least one job", () => {
    expect(problems({ app: "billing", jobs: {} })).toEqual([
      ["jobs", "jobs is empty", 'add a job, e.g. jobs: { nightly: { schedule: "cron(0 3 * * ? *)" } }'],
    ]);
  });
});

describe("unknown fields", () => {
  it("rejects an unknown top-level field and suggests the close one", () => {
    expect(
      problems({ app: "billing", regoin: "eu-west-1", jobs: { a: { schedule: "rate(1 hour)" } } }),
    ).toEqual([["regoin", 'unknown field "regoin"', 'did you mean "region"?']]);
  });

  it("rejects an unknown job field and suggests the close one", () => {
    expect(jobProblem({ scheduel: "rate(1 hour)" })).toEqual([
      "jobs.nightly.scheduel",
      'unknown field "scheduel" in job "nightly"',
      'did you mean "schedule"?',
    ]);
    expect(jobProblem({ memroy: 1 })[2]).toBe('did you mean "memory"?');
    expect(jobProblem({ Spot: true })[2]).toBe('did you mean "spot"?');
  });

  it("lists the allowed fields when no known field is close", () => {
    expect(jobProblem({ startRetry: { attempts: 3, backoff: "exponential" } })).toEqual([
      "jobs.nightly.startRetry.backoff",
      'unknown field "backoff" in startRetry',
      "remove it; the fields here are attempts, maxAge",
    ]);
  });

  it("rejects unknown fields in network, discovery, source, healthCheck and logs", () => {
    const raw = withJob(
      {
        source: { rootdir: "." },
        healthCheck: { command: "true", intervall: 5 },
        logs: { retention: 7 },
      },
      { network: { subnet: ["subnet-12345678"] }, discovery: { name: "x.internal" } },
    );
    expect(problems(raw).map(([path, , remedy]) => [path, remedy])).toEqual([
      ["network.subnet", 'did you mean "subnets"?'],
      ["discovery.name", "remove it; the fields here are namespace"],
      ["jobs.nightly.source.rootdir", 'did you mean "rootDir"?'],
      ["jobs.nightly.healthCheck.intervall", 'did you mean "interval"?'],
      [
        "jobs.nightly.logs.retention",
        "remove it; the fields here are retentionDays, to, site, apiKey, tags, dataset, token, url, headers, keepCloudWatch",
      ],
    ]);
  });
});

describe("app, region, cluster, network, discovery", () => {
  const top = (fields: Record<string, unknown>) => problems(withJob({}, fields));

  it("accepts app names of 1 to 20 lower-case letters, digits and hyphens", () => {
    expect(parseConfig(withJob({}, { app: "a" })).app).toBe("a");
    expect(parseConfig(withJob({}, { app: "billing-2-eu" })).app).toBe("billing-2-eu");
    expect(parseConfig(withJob({}, { app: "a".repeat(20) })).app).toHaveLength(20);
  });

  it("rejects app names that AWS resource names cannot carry", () => {
    const remedy =
      'use 1 to 20 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, e.g. "billing"';
    expect(top({ app: "Billing" })).toEqual([["app", 'app "Billing" is not a valid app name', remedy]]);
    expect(top({ app: "2fast" })[0]?.[1]).toBe('app "2fast" is not a valid app name');
    expect(top({ app: "billing-" })[0]?.[1]).toBe('app "billing-" is not a valid app name');
    expect(top({ app: "my_app" })[0]?.[1]).toBe('app "my_app" is not a valid app name');
    expect(top({ app: "a".repeat(21) })[0]?.[1]).toBe(
      `app "${"a".repeat(21)}" is 21 characters; the limit is 20`,
    );
    expect(top({ app: 7 })).toEqual([
      ["app", "app must be a string, got 7", 'write app as a string, e.g. app: "billing"'],
    ]);
  });

  it("checks the region name", () => {
    expect(parseConfig(withJob({}, { region: "us-gov-west-1" })).region).toBe("us-gov-west-1");
    expect(top({ region: "Frankfurt" })).toEqual([
      [
        "region",
        'region "Frankfurt" is not an AWS region name',
        'use a region code such as "eu-west-1" or "us-east-1", or leave region out to use AWS_REGION',
      ],
    ]);
    expect(top({ region: "eu-west" })[0]?.[1]).toBe('region "eu-west" is not an AWS region name');
  });

  it("checks the cluster name", () => {
    expect(top({ cluster: "my cluster" })).toEqual([
      [
        "cluster",
        'cluster "my cluster" is not a valid ECS cluster name',
        "use up to 255 letters, digits, hyphens and underscores, or leave cluster out to use the app name",
      ],
    ]);
  });

  it("checks subnet and security group IDs and their counts", () => {
    expect(top({ network: { subnets: ["subnet-abc"], securityGroups: ["default"] } })).toEqual([
      [
        "network.subnets.0",
        'subnet "subnet-abc" is not a subnet ID',
        'use subnet IDs as the VPC console shows them, e.g. "subnet-0a1b2c3d4e5f67890"',
      ],
      [
        "network.securityGroups.0",
        'security group "default" is not a security group ID',
        'use security group IDs (not names), e.g. "sg-0a1b2c3d4e5f67890"',
      ],
    ]);
    expect(top({ network: { subnets: [] } })).toEqual([
      [
        "network.subnets",
        "network.subnets is empty",
        "give at least one value, or leave network.subnets out",
      ],
    ]);
    const six = Array.from({ length: 6 }, (_, i) => `sg-0000000${i}`);
    expect(top({ network: { securityGroups: six } })).toEqual([
      ["network.securityGroups", "network.securityGroups has 6 entries; the limit is 5", "give at most 5"],
    ]);
    expect(top({ insights: "yes" })[0]?.[1]).toBe('insights must be true or false, got "yes"');
    expect(top({ metrics: "no" })[0]?.[1]).toBe('metrics must be true or false, got "no"');
    expect(top({ dashboard: 1 })[0]?.[1]).toBe("dashboard must be true or false, got 1");
    expect(top({ metrics: false, dashboard: true })).toEqual([
      [
        "dashboard",
        "dashboard: true needs metrics, and metrics is false",
        "remove metrics: false, or remove dashboard: true",
      ],
    ]);
    expect(top({ network: { assignPublicIp: "yes" } })[0]?.[1]).toBe(
      'network.assignPublicIp must be true or false, got "yes"',
    );
  });

  it("checks the discovery namespace", () => {
    expect(top({ discovery: { namespace: "Billing Internal" } })).toEqual([
      [
        "discovery.namespace",
        'namespace "Billing Internal" is not a DNS name',
        'use lower-case DNS labels separated by dots, e.g. "billing.internal", or leave namespace out for "<app>.internal"',
      ],
    ]);
  });
});

describe("job names", () => {
  it("accepts lower-case names with digits and hyphens, and one-letter names", () => {
    const config = parseConfig({
      app: "billing",
      jobs: { a: { schedule: "rate(1 hour)" }, "report-2-eu": { schedule: "rate(1 hour)" } },
    });
    expect(config.jobs.map((job) => job.name)).toEqual(["a", "report-2-eu"]);
  });

  it("rejects names with capitals, underscores, a leading digit or a trailing hyphen, suggesting a fix", () => {
    const named = (name: string) =>
      problems({ app: "billing", jobs: { [name]: { schedule: "rate(1 hour)" } } });
    const why =
      "job names are lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen";
    expect(named("Nightly_Report")).toEqual([
      [
        "jobs.Nightly_Report",
        `job name "Nightly_Report" is not valid: ${why}`,
        'rename the job, e.g. to "nightly-report"',
      ],
    ]);
    expect(named("2nd")[0]?.[2]).toBe('rename the job, e.g. to "nd"');
    expect(named("report-")[0]?.[2]).toBe('rename the job, e.g. to "report"');
    expect(named("-")[0]?.[2]).toBe('rename the job, e.g. "nightly-report"');
  });

  it("rejects runs, the name of the app's run history log group, suggesting another", () => {
    expect(problems({ app: "billing", jobs: { runs: { schedule: "rate(1 hour)" } } })).toEqual([
      [
        "jobs.runs",
        'job name "runs" is reserved: /flexjob/<app>/runs is the app\'s run history',
        'rename the job, e.g. to "runs-job"',
      ],
    ]);
  });

  it("rejects flexjob-metrics, the name the app's metrics state machine ends in", () => {
    expect(problems({ app: "billing", jobs: { "flexjob-metrics": { schedule: "rate(1 hour)" } } })).toEqual([
      [
        "jobs.flexjob-metrics",
        'job name "flexjob-metrics" is reserved: <app>-flexjob-metrics is the state machine that turns the app\'s runs into metrics',
        'rename the job, e.g. to "flexjob-metrics-job"',
      ],
    ]);
  });

  it("limits <app>-<job> to 60 characters, counting the app prefix", () => {
    const app = "billing";
    const fits = "j".repeat(60 - app.length - 1);
    expect(parseConfig({ app, jobs: { [fits]: { schedule: "rate(1 hour)" } } }).jobs[0]?.name).toBe(fits);
    const tooLong = "j".repeat(56);
    expect(problems({ app, jobs: { [tooLong]: { schedule: "rate(1 hour)" } } })).toEqual([
      [
        `jobs.${tooLong}`,
        `job name "${tooLong}" makes "billing-${tooLong}" 64 characters; the limit is 60 (EventBridge Scheduler names, with room for a shard suffix)`,
        "shorten the job name to at most 52 characters, or the app name",
      ],
    ]);
  });

  it("reports a too-long job name next to other jobs' problems", () => {
    const tooLong = "j".repeat(56);
    const found = problems({
      app: "billing",
      jobs: { [tooLong]: { schedule: "rate(1 hour)" }, other: { schedule: "rate(1 hour)", tasks: 2.5 } },
    });
    expect(found.map(([path]) => path)).toEqual(["jobs.other.tasks", `jobs.${tooLong}`]);
  });
});

describe("source and image", () => {
  it("builds from the repository root when neither is given", () => {
    expect(parseJob({}).source).toEqual({
      rootDir: ".",
      dockerfile: undefined,
      buildArgs: {},
      buildSecrets: [],
    });
  });

  it("takes a source with rootDir, dockerfile and build args", () => {
    const job = parseJob({
      source: {
        rootDir: "services/report",
        dockerfile: "Dockerfile.jobs",
        buildArgs: { NODE_VERSION: 22 },
        buildSecrets: ["NPM_TOKEN"],
      },
    });
    expect([job.source, job.image]).toEqual([
      {
        rootDir: "services/report",
        dockerfile: "Dockerfile.jobs",
        buildArgs: { NODE_VERSION: "22" },
        buildSecrets: ["NPM_TOKEN"],
      },
      undefined,
    ]);
  });

  it("rejects an absolute rootDir and bad build argument names", () => {
    expect(jobProblem({ source: { rootDir: "/srv/app" } })).toEqual([
      "jobs.nightly.source.rootDir",
      'rootDir "/srv/app" is not a relative path',
      'give the folder relative to flexjob.yml, e.g. "." or "services/report"',
    ]);
    expect(jobProblem({ source: { buildSecrets: ["npm-token"] } })).toEqual([
      "jobs.nightly.source.buildSecrets.0",
      "a build secret is not an environment variable name (the entry is not shown, as it may be the secret itself)",
      'name the variable that holds the secret: letters, digits and underscores, e.g. "NPM_TOKEN"',
    ]);
    expect(jobProblem({ source: { buildArgs: { "node-version": "22" } } })).toEqual([
      "jobs.nightly.source.buildArgs.node-version",
      'build argument name "node-version" is not a valid ARG name',
      'use letters, digits and underscores, not starting with a digit, e.g. "NODE_VERSION"',
    ]);
  });

  it("rejects a rootDir or dockerfile that leads out of the repository, and keeps one that stays in", () => {
    expect(jobProblem({ source: { rootDir: "apps/../../outside" } })).toEqual([
      "jobs.nightly.source.rootDir",
      'rootDir "apps/../../outside" leads out of the repository (the folder of flexjob.yml)',
      'keep the build folder inside the repository, e.g. "." or "services/report"; copy or move what it needs there',
    ]);
    expect(jobProblem({ source: { rootDir: "apps/x", dockerfile: "../../../Dockerfile" } })).toEqual([
      "jobs.nightly.source.dockerfile",
      'dockerfile "../../../Dockerfile" leads out of the repository (the folder of flexjob.yml)',
      'keep the Dockerfile inside the repository, e.g. "Dockerfile" or "docker/Dockerfile.jobs"; copy or move what it needs there',
    ]);
    expect(jobProblem({ source: { dockerfile: "/etc/Dockerfile" } })).toEqual([
      "jobs.nightly.source.dockerfile",
      'dockerfile "/etc/Dockerfile" is not a relative path',
      'give the Dockerfile relative to rootDir, e.g. "Dockerfile" or "docker/Dockerfile.jobs"',
    ]);
    expect(
      parseJob({ source: { rootDir: "apps/x", dockerfile: "../../docker/Dockerfile" } }).source?.dockerfile,
    ).toBe("../../docker/Dockerfile");
  });

  it("runs an image instead of building when image is given", () => {
    expect([parseJob({ image: "redis:alpine" }).image, parseJob({ image: "redis:alpine" }).source]).toEqual([
      "redis:alpine",
      undefined,
    ]);
  });

  it("rejects a job with both source and image", () => {
    expect(jobProblem({ image: "redis:alpine", source: { rootDir: "." } })).toEqual([
      "jobs.nightly.image",
      "image and source are both set; a job runs either an existing image or one built from source",
      "remove source to run the image, or remove image to build from source",
    ]);
  });

  it("accepts registry image references", () => {
    for (const image of [
      "redis:alpine",
      "public.ecr.aws/x/y:tag",
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo@sha256:${"a".repeat(64)}`,
      "ghcr.io/owner/repo:v1.2.3",
      "localhost:5000/team/job",
    ]) {
      expect(parseJob({ image }).image).toBe(image);
    }
  });

  it("rejects a malformed image reference and says why", () => {
    const [path, message, remedy] = jobProblem({ image: "Redis:latest" });
    expect([path, message]).toEqual([
      "jobs.nightly.image",
      'image "Redis:latest" is not an image reference: repository "Redis" must be lower case',
    ]);
    expect(remedy).toBe(
      'write [registry/]repository[:tag][@sha256:digest] in lower case, e.g. "redis:7-alpine", "public.ecr.aws/docker/library/node:22" or "123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo@sha256:<64 hex digits>"',
    );
  });
});

describe("command", () => {
  it("keeps a list as the exec form", () => {
    expect(parseJob({ command: ["node", "dist/job.js", "--all"] }).command).toEqual([
      "node",
      "dist/job.js",
      "--all",
    ]);
  });

  it("splits a string into words like a shell, honouring quotes", () => {
    expect(parseJob({ command: `python -m report --since "1 day" --tag 'a b'` }).command).toEqual([
      "python",
      "-m",
      "report",
      "--since",
      "1 day",
      "--tag",
      "a b",
    ]);
  });

  it("rejects shell operators in a string, pointing to sh -c", () => {
    expect(jobProblem({ command: "npm run build && npm start" })).toEqual([
      "jobs.nightly.command",
      'command "npm run build && npm start" has shell syntax "&" at character 15, but commands run without a shell',
      'quote it, or to run it through a shell write the command as a list: ["sh", "-c", "your && command"]',
    ]);
  });

  it("rejects an empty command", () => {
    expect(jobProblem({ command: "" })).toEqual([
      "jobs.nightly.command",
      "command is empty",
      "give at least one value, or leave command out",
    ]);
    expect(jobProblem({ command: [] })[1]).toBe("command is empty");
    expect(jobProblem({ command: "   " })).toEqual([
      "jobs.nightly.command",
      "command is empty",
      'give the program and its arguments, e.g. "node dist/job.js"',
    ]);
  });
});

describe("schedule and timezone", () => {
  it("stores the parsed schedule", () => {
    expect(parseJob({ schedule: "cron(0 9 * * ? *)" }).schedule).toEqual({
      expression: "cron(0 9 * * ? *)",
      kind: "cron",
      source: "cron(0 9 * * ? *)",
    });
  });

  it("requires a schedule", () => {
    expect(problems({ app: "billing", jobs: { nightly: {} } })).toEqual([
      [
        "jobs.nightly.schedule",
        "schedule is required",
        'add schedule, e.g. schedule: "cron(0 9 ? * MON-FRI *)"',
      ],
    ]);
  });

  it("reports the schedule parser's message and remedy", () => {
    const [path, message, remedy] = jobProblem({ schedule: "every blue moon" });
    expect(path).toBe("jobs.nightly.schedule");
    expect(message).toContain("every blue moon");
    expect(remedy).toBeTruthy();
  });

  it("checks the timezone with the schedule module", () => {
    expect(parseJob({ timezone: "Europe/Berlin" }).timezone).toBe("Europe/Berlin");
    expect(jobProblem({ timezone: "Berlin" })).toEqual([
      "jobs.nightly.timezone",
      'timezone "Berlin" is not an IANA time zone',
      'did you mean "Europe/Berlin"?',
    ]);
  });
});

describe("size", () => {
  it("resolves cpu, memory and storage in any unit", () => {
    expect(parseJob({ cpu: "2048", memory: "4096 MiB", storage: "30 GiB" }).size).toEqual({
      cpu: 2,
      cpuUnits: 2048,
      memoryGiB: 4,
      memoryMiB: 4096,
      storageGiB: 30,
    });
    expect(parseJob({ cpu: 16, memory: 120, storage: 200 }).size.memoryMiB).toBe(122_880);
  });

  it("rejects a cpu and memory pair Fargate does not offer, at memory", () => {
    expect(jobProblem({ cpu: 0.25, memory: 3 })).toEqual([
      "jobs.nightly.memory",
      "memory 3 GiB is not valid with 0.25 vCPU",
      "with 0.25 vCPU use memory 0.5, 1 or 2 (GiB); 3 GiB needs cpu 0.5 or 1",
    ]);
    expect(jobProblem({ cpu: 8, memory: 62 })[1]).toBe("memory 62 GiB is not valid with 8 vCPU");
    expect(jobProblem({ cpu: 16, memory: "124 GiB" })[1]).toBe("memory 124 GiB is not valid with 16 vCPU");
  });

  it("checks the pair against the default cpu", () => {
    expect(jobProblem({ memory: 4 })[1]).toBe("memory 4 GiB is not valid with 0.25 vCPU");
  });

  it("rejects a cpu that is not a Fargate size", () => {
    expect(jobProblem({ cpu: 3 })).toEqual([
      "jobs.nightly.cpu",
      "cpu 3 is not a Fargate CPU size",
      'use cpu 0.25, 0.5, 1, 2, 4, 8 or 16 (vCPU), or the same in CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384 (e.g. "1024 units")',
    ]);
  });

  it("rejects storage outside 20 to 200 GiB", () => {
    expect(jobProblem({ storage: 10 })).toEqual([
      "jobs.nightly.storage",
      "storage 10 is outside Fargate's 20 to 200 GiB",
      "use a whole number of GiB from 20 to 200 (storage: 50); 20 is the default and costs nothing extra",
    ]);
    expect(jobProblem({ storage: 201 })[1]).toBe("storage 201 is outside Fargate's 20 to 200 GiB");
  });

  it("rejects sizes of the wrong type", () => {
    expect(jobProblem({ cpu: true })).toEqual([
      "jobs.nightly.cpu",
      "cpu must be a number or a string, got true",
      "write cpu as a number or a string, e.g. cpu: 1",
    ]);
  });
});

describe("arch, spot, enabled, tasks", () => {
  it("accepts the three architectures and spot on each", () => {
    expect(["x86_64", "arm64", "flex"].map((arch) => parseJob({ arch, spot: true }).arch)).toEqual([
      "x86_64",
      "arm64",
      "flex",
    ]);
  });

  it("rejects an unknown architecture and suggests the close one", () => {
    expect(jobProblem({ arch: "arm" })).toEqual([
      "jobs.nightly.arch",
      'arch must be "x86_64", "arm64" or "flex", got "arm"',
      'did you mean "arm64"?',
    ]);
    expect(jobProblem({ arch: "amd64" })[2]).toBe('did you mean "arm64"?');
    expect(jobProblem({ arch: "sparc" })[2]).toBe('use one of "x86_64", "arm64", "flex"');
  });

  it("requires booleans for spot and enabled", () => {
    expect(jobProblem({ enabled: "yes" })).toEqual([
      "jobs.nightly.enabled",
      'enabled must be true or false, got "yes"',
      "write enabled as true or false, e.g. enabled: false",
    ]);
    expect(jobProblem({ spot: 1 })[1]).toBe("spot must be true or false, got 1");
  });

  it("accepts 1 to 50 parallel tasks", () => {
    expect([parseJob({ tasks: 1 }).tasks, parseJob({ tasks: 50 }).tasks]).toEqual([1, 50]);
    expect(jobProblem({ tasks: 0 })).toEqual([
      "jobs.nightly.tasks",
      "tasks must be a whole number from 1 to 50, got 0",
      "use a whole number from 1 to 50",
    ]);
    expect(jobProblem({ tasks: 51 })[1]).toBe("tasks must be a whole number from 1 to 50, got 51");
    expect(jobProblem({ tasks: 2.5 })[1]).toBe("tasks must be a whole number, got 2.5");
  });
});

describe("startRetry", () => {
  it("accepts 0 to 185 attempts", () => {
    expect(parseJob({ startRetry: { attempts: 0 } }).startRetry).toEqual({ attempts: 0, maxAgeSeconds: 300 });
    expect(parseJob({ startRetry: { attempts: 185 } }).startRetry.attempts).toBe(185);
    expect(jobProblem({ startRetry: { attempts: 186 } })).toEqual([
      "jobs.nightly.startRetry.attempts",
      "startRetry.attempts must be a whole number from 0 to 185, got 186",
      "use a whole number from 0 to 185",
    ]);
    expect(jobProblem({ startRetry: { attempts: -1 } })[1]).toBe(
      "startRetry.attempts must be a whole number from 0 to 185, got -1",
    );
  });

  it("reads maxAge as seconds or a human duration", () => {
    const maxAge = (value: unknown) => parseJob({ startRetry: { maxAge: value } }).startRetry.maxAgeSeconds;
    expect([60, 86_400, "3600", "90s", "30m", "6h", "1d", "1h30m", "1h 30m"].map(maxAge)).toEqual([
      60, 86_400, 3600, 90, 1800, 21_600, 86_400, 5400, 5400,
    ]);
  });

  it("rejects maxAge outside 60 seconds to 24 hours", () => {
    const remedy = 'use whole seconds from 60 to 86400, or a duration with d, h, m and s units such as "6h"';
    expect(jobProblem({ startRetry: { maxAge: "59s" } })).toEqual([
      "jobs.nightly.startRetry.maxAge",
      'maxAge "59s" (59 seconds) is outside 1 minute to 1 day',
      remedy,
    ]);
    expect(jobProblem({ startRetry: { maxAge: "1d1s" } })[1]).toBe(
      'maxAge "1d1s" (1 day 1 second) is outside 1 minute to 1 day',
    );
    expect(jobProblem({ startRetry: { maxAge: 59 } })).toEqual([
      "jobs.nightly.startRetry.maxAge",
      "startRetry.maxAge must be a whole number from 60 to 86400, got 59",
      "use a whole number from 60 to 86400",
    ]);
    expect(jobProblem({ startRetry: { maxAge: "soon" } })).toEqual([
      "jobs.nightly.startRetry.maxAge",
      'maxAge "soon" is not a duration',
      remedy,
    ]);
    expect(jobProblem({ startRetry: { maxAge: "30m1h" } })[1]).toBe('maxAge "30m1h" is not a duration');
  });
});

describe("retries, timeout, overlap", () => {
  it("runs a job as before unless it sets them", () => {
    const job = parseJob({});
    expect([job.retries, job.timeoutSeconds, job.overlap]).toEqual([0, undefined, "allow"]);
  });

  it("accepts 0 to 10 retries", () => {
    expect([parseJob({ retries: 0 }).retries, parseJob({ retries: 10 }).retries]).toEqual([0, 10]);
    expect(jobProblem({ retries: 11 })).toEqual([
      "jobs.nightly.retries",
      "retries must be a whole number from 0 to 10, got 11",
      "use a whole number from 0 to 10",
    ]);
    expect(jobProblem({ retries: 1.5 })[1]).toBe("retries must be a whole number, got 1.5");
  });

  it("reads timeout as seconds or a duration, from 1 minute to 365 days", () => {
    const timeout = (value: unknown) => parseJob({ timeout: value }).timeoutSeconds;
    expect([60, "1m", "90s", "2h", "1d", "365d", 31_536_000].map(timeout)).toEqual([
      60, 60, 90, 7200, 86_400, 31_536_000, 31_536_000,
    ]);
  });

  it("rejects a timeout below 1 minute or above 365 days, naming the value", () => {
    const remedy = 'use a duration from 1 minute to 365 days, such as "30m", "2h" or "1d", or remove timeout';
    expect(jobProblem({ timeout: "30s" })).toEqual([
      "jobs.nightly.timeout",
      'timeout "30s" (30 seconds) is below 1 minute',
      remedy,
    ]);
    expect(jobProblem({ timeout: "366d" })[1]).toBe('timeout "366d" (366 days) is above 365 days');
    expect(jobProblem({ timeout: 30 })).toEqual([
      "jobs.nightly.timeout",
      "timeout must be a whole number from 60 to 31536000, got 30",
      "use a whole number from 60 to 31536000",
    ]);
    expect(jobProblem({ timeout: "soon" })).toEqual([
      "jobs.nightly.timeout",
      'timeout "soon" is not a duration',
      'use whole seconds from 60 to 31536000, or a duration with d, h, m and s units such as "2h"',
    ]);
  });

  it("accepts the three overlap policies and lists them for any other", () => {
    expect(["allow", "skip", "replace"].map((overlap) => parseJob({ overlap }).overlap)).toEqual([
      "allow",
      "skip",
      "replace",
    ]);
    expect(jobProblem({ overlap: "queue" })).toEqual([
      "jobs.nightly.overlap",
      'overlap must be "allow", "skip" or "replace", got "queue"',
      'use one of "allow", "skip", "replace"',
    ]);
  });
});

describe("retry, the old name of startRetry", () => {
  it("is read as startRetry", () => {
    expect(parseJob({ retry: { attempts: 3, maxAge: "2h" } }).startRetry).toEqual({
      attempts: 3,
      maxAgeSeconds: 7200,
    });
  });

  it("warns through onWarning, and only for retry", () => {
    const warnings: string[] = [];
    const onWarning = (warning: { path: string; remedy?: string }) =>
      warnings.push(`${warning.path}: ${warning.remedy}`);
    parseConfig(withJob({ retry: { attempts: 3 } }), { onWarning });
    parseConfig(withJob({ startRetry: { attempts: 3 } }), { onWarning });
    expect(warnings).toEqual(["jobs.nightly.retry: rename retry to startRetry"]);
  });

  it("is an error next to startRetry", () => {
    expect(jobProblem({ retry: { attempts: 3 }, startRetry: { attempts: 2 } })).toEqual([
      "jobs.nightly.retry",
      "retry and startRetry are both set; retry is the old name of startRetry",
      "keep startRetry and remove retry",
    ]);
  });
});

describe("flexibleWindow", () => {
  const window = (value: unknown) => parseJob({ flexibleWindow: value }).flexibleWindowMinutes;
  const remedy =
    'use "off", or whole minutes from 1 to 1440 as a number (15) or with units ("15m", "2h", "1h30m")';

  it("is off unless given, and reads minutes as a number or with units", () => {
    expect([
      window(undefined),
      window("off"),
      window(1),
      window(1440),
      window("15"),
      window("15m"),
      window("2h"),
      window("1d"),
    ]).toEqual([undefined, undefined, 1, 1440, 15, 15, 120, 1440]);
  });

  it("rejects windows outside 1 to 1440 minutes and partial minutes", () => {
    expect(jobProblem({ flexibleWindow: 0 })).toEqual([
      "jobs.nightly.flexibleWindow",
      "flexibleWindow must be a whole number from 1 to 1440, got 0",
      "use a whole number from 1 to 1440",
    ]);
    expect(jobProblem({ flexibleWindow: 1441 })[1]).toBe(
      "flexibleWindow must be a whole number from 1 to 1440, got 1441",
    );
    expect(jobProblem({ flexibleWindow: "25h" })).toEqual([
      "jobs.nightly.flexibleWindow",
      'flexibleWindow "25h" is outside 1 to 1440 minutes',
      remedy,
    ]);
    expect(jobProblem({ flexibleWindow: "90s" })).toEqual([
      "jobs.nightly.flexibleWindow",
      'flexibleWindow "90s" is not a whole number of minutes',
      remedy,
    ]);
    expect(jobProblem({ flexibleWindow: "on" })[1]).toBe(
      'flexibleWindow "on" is not a whole number of minutes',
    );
  });
});

describe("startDate and endDate", () => {
  it("stores ISO date-times in UTC", () => {
    const job = parseJob({ startDate: "2030-03-01T08:00:00+01:00", endDate: "2030-03-02T00:00Z" });
    expect([job.startDate, job.endDate]).toEqual(["2030-03-01T07:00:00.000Z", "2030-03-02T00:00:00.000Z"]);
  });

  it("rejects dates without a time, without an offset, or that do not exist", () => {
    const remedy = 'write date, time and offset, e.g. "2025-07-01T09:00:00Z" or "2025-07-01T09:00:00+02:00"';
    expect(jobProblem({ startDate: "2030-03-01" })).toEqual([
      "jobs.nightly.startDate",
      'startDate "2030-03-01" is not an ISO 8601 date-time with a time zone offset',
      remedy,
    ]);
    expect(jobProblem({ endDate: "2030-03-01T09:00:00" })[1]).toBe(
      'endDate "2030-03-01T09:00:00" is not an ISO 8601 date-time with a time zone offset',
    );
    expect(jobProblem({ startDate: "2030-02-30T09:00:00Z" })[1]).toBe(
      'startDate "2030-02-30T09:00:00Z" is not an ISO 8601 date-time with a time zone offset',
    );
  });

  it("requires endDate after startDate", () => {
    expect(jobProblem({ startDate: "2030-06-01T00:00:00Z", endDate: "2030-06-01T00:00:00Z" })).toEqual([
      "jobs.nightly.endDate",
      "endDate 2030-06-01T00:00:00.000Z is not after startDate 2030-06-01T00:00:00.000Z",
      "set endDate later than startDate, or remove one of them",
    ]);
  });
});

describe("healthCheck", () => {
  it("fills the ECS defaults and uses CMD-SHELL for a string, CMD for a list", () => {
    expect(parseJob({ healthCheck: { command: "curl -f http://localhost/ || exit 1" } }).healthCheck).toEqual(
      {
        command: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
        interval: 30,
        timeout: 5,
        retries: 3,
        startPeriod: 0,
      },
    );
    expect(parseJob({ healthCheck: { command: ["/bin/check", "--quick"] } }).healthCheck?.command).toEqual([
      "CMD",
      "/bin/check",
      "--quick",
    ]);
    expect(parseJob({ healthCheck: { command: ["CMD-SHELL", "exit 0"] } }).healthCheck?.command).toEqual([
      "CMD-SHELL",
      "exit 0",
    ]);
  });

  it("accepts the bounds of every range", () => {
    const low = { command: "true", interval: 5, timeout: 2, retries: 1, startPeriod: 0 };
    const high = { command: "true", interval: 300, timeout: 60, retries: 10, startPeriod: 300 };
    expect(parseJob({ healthCheck: low }).healthCheck).toEqual({ ...low, command: ["CMD-SHELL", "true"] });
    expect(parseJob({ healthCheck: high }).healthCheck).toEqual({ ...high, command: ["CMD-SHELL", "true"] });
  });

  it("rejects values outside the ECS ranges", () => {
    const found = problems(
      withJob({ healthCheck: { command: "true", interval: 4, timeout: 61, retries: 0, startPeriod: 301 } }),
    );
    expect(found).toEqual([
      [
        "jobs.nightly.healthCheck.interval",
        "healthCheck.interval must be a whole number from 5 to 300, got 4",
        "use a whole number from 5 to 300",
      ],
      [
        "jobs.nightly.healthCheck.timeout",
        "healthCheck.timeout must be a whole number from 2 to 60, got 61",
        "use a whole number from 2 to 60",
      ],
      [
        "jobs.nightly.healthCheck.retries",
        "healthCheck.retries must be a whole number from 1 to 10, got 0",
        "use a whole number from 1 to 10",
      ],
      [
        "jobs.nightly.healthCheck.startPeriod",
        "healthCheck.startPeriod must be a whole number from 0 to 300, got 301",
        "use a whole number from 0 to 300",
      ],
    ]);
  });

  it("requires the check's command", () => {
    expect(jobProblem({ healthCheck: { interval: 10 } })).toEqual([
      "jobs.nightly.healthCheck.command",
      "healthCheck.command is required",
      'add command, e.g. command: "curl -f http://localhost:8080/health || exit 1"',
    ]);
  });
});

describe("env and secrets", () => {
  it("passes numbers and booleans on as text", () => {
    expect(parseJob({ env: { A: 1, B: true, _c: "x" } }).env).toEqual({ A: "1", B: "true", _c: "x" });
  });

  it("rejects names that are not environment variable names", () => {
    expect(jobProblem({ env: { "MY-VAR": "x" } })).toEqual([
      "jobs.nightly.env.MY-VAR",
      'env name "MY-VAR" is not a valid environment variable name',
      'use letters, digits and underscores, not starting with a digit, e.g. "DATABASE_URL"',
    ]);
    expect(jobProblem({ env: { "1ST": "x" } })[1]).toBe(
      'env name "1ST" is not a valid environment variable name',
    );
  });

  it("reserves the FLEXJOB_ and AWS_ prefixes", () => {
    expect(jobProblem({ env: { FLEXJOB_JOB: "x" } })).toEqual([
      "jobs.nightly.env.FLEXJOB_JOB",
      'env name "FLEXJOB_JOB" starts with FLEXJOB_, which is reserved',
      "rename it: flexjob sets FLEXJOB_* variables itself (FLEXJOB_JOB, FLEXJOB_RUN_ID, …)",
    ]);
    expect(jobProblem({ secrets: { AWS_SECRET_ACCESS_KEY: ARN_SECRET } })).toEqual([
      "jobs.nightly.secrets.AWS_SECRET_ACCESS_KEY",
      'secrets name "AWS_SECRET_ACCESS_KEY" starts with AWS_, which is reserved',
      "rename it: AWS_* variables are set by ECS and read by the AWS SDKs; give the task a taskRole instead of credentials",
    ]);
  });

  it("rejects env values that are not scalars", () => {
    expect(jobProblem({ env: { A: ["x"] } })).toEqual([
      "jobs.nightly.env.A",
      'env.A must be a string, a number or a boolean, got ["x"]',
      "write A as a string, a number or a boolean",
    ]);
  });

  it("accepts Secrets Manager ARNs, with the ECS json-key suffix, and SSM parameter ARNs", () => {
    const secrets = {
      A: ARN_SECRET,
      B: `${ARN_SECRET}:password::`,
      C: `${ARN_SECRET}:password:AWSCURRENT:`,
      D: ARN_PARAMETER,
      E: "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/x",
    };
    expect(parseJob({ secrets }).secrets).toEqual(secrets);
  });

  it("rejects secrets that are not those ARNs and says why", () => {
    const remedy =
      'use the full ARN: "arn:aws:secretsmanager:<region>:<account>:secret:<name>" (optionally with ":<json-key>:<version-stage>:<version-id>") or "arn:aws:ssm:<region>:<account>:parameter/<name>"';
    expect(jobProblem({ secrets: { DB: "prod/db" } })).toEqual([
      "jobs.nightly.secrets.DB",
      "the value is not valid: it is not an ARN (the value is not shown, as it may be the secret itself)",
      remedy,
    ]);
    expect(jobProblem({ secrets: { DB: "arn:aws:ssm:eu-west-1:123456789012:parameterx" } })[1]).toBe(
      'the value is not valid: an SSM parameter ARN has "parameter/" before the name (the value is not shown, as it may be the secret itself)',
    );
    expect(jobProblem({ secrets: { DB: "arn:aws:secretsmanager:eu-west-1:1234:secret:x" } })[1]).toBe(
      "the value is not valid: the account ID must be 12 digits (the value is not shown, as it may be the secret itself)",
    );
    expect(jobProblem({ secrets: { DB: "arn:aws:s3:::bucket/key" } })[1]).toBe(
      "the value is not valid: it is not a Secrets Manager secret or SSM parameter ARN (the value is not shown, as it may be the secret itself)",
    );
  });

  it("rejects a name that is in both env and secrets", () => {
    expect(jobProblem({ env: { DB: "x" }, secrets: { DB: ARN_SECRET } })).toEqual([
      "jobs.nightly.secrets.DB",
      "DB is set in both env and secrets",
      "remove DB from env or from secrets",
    ]);
  });
});

describe("logs and taskRole", () => {
  it("accepts CloudWatch's retention periods only", () => {
    expect(parseJob({ logs: { retentionDays: 3653 } }).logs).toEqual({ retentionDays: 3653 });
    const [path, message, remedy] = jobProblem({ logs: { retentionDays: 10 } });
    expect([path, message]).toEqual([
      "jobs.nightly.logs.retentionDays",
      "logs.retentionDays must be 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653, got 10",
    ]);
    expect(remedy).toBe(
      "use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
    );
  });

  it("accepts a role ARN, with a path, or a role name", () => {
    for (const taskRole of [
      "arn:aws:iam::123456789012:role/report",
      "arn:aws:iam::123456789012:role/service-role/report",
      "report-role",
    ]) {
      expect(parseJob({ taskRole }).taskRole).toBe(taskRole);
    }
  });

  it("rejects a task role that is neither", () => {
    expect(jobProblem({ taskRole: "arn:aws:iam::123:role/x" })).toEqual([
      "jobs.nightly.taskRole",
      'taskRole "arn:aws:iam::123:role/x" is not an IAM role ARN or role name',
      'use "arn:aws:iam::<12-digit account>:role/<name>" or just the role name, e.g. "billing-reports"',
    ]);
    expect(jobProblem({ taskRole: "my role" })[1]).toBe(
      'taskRole "my role" is not an IAM role ARN or role name',
    );
  });
});

describe("branch", () => {
  it("accepts git branch names", () => {
    expect(parseJob({ branch: "feature/new-report" }).branch).toBe("feature/new-report");
  });

  it("rejects names git would not accept", () => {
    for (const branch of ["has space", "a..b", "ends/", "-dash", "x.lock", "a:b", ""]) {
      expect(jobProblem({ branch })[1]).toBe(
        `branch ${JSON.stringify(branch)} is not a valid git branch name`,
      );
    }
  });
});

describe("errors never quote a secret", () => {
  it.each([
    ["a secret typed where its ARN belongs", { secrets: { DB_PASSWORD: "hunter2" } }],
    ["a secret-named env value of the wrong type", { env: { API_TOKEN: ["hunter2"] } }],
    ["a secret-named env value in a mapping", { env: { DB_PASSWORD: { value: "hunter2" } } }],
    ["env written as a list of NAME=value", { env: ["DB_PASSWORD=hunter2"] }],
    ["a URL with a password in a list", { env: { CACHE: ["redis://:hunter2@cache:6379"] } }],
    ["a build secret's value where its name belongs", { source: { buildSecrets: ["hunter2-token!"] } }],
    [
      "a secret-named build argument of the wrong type",
      { source: { buildArgs: { NPM_TOKEN: ["hunter2"] } } },
    ],
    ["a job that is not a mapping", { env: { A: "x" }, enabled: "postgres://app:hunter2@db/app" }],
  ])("%s", (_, fields) => {
    const issues = issuesOf(withJob(fields));
    expect(issues.length).toBeGreaterThan(0);
    expect(JSON.stringify(issues)).not.toContain("hunter2");
  });

  it("names the kind of a hidden value and the field, so the error is still actionable", () => {
    expect(problems(withJob({ env: { API_TOKEN: ["hunter2"], LOG_LEVEL: ["info"] } }))).toEqual([
      [
        "jobs.nightly.env.API_TOKEN",
        'env.API_TOKEN must be a string, a number or a boolean, got ["***"]',
        "write API_TOKEN as a string, a number or a boolean",
      ],
      [
        "jobs.nightly.env.LOG_LEVEL",
        'env.LOG_LEVEL must be a string, a number or a boolean, got ["info"]',
        "write LOG_LEVEL as a string, a number or a boolean",
      ],
    ]);
    expect(jobProblem({ env: { DB_PASSWORD: { v: 1 } } })[1]).toBe(
      'env.DB_PASSWORD must be a string, a number or a boolean, got {"v":"***"}',
    );
  });

  it("redacts a key-shaped value or URL password in any field's message", () => {
    expect(problems(withJob({}, { region: "AKIAIOSFODNN7EXAMPLE" }))[0]?.[1]).toBe(
      'region "***" is not an AWS region name',
    );
    const [, message] = jobProblem({ image: "https://u:hunter2@registry.example.com/app" });
    expect(message).not.toContain("hunter2");
  });
});

describe("user keys that JavaScript objects already have", () => {
  it("accepts jobs, env and secrets named like Object.prototype members", () => {
    const config = parseConfig({
      app: "billing",
      jobs: {
        constructor: {
          schedule: "rate(5 minutes)",
          env: { toString: "a", constructor: "b" },
          secrets: { valueOf: ARN_SECRET, hasOwnProperty: ARN_PARAMETER },
        },
      },
    });
    expect(config.jobs.map((job) => job.name)).toEqual(["constructor"]);
    expect(config.jobs[0]?.secrets).toEqual({ valueOf: ARN_SECRET, hasOwnProperty: ARN_PARAMETER });
  });

  it("rejects __proto__ as a job, env or build argument name instead of dropping it", () => {
    const raw = JSON.parse(
      '{"app":"billing","jobs":{"nightly":{"schedule":"rate(5 minutes)","env":{"__proto__":"x"},"source":{"buildArgs":{"__proto__":"y"}}},"__proto__":{"schedule":"rate(1 hour)"}}}',
    );
    expect(problems(raw)).toEqual([
      [
        "jobs.__proto__",
        'the name "__proto__" is not allowed',
        "rename it: __proto__ has a meaning of its own in JavaScript, so flexjob cannot use it as a name",
      ],
      [
        "jobs.nightly.env.__proto__",
        'the name "__proto__" is not allowed',
        "rename it: __proto__ has a meaning of its own in JavaScript, so flexjob cannot use it as a name",
      ],
      [
        "jobs.nightly.source.buildArgs.__proto__",
        'the name "__proto__" is not allowed',
        "rename it: __proto__ has a meaning of its own in JavaScript, so flexjob cannot use it as a name",
      ],
    ]);
  });
});
