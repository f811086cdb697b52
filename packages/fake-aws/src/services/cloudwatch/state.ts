import { AwsError } from "../../core/types.js";

/**
 * CloudWatch's state: metric series (one per namespace, metric name and exact dimension set, per
 * region) with their raw data points, and dashboards, which AWS keeps per region although their
 * ARNs name none.
 */

export interface Dimension {
  Name: string;
  Value: string;
}

/**
 * One published data point. A point from `Value` or `Values`/`Counts` keeps its raw values (so
 * percentiles can be computed); one from `StatisticValues` keeps only the summary AWS keeps.
 */
export interface DataPoint {
  timestampMs: number;
  unit: string;
  storageResolution: 1 | 60;
  values?: { value: number; count: number }[];
  statistics?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
}

export interface MetricSeries {
  region: string;
  namespace: string;
  metricName: string;
  /** Sorted by name: CloudWatch tells series apart by the set, not the order given. */
  dimensions: Dimension[];
  points: DataPoint[];
}

export interface Dashboard {
  region: string;
  name: string;
  body: string;
  lastModified: Date;
}

export interface CloudWatchState {
  /** By `seriesKey`. */
  series: Map<string, MetricSeries>;
  /** By `dashboardKey`. */
  dashboards: Map<string, Dashboard>;
}

export interface CloudWatchEnv {
  state: CloudWatchState;
}

export const emptyCloudWatchState = (): CloudWatchState => ({ series: new Map(), dashboards: new Map() });

export const invalidValue = (message: string) => new AwsError("InvalidParameterValueException", message);
export const missingParameter = (message: string) =>
  new AwsError("MissingRequiredParameterException", message);
export const invalidCombination = (message: string) =>
  new AwsError("InvalidParameterCombinationException", message);

export const sortedDimensions = (dimensions: readonly Dimension[]): Dimension[] =>
  [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));

export function seriesKey(
  region: string,
  namespace: string,
  metricName: string,
  dimensions: readonly Dimension[],
): string {
  return JSON.stringify([region, namespace, metricName, sortedDimensions(dimensions)]);
}

/** Adds points to a series, creating it on its first point as PutMetricData does. */
export function addPoints(
  state: CloudWatchState,
  metric: { region: string; namespace: string; metricName: string; dimensions: Dimension[] },
  points: DataPoint[],
): void {
  const key = seriesKey(metric.region, metric.namespace, metric.metricName, metric.dimensions);
  let series = state.series.get(key);
  if (!series) {
    series = { ...metric, dimensions: sortedDimensions(metric.dimensions), points: [] };
    state.series.set(key, series);
  }
  series.points.push(...points);
}

/** The series with exactly these dimensions: CloudWatch aggregates across no other set. */
export function findSeries(
  state: CloudWatchState,
  region: string,
  metric: { namespace: string; metricName: string; dimensions: readonly Dimension[] },
): MetricSeries | undefined {
  return state.series.get(seriesKey(region, metric.namespace, metric.metricName, metric.dimensions));
}

export const dashboardKey = (region: string, name: string) => `${region}\n${name}`;

export const dashboardArn = (accountId: string, name: string) =>
  `arn:aws:cloudwatch::${accountId}:dashboard/${name}`;

export const dashboardNotFound = (name: string) =>
  new AwsError("DashboardNotFoundError", `Dashboard ${name} does not exist`, 404);

export function requireDashboard(state: CloudWatchState, region: string, name: string): Dashboard {
  const dashboard = state.dashboards.get(dashboardKey(region, name));
  if (!dashboard) throw dashboardNotFound(name);
  return dashboard;
}
