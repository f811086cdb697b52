/**
 * The body of an app's CloudWatch dashboard: a row per job (runs and failures, duration, attempts,
 * and CPU and memory with Container Insights), then the latest failed runs from the history and
 * the latest error lines of the jobs' logs. Pure; `dashboard.ts` writes it.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
import { METRICS_NAMESPACE, type RunMetric } from "./run-metrics.js";

/**
 * The first widget says this, and flexjob only ever touches a dashboard that does: a dashboard
 * has no tags to prove whose it is.
 */
export const DASHBOARD_MARKER = "Managed by flexjob: each deploy rewrites this dashboard.";

export interface DashboardJob {
  job: string;
  family: string;
  /** Whether the job's lines are in its CloudWatch log group (its own, or the router's copy). */
  logGroup: string | undefined;
}

export interface DashboardInput {
  app: string;
  region: string;
  clusterName: string;
  /** Container Insights on: CPU and memory per task. */
  insights: boolean;
  runsLogGroup: string;
  jobs: readonly DashboardJob[];
}

type Widget = Record<string, unknown>;

/** The dashboard grid is 24 units wide. */
const WIDTH = 24;
const ROW_HEIGHT = 6;
/** An hour per point: a job's runs in it, and their worst and typical duration. */
const PERIOD = 3600;
/** Logs Insights reads at most 50 log groups in one query. */
const QUERY_GROUPS = 50;

export function dashboardBody(input: DashboardInput): Record<string, unknown> {
  const header: Widget = {
    type: "text",
    x: 0,
    y: 0,
    width: WIDTH,
    height: 2,
    properties: {
      markdown: `# flexjob ${input.app}\n${DASHBOARD_MARKER} Metrics are in the \`${METRICS_NAMESPACE}\` namespace; the run history is ${input.runsLogGroup}.`,
    },
  };
  const rows = input.jobs.flatMap((job, index) => jobRow(input, job, 2 + index * ROW_HEIGHT));
  const logsAt = 2 + input.jobs.length * ROW_HEIGHT;
  return { widgets: [header, ...rows, ...logWidgets(input, logsAt)] };
}

function jobRow(input: DashboardInput, job: DashboardJob, y: number): Widget[] {
  // Only what the metrics machine publishes can be graphed.
  const metric = (name: RunMetric, options: Record<string, unknown>) => [
    METRICS_NAMESPACE,
    name,
    "app",
    input.app,
    "job",
    job.job,
    options,
  ];
  const graphs: { title: string; metrics: unknown[][] }[] = [
    {
      title: `${job.job}: runs and failures`,
      metrics: [
        metric("Runs", { stat: "Sum", label: "Runs" }),
        metric("Failures", { stat: "Sum", label: "Failures", color: "#d62728" }),
        metric("Missed", { stat: "Sum", label: "Missed", color: "#ff7f0e" }),
      ],
    },
    {
      title: `${job.job}: duration (seconds)`,
      metrics: [
        metric("Duration", { stat: "p50", label: "p50" }),
        metric("Duration", { stat: "Maximum", label: "max" }),
      ],
    },
    {
      title: `${job.job}: attempts (beyond runs: retries)`,
      metrics: [
        metric("Attempts", { stat: "Sum", label: "Attempts" }),
        metric("Runs", { stat: "Sum", label: "Runs" }),
      ],
    },
  ];
  if (input.insights) {
    const usage = (name: string, label: string) => [
      "ECS/ContainerInsights",
      name,
      "ClusterName",
      input.clusterName,
      "TaskDefinitionFamily",
      job.family,
      { stat: "Maximum", label },
    ];
    graphs.push({
      title: `${job.job}: CPU (units) and memory (MiB) used`,
      metrics: [usage("CpuUtilized", "CPU"), usage("MemoryUtilized", "memory")],
    });
  }
  const width = WIDTH / graphs.length;
  return graphs.map((graph, index) => ({
    type: "metric",
    x: index * width,
    y,
    width,
    height: ROW_HEIGHT,
    properties: {
      title: graph.title,
      region: input.region,
      view: "timeSeries",
      stacked: false,
      period: PERIOD,
      metrics: graph.metrics,
    },
  }));
}

/**
 * The latest failed runs as the history has them (a failed task, a failed or timed-out execution,
 * a missed start), and the latest error-looking lines of every job whose logs are in CloudWatch:
 * Logs Insights cannot join the two, so the task id in each log stream's name links them. A task
 * failed as the alert rules say: any stop but a person's whose reason is not its essential container
 * exiting, or a container (the job's or its log router, in either order) exiting non-zero.
 */
function logWidgets(input: DashboardInput, y: number): Widget[] {
  const log = (title: string, x: number, query: string): Widget => ({
    type: "log",
    x,
    y,
    width: WIDTH / 2,
    height: ROW_HEIGHT,
    properties: { title, region: input.region, view: "table", query },
  });
  const failures = [
    `SOURCE '${input.runsLogGroup}'`,
    "fields @timestamp, detail.group, detail.stateMachineArn, detail.status, detail.stopCode, detail.containers.0.exitCode, detail.containers.1.exitCode, detail.stoppedReason, detail.error",
    'filter (source = "aws.ecs" and detail.stopCode != "UserInitiated" and (detail.stopCode != "EssentialContainerExited" or detail.containers.0.exitCode != 0 or detail.containers.1.exitCode != 0)) or (source = "aws.states" and detail.status in ["FAILED", "TIMED_OUT"]) or source = "flexjob"',
    "sort @timestamp desc",
    "limit 20",
  ].join(" | ");
  const widgets = [log("Latest failed runs", 0, failures)];
  const groups = input.jobs.flatMap((job) => (job.logGroup === undefined ? [] : [job.logGroup]));
  if (groups.length > 0) {
    const lines = [
      ...groups.slice(0, QUERY_GROUPS).map((group) => `SOURCE '${group}'`),
      "fields @timestamp, @logStream, @message",
      "filter @message like /(?i)(error|exception|fatal|panic|traceback)/",
      "sort @timestamp desc",
      "limit 50",
    ].join(" | ");
    widgets.push(log("Latest error lines (stream name ends in the task id)", WIDTH / 2, lines));
  }
  return widgets;
}
