import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../src/config/parse.js";
import { planOffline } from "../src/deploy/deploy.js";
import { FlexjobError } from "../src/errors.js";
import { type ImportOptions, importCopilot } from "../src/import/copilot/index.js";

/**
 * Each folder of fixtures/copilot is a Copilot workspace (copilot/.workspace and manifests), with
 * options.json (env, region, and the ARNs a stand-in resolveSecret answers) and either the
 * expected flexjob.yml and report.json, or, for a workspace that must not import, error.json.
 */
const ROOT = join(import.meta.dirname, "fixtures", "copilot");
const CASES = readdirSync(ROOT).sort();
const IMPORTED = CASES.filter((name) => !existsSync(join(ROOT, name, "error.json")));
const FAILING = CASES.filter((name) => existsSync(join(ROOT, name, "error.json")));

interface CaseOptions {
  env?: string;
  region?: string;
  /** `<kind> <name>` → ARN. */
  secrets?: Record<string, string>;
}

function read(name: string, file: string): string {
  return readFileSync(join(ROOT, name, file), "utf8");
}

function optionsOf(name: string): ImportOptions {
  const path = join(ROOT, name, "options.json");
  const given: CaseOptions = existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : {};
  const { secrets, ...options } = given;
  if (secrets === undefined) return options;
  return { ...options, resolveSecret: async (ref) => secrets[`${ref.kind} ${ref.name}`] };
}

function importCase(name: string) {
  return importCopilot(join(ROOT, name), optionsOf(name));
}

describe("importCopilot fixtures", () => {
  it("covers at least ten workspaces that import and the fields of issue #19", () => {
    expect(IMPORTED.length).toBeGreaterThanOrEqual(10);
    const fields = new Set(
      IMPORTED.flatMap((name) =>
        (JSON.parse(read(name, "report.json")).report as { field: string }[]).map((entry) =>
          entry.field.replace(/^environments\.[^.]+\./, ""),
        ),
      ),
    );
    for (const field of [
      "on.schedule",
      "retries",
      "timeout",
      "image.location",
      "image.build",
      "entrypoint",
      "command",
      "cpu",
      "memory",
      "platform",
      "storage.ephemeral",
      "variables",
      "env_file",
      "secrets.DB_PASSWORD",
      "secrets.DB_JSON",
      "secrets.FROM_STACK",
      "logging.retention",
      "logging.destination",
      "logging.secretOptions.apikey",
      "network.vpc.placement",
      "network.vpc.placement.subnets",
      "network.vpc.security_groups",
      "publish",
      "taskdef_overrides",
      "exec",
      "count",
      "sidecars.startup",
      "storage.volumes.scratch",
      "image.healthcheck",
      "environments",
    ]) {
      expect(fields, field).toContain(field);
    }
  });

  it.each(IMPORTED)("%s imports as the expected flexjob.yml and report", async (name) => {
    const result = await importCase(name);
    expect(result.text).toBe(read(name, "flexjob.yml"));
    const { jobs, skipped, pendingSecrets, report } = result;
    expect({ jobs, skipped, pendingSecrets, report }).toEqual(JSON.parse(read(name, "report.json")));
    expect(parse(result.text)).toEqual(result.config);
  });

  it("imports each schedule form as the expression Copilot deploys, in UTC", async () => {
    const schedules: Record<string, unknown> = {};
    for (const name of IMPORTED) {
      const { config } = await importCase(name);
      for (const [job, fields] of Object.entries(config.jobs as Record<string, Record<string, unknown>>)) {
        schedules[`${name}/${job}`] = [fields.schedule, fields.timezone, fields.enabled ?? true];
      }
    }
    // Written by hand from Copilot's conversion (its scheduled_job.go), not computed.
    expect(schedules).toEqual({
      "basic-location/report": ["cron(0 0 * * ? *)", "UTC", true], // @daily
      "build-map/etl": ["cron(0 9 ? * 2-6 *)", "UTC", true], // 0 9 * * 1-5
      "build-string/report": ["rate(90 minutes)", "UTC", true], // @every 1h30m
      "env-not-chosen/sync": ["cron(0 * * * ? *)", "UTC", true], // @hourly
      "env-overrides/sync": ["cron(*/15 * * * ? *)", "UTC", true], // environments.prod: */15 * * * *
      "network-private/cleanup": ["rate(30 minutes)", "UTC", true], // rate(30 minutes), as written
      "network-subnets/audit": ["cron(0 0 ? * 1 *)", "UTC", true], // @weekly
      "logging-datadog/nightly": ["cron(30 2 * * ? *)", "UTC", true], // 30 2 * * *
      "logging-http/ingest": ["cron(0 * * * ? *)", "UTC", true], // @hourly
      "network-subnets/export": ["cron(0 6 ? * MON *)", "UTC", true], // cron(...), as written
      "schedule-forms/annually": ["cron(0 0 1 1 ? *)", "UTC", true],
      "schedule-forms/every-five": ["rate(5 minutes)", "UTC", true], // @every 5m
      "schedule-forms/midnight": ["cron(0 0 * * ? *)", "UTC", true],
      "schedule-forms/odd-days": ["cron(0 0 * * ? *)", "UTC", true], // 0 0 */2 * *: Copilot drops the step
      "schedule-forms/weekdays-step": ["cron(0 0 ? * 2,5 *)", "UTC", true], // 0 0 * * 1-5/2 → 2-6/3: Mon, Thu
      "schedule-forms/yearly": ["cron(0 0 1 1 ? *)", "UTC", true],
      "schedule-none/backfill": ["rate(5 minutes)", "UTC", false], // none: Copilot's rule, disabled
      "secrets-placeholder/invoices": ["cron(0 3 * * ? *)", "UTC", true],
      "secrets-resolved/invoices": ["cron(0 3 * * ? *)", "UTC", true],
      "unmapped/digest": ["cron(0 0 1 * ? *)", "UTC", true], // @monthly
    });
  });

  it.each(IMPORTED)("%s passes flexjob's validation once no placeholder is left", async (name) => {
    const result = await importCase(name);
    const filled = result.text.replaceAll("REPLACE-ME", "123456789012");
    expect(() => parseConfig(parse(filled))).not.toThrow();
  });
});

