import { copiesToCloudWatch, logDestinationOf } from "../config/logs.js";
import { FlexjobError } from "../errors.js";
import { names } from "../naming.js";
import { canonicalJson, canonicalJsonText } from "../plan/canonical-json.js";
import { change, stepFrom } from "../plan/diff.js";
import type { PlanStep } from "../plan/types.js";
import { byCodeUnits } from "../text-order.js";
import { isAwsError, tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";
import { DASHBOARD_MARKER, dashboardBody } from "./dashboard-body.js";
import { deleteStep, notFlexjobs, type RenderInput, type ResourceAdapter, runStep } from "./resource.js";

/**
 * The app's CloudWatch dashboard `flexjob-<app>` (see `dashboard-body.ts`), with `dashboard:` on.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
 */
export interface DashboardSpec {
  name: string;
  /** Canonical JSON: what a plan compares. */
  body: string;
}

/** What GetDashboard reads back, its body made canonical as the spec's is. */
export type DashboardLive = DashboardSpec;

export type DashboardStep = PlanStep<"dashboard", DashboardSpec, DashboardLive>;

/** CloudWatch's DashboardNotFoundError, by its shape name and by its query-compatible code. */
const NOT_FOUND = ["DashboardNotFoundError", "ResourceNotFound"];

export function renderDashboard({ config, region, retained }: RenderInput): DashboardSpec {
  const app = config.app;
  const configured = config.jobs.map((job) => {
    const destination = logDestinationOf(config.logs, job);
    const inCloudWatch = destination.to === "cloudwatch" || copiesToCloudWatch(destination);
    return {
      job: job.name,
      family: names.taskFamily(app, job.name),
      logGroup: inCloudWatch ? names.logGroup(app, job.name) : undefined,
    };
  });
  // A job removed without prune still runs: it keeps its row (its group stays too).
  const kept = retained.map(({ family }) => {
    const job = family.slice(app.length + 1);
    return { job, family, logGroup: names.logGroup(app, job) };
  });
  const body = dashboardBody({
    app,
    region,
    clusterName: names.cluster(app, config.cluster),
    insights: config.insights === true,
    runsLogGroup: names.runsLogGroup(app),
    // By name, so that a job kept without prune keeps its place.
    jobs: [...configured, ...kept].sort((a, b) => byCodeUnits(a.job, b.job)),
  });
  return { name: names.dashboard(app), body: canonicalJson(body) };
}

/**
 * The dashboard, if there is one. One of that name without flexjob's marker is someone else's:
 * `"theirs"`, which a deploy that wants the name refuses and anything else leaves alone.
 */
export async function observeDashboard(
  clients: AwsClients,
  name: string,
): Promise<DashboardLive | "theirs" | undefined> {
  const { GetDashboardCommand } = await loadSdk(clients, "cloudwatch");
  let body: string;
  try {
    body =
      (await clients.cloudwatch.send(new GetDashboardCommand({ DashboardName: name }))).DashboardBody ?? "";
  } catch (error) {
    if (isAwsError(error, ...NOT_FOUND)) return undefined;
    throw wrapAwsError(error, `reading CloudWatch dashboard ${name}`);
  }
  if (!body.includes(DASHBOARD_MARKER)) return "theirs";
  return { name, body: canonicalJsonText(body) };
}

export function planDashboard(spec: DashboardSpec, live: DashboardLive | undefined): DashboardStep {
  const base = { kind: "dashboard", id: spec.name, desired: spec } as const;
  const changes = live === undefined || live.body === spec.body ? [] : [change("body", live.body, spec.body)];
  return stepFrom(base, live, changes);
}

export async function applyDashboard(clients: AwsClients, step: DashboardStep): Promise<void> {
  const { DeleteDashboardsCommand, PutDashboardCommand } = await loadSdk(clients, "cloudwatch");
  const put = async (spec: DashboardSpec) => {
    const answer = await clients.cloudwatch.send(
      new PutDashboardCommand({ DashboardName: spec.name, DashboardBody: spec.body }),
    );
    // CloudWatch saves a body it has warnings about; flexjob's body should have none.
    const warnings = answer.DashboardValidationMessages ?? [];
    if (warnings.length > 0) {
      throw new FlexjobError(
        `CloudWatch accepted dashboard ${spec.name} with warnings: ${warnings.map((each) => `${each.DataPath}: ${each.Message}`).join("; ")}`,
        { code: "INTERNAL", remedy: "report this to flexjob with the plan; the dashboard still works" },
      );
    }
  };
  await runStep(step, "CloudWatch dashboard", {
    delete: () =>
      tolerating(
        clients.cloudwatch.send(new DeleteDashboardsCommand({ DashboardNames: [step.id] })),
        ...NOT_FOUND,
      ),
    create: put,
    update: put,
  });
}

/** The app's dashboard, with `dashboard:` on (the default with metrics). */
export const dashboards: ResourceAdapter<DashboardStep> = {
  kind: "dashboard",
  // It only names other resources, so it comes last and goes first.
  order: { write: 3, remove: 0 },
  render: (input) => {
    if (!input.config.dashboard) return [];
    const spec = renderDashboard(input);
    return [{ id: spec.name, spec }];
  },
  async observe(desired, { clients, app }) {
    // Read whether or not it is wanted: turning `dashboard:` off removes it.
    const name = names.dashboard(app);
    const live = await observeDashboard(clients, name);
    const wanted = desired.some((each) => each.id === name);
    if (live === "theirs" && wanted) throw notFlexjobs("CloudWatch dashboard", name);
    if (live === undefined || live === "theirs") return { live: new Map(), unwanted: [] };
    return wanted
      ? { live: new Map([[name, live]]), unwanted: [] }
      : { live: new Map(), unwanted: [{ id: name, live }] };
  },
  plan: (desired, live) => planDashboard(desired.spec, live),
  planUnwanted: (found) => deleteStep("dashboard", found, "dashboard: false"),
  async owned({ clients, config, job }) {
    if (job !== undefined) return [];
    const live = await observeDashboard(clients, names.dashboard(config.app));
    return live === undefined || live === "theirs" ? [] : [{ id: live.name, live }];
  },
  apply: (step, { clients }) => applyDashboard(clients, step),
  permissions: (scope) => ({
    deploy: [
      {
        Sid: "ManageDashboard",
        Effect: "Allow",
        // DeleteDashboards too: `dashboard: false` removes it in an ordinary deploy.
        Action: ["cloudwatch:DeleteDashboards", "cloudwatch:GetDashboard", "cloudwatch:PutDashboard"],
        Resource: scope.dashboard,
      },
    ],
  }),
};
