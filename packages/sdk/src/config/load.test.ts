import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FlexjobError } from "../errors.js";
import { loadConfig, parseConfigText, readConfigFile } from "./load.js";
import { parseConfig } from "./parse.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "flexjob-config-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<FlexjobError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FlexjobError) return error;
    throw error;
  }
  throw new Error("expected a FlexjobError");
}

const BROKEN = `app: billing
regoin: eu-west-1
jobs:
  nightly:
    image: redis:alpine
    schedule: rate(5 minutes)
    cpu: 0.25
    memory: 3
    retry:
      attempts: 200
    env:
      AWS_REGION: eu-west-1
  weekly:
    schedule: cron(0 9 ? * MON *)
    healthCheck:
      interval: 10
    taskRole: not a role
`;

describe("readConfigFile and parseConfig", () => {
  it("reports every problem of a YAML file at once, each with its line", async () => {
    await writeFile(join(dir, "flexjob.yml"), BROKEN);
    const { raw, locate } = await readConfigFile(join(dir, "flexjob.yml"), "flexjob.yml");
    let error: FlexjobError | undefined;
    try {
      parseConfig(raw, { file: "flexjob.yml", locate });
    } catch (caught) {
      if (caught instanceof FlexjobError) error = caught;
    }
    expect(error?.message).toBe("flexjob.yml has 6 problems");
    expect(
      error?.issues.map((issue) => [issue.location?.line, issue.location?.column, issue.path, issue.message]),
    ).toEqual([
      [2, 1, "regoin", 'unknown field "regoin"'],
      [8, 5, "jobs.nightly.memory", "memory 3 GiB is not valid with 0.25 vCPU"],
      [10, 7, "jobs.nightly.retry.attempts", "retry.attempts must be a whole number from 0 to 185, got 200"],
      [12, 7, "jobs.nightly.env.AWS_REGION", 'env name "AWS_REGION" starts with AWS_, which is reserved'],
      [15, 5, "jobs.weekly.healthCheck.command", "healthCheck.command is required"],
      [17, 5, "jobs.weekly.taskRole", 'taskRole "not a role" is not an IAM role ARN or role name'],
    ]);
    expect(error?.issues.every((issue) => issue.location?.file === "flexjob.yml")).toBe(true);
  });

  it("returns the file's data unvalidated", async () => {
    await writeFile(join(dir, "flexjob.yml"), "app: Not Valid\nextra: [1, 2]\n");
    const { raw } = await readConfigFile(join(dir, "flexjob.yml"));
    expect(raw).toEqual({ app: "Not Valid", extra: [1, 2] });
  });

  it("locates a missing field at its parent, a list item at the item, and the root at line 1", () => {
    const { locate } = parseConfigText(
      "app: billing\njobs:\n  nightly:\n    cpu: 1\n    env: [a, b]\n",
      "flexjob.yml",
    );
    expect(locate(["jobs", "nightly", "schedule"])).toEqual({ line: 3, column: 3 });
    expect(locate(["jobs", "nightly", "env", 1])).toEqual({ line: 5, column: 14 });
    expect(locate(["jobs", "nightly", "cpu"])).toEqual({ line: 4, column: 5 });
    expect(locate([])).toEqual({ line: 1, column: 1 });
  });

  it("reads JSON with line numbers too", async () => {
    const json =
      '{\n\t"app": "billing",\n\t"jobs": {\n\t\t"nightly": { "schedule": "rate(1 hour)", "tasks": 99 }\n\t}\n}\n';
    await writeFile(join(dir, "flexjob.json"), json);
    const { raw, locate } = await readConfigFile(join(dir, "flexjob.json"), "flexjob.json");
    let error: FlexjobError | undefined;
    try {
      parseConfig(raw, { file: "flexjob.json", locate });
    } catch (caught) {
      if (caught instanceof FlexjobError) error = caught;
    }
    expect(error?.issues.map((issue) => [issue.path, issue.location])).toEqual([
      ["jobs.nightly.tasks", { file: "flexjob.json", line: 4, column: 44 }],
    ]);
  });

  it("turns YAML syntax errors into CONFIG_PARSE with file and line", async () => {
    await writeFile(
      join(dir, "flexjob.yml"),
      "app: billing\njobs:\n  nightly:\n    schedule: [rate(1 hour)\n  other: 1\n",
    );
    const error = await rejection(readConfigFile(join(dir, "flexjob.yml"), "flexjob.yml"));
    expect([error.code, error.remedy]).toEqual(["CONFIG_PARSE", "fix the YAML syntax at line 5"]);
    expect(error.message).toMatch(/^flexjob\.yml:5:\d+: /);
  });

  it("rejects duplicate keys as a syntax error", () => {
    let error: unknown;
    try {
      parseConfigText("app: a\napp: b\n", "flexjob.yml");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FlexjobError);
    expect([(error as FlexjobError).code, (error as FlexjobError).message]).toEqual([
      "CONFIG_PARSE",
      "flexjob.yml:2:1: Map keys must be unique",
    ]);
  });

  it("reports a missing file as CONFIG_NOT_FOUND", async () => {
    const error = await rejection(readConfigFile(join(dir, "nope.yml"), "nope.yml"));
    expect([error.code, error.message, error.remedy]).toEqual([
      "CONFIG_NOT_FOUND",
      "config file nope.yml does not exist",
      'check the path, or run "flexjob init" to create flexjob.yml',
    ]);
  });
});

