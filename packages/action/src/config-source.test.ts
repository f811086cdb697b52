import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FlexjobError } from "@flexjob/sdk";
import { describe, expect, it } from "vitest";
import { inlineRawConfig } from "./config-read.js";
import { loadActionConfig, parseInlineConfig } from "./config-source.js";
import type { ActionInputs, InlineJobInputs } from "./inputs.js";
import { SecretMask } from "./secrets.js";

const none: InlineJobInputs = {
  app: undefined,
  region: undefined,
  name: undefined,
  schedule: undefined,
  image: undefined,
  command: undefined,
  cpu: undefined,
  memory: undefined,
  storage: undefined,
  arch: undefined,
  tasks: undefined,
  timezone: undefined,
  env: undefined,
  secrets: undefined,
};

describe("inlineRawConfig", () => {
  it("builds flexjob.yml's shape, numbers as YAML would read them, inputs not given left out", () => {
    expect(
      inlineRawConfig({
        ...none,
        app: "shop",
        name: "report",
        schedule: "@daily",
        image: "alpine:3",
        cpu: "0.5",
        memory: "1 GiB",
        tasks: "2",
        env: { LOG_LEVEL: "info" },
      }),
    ).toEqual({
      app: "shop",
      jobs: {
        report: {
          schedule: "@daily",
          image: "alpine:3",
          cpu: 0.5,
          memory: "1 GiB",
          tasks: 2,
          env: { LOG_LEVEL: "info" },
        },
      },
    });
  });
});

describe("parseInlineConfig", () => {
  it("gives the same config the schema gives flexjob.yml", () => {
    const config = parseInlineConfig({
      ...none,
      app: "shop",
      name: "report",
      schedule: "0 9 * * 1-5",
      image: "alpine:3",
    });
    expect(config.jobs[0]).toMatchObject({
      name: "report",
      schedule: { expression: "cron(0 9 ? * 2-6 *)" },
      tasks: 1,
    });
  });

  it("reports each schema problem under the input it came from", () => {
    let error: unknown;
    try {
      parseInlineConfig({ ...none, name: "report", image: "alpine:3", tasks: "99", env: { FLEXJOB_X: "1" } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FlexjobError);
    const { code, message, issues } = error as FlexjobError;
    expect({ code, message }).toEqual({
      code: "INPUT_INVALID",
      message: "the job given by inputs has 4 problems",
    });
    expect(issues.map((issue) => [issue.path, issue.message, issue.remedy])).toEqual([
      ["app", "app is required", "set the app input of the flexjob step"],
      ["schedule", "schedule is required", "set the schedule input of the flexjob step"],
      ["tasks", "tasks must be a whole number from 1 to 50, got 99", "use a whole number from 1 to 50"],
      [
        "env",
        'env name "FLEXJOB_X" starts with FLEXJOB_, which is reserved',
        expect.stringContaining("rename it"),
      ],
    ]);
  });
});

describe("loadActionConfig", () => {
  it("returns the warnings of the config file, placed on its line in the workspace", async () => {
    const workspace = await mkdtemp(join(tmpdir(), "flexjob-action-config-"));
    await mkdir(join(workspace, "apps/report"), { recursive: true });
    await writeFile(
      join(workspace, "apps/report/flexjob.yml"),
      "app: shop\njobs:\n  report:\n    image: alpine:3\n    schedule: rate(1 hour)\n    retry: { attempts: 3 }\n",
    );
    const inputs: ActionInputs = {
      config: undefined,
      jobs: undefined,
      rootDirectory: "apps/report",
      dryRun: true,
      prune: false,
      runNow: false,
      wait: false,
      verify: false,
      inline: undefined,
    };
    const { config, warnings } = await loadActionConfig(inputs, workspace, new SecretMask(() => {}));
    expect(config.jobs[0]?.startRetry).toEqual({ attempts: 3, maxAgeSeconds: 3600 });
    expect(warnings.map((warning) => [warning.path, warning.remedy, warning.location])).toEqual([
      [
        "jobs.report.retry",
        "rename retry to startRetry",
        { file: "apps/report/flexjob.yml", line: 6, column: 5 },
      ],
    ]);
  });
});
