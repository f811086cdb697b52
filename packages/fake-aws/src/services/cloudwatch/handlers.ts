import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { paginate } from "../../core/pagination.js";
import { AwsError, type CallContext, type Handler } from "../../core/types.js";
import { validateDashboardBody } from "./dashboard-body.js";
import { checkNamespace, list, readMetricData } from "./metric-data.js";
import { getMetricData, getMetricStatistics, listMetrics } from "./queries.js";
import {
  addPoints,
  type CloudWatchEnv,
  dashboardArn,
  dashboardKey,
  dashboardNotFound,
  invalidValue,
  missingParameter,
  requireDashboard,
} from "./state.js";

/** CloudWatch's request handlers (awsJson1_0, query-compatible): metrics and dashboards. */

const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const MAX_DELETE = 100;

const OPERATIONS: Record<string, OperationHandler<CloudWatchEnv>> = {
  PutMetricData: putMetricData,
  GetMetricData: getMetricData,
  GetMetricStatistics: getMetricStatistics,
  ListMetrics: listMetrics,
  PutDashboard: putDashboard,
  GetDashboard: getDashboard,
  DeleteDashboards: deleteDashboards,
  ListDashboards: listDashboards,
};

export function cloudWatchHandlers(env: CloudWatchEnv): Record<string, Handler> {
  return bindHandlers(env, OPERATIONS);
}

/** Stores every datum or none: one bad datum refuses the whole call, as CloudWatch does. */
export function putMetricData(env: CloudWatchEnv, input: Record<string, unknown>, ctx: CallContext) {
  const namespace = checkNamespace(input.Namespace);
  const data = readMetricData(input, ctx.now().getTime());
  for (const datum of data) {
    addPoints(
      env.state,
      { region: ctx.region, namespace, metricName: datum.metricName, dimensions: datum.dimensions },
      [datum.point],
    );
  }
  return {};
}

function dashboardName(value: unknown, path = "DashboardName"): string {
  if (value === undefined || value === null) throw missingParameter(`The parameter ${path} is required.`);
  if (typeof value !== "string" || !DASHBOARD_NAME.test(value)) {
    throw new AwsError(
      "DashboardInvalidInputError",
      `The value for field ${path} contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).`,
    );
  }
  return value;
}

function putDashboard(env: CloudWatchEnv, input: Record<string, unknown>, ctx: CallContext) {
  const name = dashboardName(input.DashboardName);
  const body = input.DashboardBody;
  if (body === undefined || body === null) throw missingParameter("The parameter DashboardBody is required.");
  if (typeof body !== "string") throw invalidValue("The value for parameter DashboardBody must be a string.");
  const messages = validateDashboardBody(body);
  if (messages.length > 0) {
    const listed = JSON.stringify(messages.map((m) => ({ dataPath: m.DataPath, message: m.Message })));
    const error = new AwsError(
      "DashboardInvalidInputError",
      `The dashboard body is invalid, there are ${messages.length} validation errors: ${listed}`,
    );
    error.members = { dashboardValidationMessages: messages };
    throw error;
  }
  env.state.dashboards.set(dashboardKey(ctx.region, name), {
    region: ctx.region,
    name,
    body,
    lastModified: ctx.now(),
  });
  return { DashboardValidationMessages: [] };
}

function getDashboard(env: CloudWatchEnv, input: Record<string, unknown>, ctx: CallContext) {
  const dashboard = requireDashboard(env.state, ctx.region, dashboardName(input.DashboardName));
  return {
    DashboardArn: dashboardArn(ctx.accountId, dashboard.name),
    DashboardBody: dashboard.body,
    DashboardName: dashboard.name,
  };
}

/** All or nothing: a name that does not exist deletes none of them. */
function deleteDashboards(env: CloudWatchEnv, input: Record<string, unknown>, ctx: CallContext) {
  if (input.DashboardNames === undefined) throw missingParameter("The parameter DashboardNames is required.");
  const names = list(input.DashboardNames, "DashboardNames").map((n, i) =>
    dashboardName(n, `DashboardNames.member.${i + 1}`),
  );
  if (names.length === 0) throw missingParameter("The parameter DashboardNames is required.");
  if (names.length > MAX_DELETE) {
    throw invalidValue(`The collection DashboardNames must not have a size greater than ${MAX_DELETE}.`);
  }
  const missing = names.find((name) => !env.state.dashboards.has(dashboardKey(ctx.region, name)));
  if (missing !== undefined) throw dashboardNotFound(missing);
  for (const name of names) env.state.dashboards.delete(dashboardKey(ctx.region, name));
  return {};
}

function listDashboards(env: CloudWatchEnv, input: Record<string, unknown>, ctx: CallContext) {
  const prefix = input.DashboardNamePrefix === undefined ? "" : input.DashboardNamePrefix;
  if (typeof prefix !== "string" || !/^[A-Za-z0-9_-]*$/.test(prefix)) {
    throw invalidValue(`The value ${String(prefix)} for parameter DashboardNamePrefix is invalid.`);
  }
  const dashboards = [...env.state.dashboards.values()]
    .filter((d) => d.region === ctx.region && d.name.startsWith(prefix))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = paginate(dashboards, (d) => d.name, {
    token: typeof input.NextToken === "string" ? input.NextToken : undefined,
    max: 1000,
    invalidToken: () => new AwsError("InvalidNextToken", "The service returned an invalid NextToken."),
  });
  return {
    DashboardEntries: page.items.map((d) => ({
      DashboardName: d.name,
      DashboardArn: dashboardArn(ctx.accountId, d.name),
      LastModified: d.lastModified,
      Size: Buffer.byteLength(d.body),
    })),
    NextToken: page.nextToken,
  };
}
