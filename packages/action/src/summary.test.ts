import { logGroupConsoleUrl, parseConfig } from "@flexjob/sdk";
import { describe, expect, it } from "vitest";
import { consoleLinks, renderSummary } from "./summary.js";

describe("consoleLinks", () => {
  it("links the task definition, each shard's schedule and the log group in the job's region", () => {
    expect(consoleLinks("eu-west-1", "shop", { name: "report", tasks: 2 })).toEqual([
      {
        label: "task definition",
        url: "https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/shop-report?region=eu-west-1",
      },
      {
        label: "schedule 1",
        url: "https://eu-west-1.console.aws.amazon.com/scheduler/home?region=eu-west-1#schedules/flexjob-shop/shop-report",
      },
      {
        label: "schedule 2",
        url: "https://eu-west-1.console.aws.amazon.com/scheduler/home?region=eu-west-1#schedules/flexjob-shop/shop-report.1",
      },
      {
        label: "logs",
        url: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fflexjob$252Fshop$252Freport",
      },
    ]);
  });

  it("encodes the log group the way the CloudWatch console does", () => {
    expect(logGroupConsoleUrl("eu-west-1", "/flexjob/a b/c")).toBe(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fflexjob$252Fa$2520b$252Fc",
    );
  });
});

describe("renderSummary", () => {
  it("without a deploy (every job on another branch) says so and lists the skipped jobs", () => {
    const config = parseConfig({
      app: "shop",
      region: "eu-west-1",
      jobs: { report: { image: "alpine:3", schedule: "@daily", branch: "staging" } },
    });
    expect(
      renderSummary({
        config,
        region: "eu-west-1",
        configFile: "flexjob.yml",
        result: undefined,
        dryRun: false,
        eventName: "push",
        ref: "main",
        skipped: [{ name: "report", branch: "staging" }],
        runs: [],
        lastRuns: {},
      }),
    ).toBe(
      [
        "## flexjob: shop in eu-west-1",
        "",
        "Nothing deployed: no job of this config deploys from this branch.",
        "",
        "Config: `flexjob.yml`",
        "",
        "Skipped (this run is on `main`): `report` deploys from `staging`.",
        "",
      ].join("\n"),
    );
  });
});