describe("loadConfig", () => {
  const VALID = "app: billing\njobs:\n  nightly:\n    schedule: rate(1 hour)\n";

  it("finds flexjob.yml in cwd", async () => {
    await writeFile(join(dir, "flexjob.yml"), VALID);
    const { config, file } = await loadConfig(undefined, { cwd: dir });
    expect([config.app, config.jobs[0]?.name, file]).toEqual([
      "billing",
      "nightly",
      join(dir, "flexjob.yml"),
    ]);
  });

  it("finds flexjob.yaml and flexjob.json too", async () => {
    await writeFile(join(dir, "flexjob.yaml"), VALID);
    expect((await loadConfig(undefined, { cwd: dir })).file).toBe(join(dir, "flexjob.yaml"));
    await rm(join(dir, "flexjob.yaml"));
    await writeFile(
      join(dir, "flexjob.json"),
      JSON.stringify({ app: "billing", jobs: { a: { schedule: "rate(1 hour)" } } }),
    );
    expect((await loadConfig(undefined, { cwd: dir })).config.jobs[0]?.name).toBe("a");
  });

  it("loads a given path relative to cwd and names it so in problems", async () => {
    await writeFile(
      join(dir, "jobs.yml"),
      "app: billing\njobs:\n  nightly:\n    schedule: rate(1 hour)\n    cpu: 3\n",
    );
    const error = await rejection(loadConfig("jobs.yml", { cwd: dir }));
    expect([error.code, error.message, error.issues[0]?.location]).toEqual([
      "CONFIG_INVALID",
      "jobs.yml has 1 problem",
      { file: "jobs.yml", line: 5, column: 5 },
    ]);
  });

  it("returns no warnings for a config that uses only current fields", async () => {
    await writeFile(join(dir, "flexjob.yml"), VALID);
    expect((await loadConfig(undefined, { cwd: dir })).warnings).toEqual([]);
  });

  it("reads the old retry as startRetry and warns on its line, naming the new key", async () => {
    await writeFile(
      join(dir, "flexjob.yml"),
      `${VALID}    retry:\n      attempts: 3\n  weekly:\n    schedule: rate(7 days)\n    retry: { maxAge: 2h }\n`,
    );
    const { config, warnings } = await loadConfig(undefined, { cwd: dir });
    expect(config.jobs.map((job) => job.startRetry)).toEqual([
      { attempts: 3, maxAgeSeconds: 3600 },
      { attempts: 185, maxAgeSeconds: 7200 },
    ]);
    const message =
      "retry is now called startRetry (it retries only runs that could not start; retries re-runs runs that failed); retry is still read";
    expect(warnings).toEqual([
      {
        path: "jobs.nightly.retry",
        message,
        remedy: "rename retry to startRetry",
        location: { file: "flexjob.yml", line: 5, column: 5 },
      },
      {
        path: "jobs.weekly.retry",
        message,
        remedy: "rename retry to startRetry",
        location: { file: "flexjob.yml", line: 9, column: 5 },
      },
    ]);
  });

  it("says to run flexjob init when there is no config", async () => {
    const error = await rejection(loadConfig(undefined, { cwd: dir }));
    expect([error.code, error.message, error.remedy]).toEqual([
      "CONFIG_NOT_FOUND",
      `no flexjob.yml, flexjob.yaml, flexjob.json in ${dir}`,
      'run "flexjob init" to create flexjob.yml, or pass the path of your config',
    ]);
  });

  it("refuses to choose between two config files", async () => {
    await writeFile(join(dir, "flexjob.yml"), VALID);
    await writeFile(join(dir, "flexjob.json"), "{}");
    const error = await rejection(loadConfig(undefined, { cwd: dir }));
    expect([error.code, error.message, error.remedy]).toEqual([
      "CONFIG_INVALID",
      `both flexjob.yml and flexjob.json are in ${dir}`,
      "keep one of them, or pass the path of the one to use",
    ]);
  });
});
