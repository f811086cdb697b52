import { describe, expect, it } from "vitest";
import { type DashboardInput, dashboardBody } from "./dashboard-body.js";

const input = (overrides: Partial<DashboardInput> = {}): DashboardInput => ({
  app: "shop",
  region: "eu-west-1",
  clusterName: "shop",
  insights: false,
  runsLogGroup: "/flexjob/shop/runs",
  jobs: [{ job: "report", family: "shop-report", logGroup: "/flexjob/shop/report" }],
  ...overrides,
});

type Widget = { type: string; x: number; y: number; width: number; properties: Record<string, unknown> };
const widgets = (body: Record<string, unknown>) => body.widgets as Widget[];

describe("the dashboard body", () => {
  it("graphs each job's run metrics by app and job, an hour a point, three to a row", () => {
    const [, runs, duration, attempts] = widgets(dashboardBody(input()));
    expect(runs).toEqual({
      type: "metric",
      x: 0,
      y: 2,
      width: 8,
      height: 6,
      properties: {
        title: "report: runs and failures",
        region: "eu-west-1",
        view: "timeSeries",
        stacked: false,
        period: 3600,
        metrics: [
          ["flexjob", "Runs", "app", "shop", "job", "report", { stat: "Sum", label: "Runs" }],
          [
            "flexjob",
            "Failures",
            "app",
            "shop",
            "job",
            "report",
            { stat: "Sum", label: "Failures", color: "#d62728" },
          ],
          [
            "flexjob",
            "Missed",
            "app",
            "shop",
            "job",
            "report",
            { stat: "Sum", label: "Missed", color: "#ff7f0e" },
          ],
        ],
      },
    });
    expect(duration?.properties.metrics).toEqual([
      ["flexjob", "Duration", "app", "shop", "job", "report", { stat: "p50", label: "p50" }],
      ["flexjob", "Duration", "app", "shop", "job", "report", { stat: "Maximum", label: "max" }],
    ]);
    expect([attempts?.x, attempts?.width]).toEqual([16, 8]);
  });

  it("with insights, adds the job's CPU and memory from Container Insights, four to a row", () => {
    const row = widgets(dashboardBody(input({ insights: true }))).filter((each) => each.type === "metric");
    expect(row.map((each) => [each.x, each.width])).toEqual([
      [0, 6],
      [6, 6],
      [12, 6],
      [18, 6],
    ]);
    expect(row[3]?.properties.metrics).toEqual([
      [
        "ECS/ContainerInsights",
        "CpuUtilized",
        "ClusterName",
        "shop",
        "TaskDefinitionFamily",
        "shop-report",
        { stat: "Maximum", label: "CPU" },
      ],
      [
        "ECS/ContainerInsights",
        "MemoryUtilized",
        "ClusterName",
        "shop",
        "TaskDefinitionFamily",
        "shop-report",
        { stat: "Maximum", label: "memory" },
      ],
    ]);
  });

  it("queries the history for failed runs and the jobs' CloudWatch groups for error lines, below the rows", () => {
    const logs = widgets(dashboardBody(input())).filter((each) => each.type === "log");
    expect(
      logs.map((each) => [each.x, each.y, each.width, each.properties.view, each.properties.region]),
    ).toEqual([
      [0, 8, 12, "table", "eu-west-1"],
      [12, 8, 12, "table", "eu-west-1"],
    ]);
    expect(logs[0]?.properties.query).toBe(
      "SOURCE '/flexjob/shop/runs' | fields @timestamp, detail.group, detail.stateMachineArn, detail.status, detail.stopCode, detail.containers.0.exitCode, detail.containers.1.exitCode, detail.stoppedReason, detail.error | " +
        'filter (source = "aws.ecs" and detail.stopCode != "UserInitiated" and (detail.stopCode != "EssentialContainerExited" or detail.containers.0.exitCode != 0 or detail.containers.1.exitCode != 0)) or (source = "aws.states" and detail.status in ["FAILED", "TIMED_OUT"]) or source = "flexjob" | ' +
        "sort @timestamp desc | limit 20",
    );
    expect(logs[1]?.properties.query).toBe(
      "SOURCE '/flexjob/shop/report' | fields @timestamp, @logStream, @message | " +
        "filter @message like /(?i)(error|exception|fatal|panic|traceback)/ | sort @timestamp desc | limit 50",
    );
  });

  it("has no error-lines widget when no job's lines are in CloudWatch, and names at most 50 groups in one", () => {
    const elsewhere = dashboardBody(
      input({ jobs: [{ job: "report", family: "shop-report", logGroup: undefined }] }),
    );
    expect(widgets(elsewhere).filter((each) => each.type === "log")).toHaveLength(1);
    const many = Array.from({ length: 60 }, (_, i) => ({
      job: `job${i}`,
      family: `shop-job${i}`,
      logGroup: `/flexjob/shop/job${i}`,
    }));
    const lines = widgets(dashboardBody(input({ jobs: many }))).at(-1)?.properties.query as string;
    expect(lines.match(/SOURCE '/g)).toHaveLength(50);
  });

  it("says in its first widget that flexjob manages it, which is how flexjob knows it is its own", () => {
    const [header] = widgets(dashboardBody(input()));
    expect(header?.properties.markdown).toContain("Managed by flexjob: each deploy rewrites this dashboard.");
  });
});