describe("importCopilot secrets", () => {
  it("writes an unresolved secret as a placeholder that flexjob validate rejects", async () => {
    const result = await importCase("secrets-placeholder");
    expect(result.text).toContain("REPLACE-ME");
    let issues: readonly { path: string }[] = [];
    try {
      parseConfig(parse(result.text));
    } catch (error) {
      if (!(error instanceof FlexjobError)) throw error;
      issues = error.issues;
    }
    expect(issues.map((issue) => issue.path)).toEqual([
      "jobs.invoices.secrets.DB_PASSWORD",
      "jobs.invoices.secrets.PLAIN_NAME",
      "jobs.invoices.secrets.DB_JSON",
      "jobs.invoices.secrets.API_TOKEN",
      "jobs.invoices.secrets.FROM_STACK",
    ]);
  });

  it("asks resolveSecret with each name as written, JSON key included, and never for an ARN or export", async () => {
    const asked: string[] = [];
    await importCopilot(join(ROOT, "secrets-placeholder"), {
      env: "prod",
      resolveSecret: async (ref) => {
        asked.push(`${ref.kind} ${ref.name}`);
        return undefined;
      },
    });
    expect(asked).toEqual([
      "ssm /copilot/billing/prod/secrets/db_password",
      "ssm STRIPE_KEY",
      "secretsmanager billing/prod/mysql:password::",
      "secretsmanager api-token",
    ]);
  });

  it("does not look up a name still holding COPILOT_ENVIRONMENT_NAME when no --env is given", async () => {
    const asked: string[] = [];
    const result = await importCopilot(join(ROOT, "secrets-placeholder"), {
      resolveSecret: async (ref) => {
        asked.push(`${ref.kind} ${ref.name}`);
        return undefined;
      },
    });
    expect(asked).toEqual([
      "ssm STRIPE_KEY",
      "secretsmanager billing/prod/mysql:password::",
      "secretsmanager api-token",
    ]);
    expect(result.pendingSecrets[0]).toEqual({
      job: "invoices",
      variable: "DB_PASSWORD",
      kind: "ssm",
      name: ["/copilot/billing/$", "{COPILOT_ENVIRONMENT_NAME}/secrets/db_password"].join(""),
      line: 8,
      file: "copilot/invoices/manifest.yml",
    });
  });
});

/** Every `Retry` of the state machine's definition that re-runs a failed attempt. */
function attemptRetries(definition: unknown): number[] {
  if (typeof definition !== "object" || definition === null) return [];
  const own = (definition as { Retry?: { ErrorEquals: string[]; MaxAttempts: number }[] }).Retry ?? [];
  return [
    ...own
      .filter((retry) => retry.ErrorEquals.includes("Flexjob.AttemptFailed"))
      .map((retry) => retry.MaxAttempts),
    ...Object.values(definition).flatMap(attemptRetries),
  ];
}

function planOf(text: string, job: string) {
  const plan = planOffline(parseConfig(parse(text)));
  const step = (kind: string) =>
    plan.steps.find((item) => item.kind === kind && item.id === `billing-${job}`);
  return {
    task: step("task-definition")?.desired as Record<string, unknown>,
    schedule: step("schedule")?.desired as Record<string, unknown>,
    machine: step("state-machine")?.desired as { definition: string } | undefined,
  };
}

describe("importCopilot then plan --offline", () => {
  it("keeps cpu, memory, platform, storage, retries, timeout and schedule of the manifest", async () => {
    const { task, schedule, machine } = planOf((await importCase("build-string")).text, "report");
    // build-string: cpu 1024, memory 2048, platform linux/arm64, retries 3, timeout 1h30m, @every 1h30m.
    expect(task).toMatchObject({ cpu: "1024", memory: "2048", cpuArchitecture: "ARM64" });
    expect(task.ephemeralStorageGiB).toBeUndefined();
    expect(schedule).toMatchObject({ expression: "rate(90 minutes)", timezone: "UTC", state: "ENABLED" });
    const definition = JSON.parse(machine?.definition ?? "{}");
    expect(definition.TimeoutSeconds).toBe(5400);
    expect(attemptRetries(definition)).toEqual([3]);
  });

  it("keeps storage, x86_64 and a 5-field cron as Copilot deployed it", async () => {
    const { task, schedule, machine } = planOf((await importCase("build-map")).text, "etl");
    // build-map: cpu 512, memory 1024, osfamily linux / x86_64, storage.ephemeral 50, "0 9 * * 1-5".
    expect(task).toMatchObject({
      cpu: "512",
      memory: "1024",
      cpuArchitecture: "X86_64",
      ephemeralStorageGiB: 50,
    });
    expect(schedule).toMatchObject({ expression: "cron(0 9 ? * 2-6 *)", timezone: "UTC" });
    expect(machine).toBeUndefined();
  });

  it("keeps Copilot's default size and the chosen environment's overrides", async () => {
    expect(planOf((await importCase("basic-location")).text, "report").task).toMatchObject({
      cpu: "256",
      memory: "512",
      cpuArchitecture: "X86_64",
    });
    const text = (await importCase("env-overrides")).text.replace("app: shop", "app: billing");
    const { task, schedule, machine } = planOf(text, "sync");
    // environments.prod: cpu 1024, memory 4096, retries 0, schedule "*/15 * * * *".
    expect(task).toMatchObject({ cpu: "1024", memory: "4096" });
    expect(schedule).toMatchObject({ expression: "cron(*/15 * * * ? *)", timezone: "UTC" });
    expect(machine).toBeUndefined();
  });

  it("keeps a `none` schedule disabled", async () => {
    const { schedule } = planOf((await importCase("schedule-none")).text, "backfill");
    expect(schedule).toMatchObject({ state: "DISABLED" });
  });
});

describe("importCopilot errors", () => {
  it.each(FAILING)("%s fails with the expected error", async (name) => {
    const expected = JSON.parse(read(name, "error.json")) as {
      code: string;
      message: string;
      remedy: string;
    };
    const dir = join(ROOT, name);
    const error = await importCopilot(dir, optionsOf(name)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FlexjobError);
    const { code, fault, message, remedy } = error as FlexjobError;
    expect({ code, fault, message: message.replace(dir, "<dir>"), remedy }).toEqual({
      ...expected,
      fault: "user",
    });
  });

  it("names the file, line and column of a YAML syntax error", async () => {
    // Written at run time: the repository's linter parses every YAML file it holds.
    const dir = mkdtempSync(join(tmpdir(), "copilot-yaml-"));
    try {
      mkdirSync(join(dir, "copilot", "report"), { recursive: true });
      writeFileSync(join(dir, "copilot", ".workspace"), "application: billing\n");
      const manifest = [
        "name: report",
        "type: Scheduled Job",
        "cpu: 256",
        "on:",
        '  schedule: "@daily"',
        "cpu: 512",
        "",
      ];
      writeFileSync(join(dir, "copilot", "report", "manifest.yml"), manifest.join("\n"));
      const error = (await importCopilot(dir).catch((caught: unknown) => caught)) as FlexjobError;
      expect([error.code, error.message, error.remedy]).toEqual([
        "CONFIG_PARSE",
        "copilot/report/manifest.yml:6:1: Map keys must be unique",
        "fix the YAML syntax at line 6",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("checks the result with flexjob's own validation, options included", async () => {
    const error = (await importCopilot(join(ROOT, "basic-location"), { region: "mars-1" }).catch(
      (caught: unknown) => caught,
    )) as FlexjobError;
    expect([error.code, error.message]).toEqual([
      "CONFIG_INVALID",
      'the imported region is not valid in flexjob: region "mars-1" is not an AWS region name',
    ]);
  });

  it("reports every problem of a manifest as an issue with its line", async () => {
    const error = (await importCopilot(join(ROOT, "error-both-images")).catch(
      (caught: unknown) => caught,
    )) as FlexjobError;
    expect(error.issues.map((issue) => [issue.path, issue.location?.line])).toEqual([
      ["image", 5],
      ["retries", 8],
    ]);
  });

  it("reads the workspace as any repository file: a manifest linked out of the repository is refused, not read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "copilot-link-"));
    try {
      mkdirSync(join(dir, ".git"));
      mkdirSync(join(dir, "copilot", "report"), { recursive: true });
      writeFileSync(join(dir, "copilot", ".workspace"), "application: shop\n");
      const outside = mkdtempSync(join(tmpdir(), "copilot-outside-"));
      writeFileSync(join(outside, "manifest.yml"), "name: report\ntype: Scheduled Job\n");
      symlinkSync(join(outside, "manifest.yml"), join(dir, "copilot", "report", "manifest.yml"));
      const error = (await importCopilot(dir).catch((caught: unknown) => caught)) as FlexjobError;
      rmSync(outside, { recursive: true, force: true });
      expect([error.code, error.message]).toEqual([
        "INPUT_INVALID",
        `copilot/report/manifest.yml in ${dir} is a symbolic link (or inside one) that leads out of the repository`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
