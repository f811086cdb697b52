import type { CloudWatchInternals, ServiceDefinition } from "../../core/types.js";
import { cloudWatchHandlers, putMetricData } from "./handlers.js";
import {
  type CloudWatchEnv,
  type Dimension,
  dashboardKey,
  emptyCloudWatchState,
  findSeries,
} from "./state.js";

/**
 * CloudWatch (signing name `monitoring`, awsJson1_0): custom metrics (PutMetricData, read back
 * with GetMetricData, GetMetricStatistics and ListMetrics) and dashboards. Step Functions'
 * `aws-sdk:cloudwatch:putMetricData` integration publishes through `internals`, after checking
 * its own role, as other services' internals are called.
 */

/** A stored data point as tests read it: its raw values, or the statistic set it was given. */
export interface StoredDataPoint {
  timestamp: Date;
  unit: string;
  storageResolution: 1 | 60;
  values?: { value: number; count: number }[];
  statistics?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
}

/** Test controls, on the in-process handle as `aws.cloudwatch`. */
export interface CloudWatchControls {
  /** The points of the series with exactly these dimensions, oldest published first; [] when none. */
  metricData(
    namespace: string,
    metricName: string,
    dimensions?: Record<string, string>,
    options?: { region?: string },
  ): StoredDataPoint[];
  /** A dashboard's body (parsed) as last put; undefined when there is none. */
  dashboard(name: string, options?: { region?: string }): unknown;
}

/** CloudWatch's awsQuery error codes, by the exception names its JSON protocol answers with. */
const QUERY_ERROR_CODES = {
  InvalidParameterValueException: "InvalidParameterValue",
  MissingRequiredParameterException: "MissingParameter",
  InvalidParameterCombinationException: "InvalidParameterCombination",
  DashboardNotFoundError: "ResourceNotFound",
  DashboardInvalidInputError: "InvalidParameterInput",
  InvalidNextToken: "InvalidNextToken",
  InternalServiceFault: "InternalServiceError",
};

export interface CloudWatchService {
  service: ServiceDefinition;
  controls: CloudWatchControls;
  internals: CloudWatchInternals;
}

export function createCloudWatchService(options: { region: string }): CloudWatchService {
  const env: CloudWatchEnv = { state: emptyCloudWatchState() };
  const service: ServiceDefinition = {
    signingName: "monitoring",
    protocol: "awsJson1_0",
    targetPrefix: "GraniteServiceVersion20100801",
    queryErrorCodes: QUERY_ERROR_CODES,
    handlers: cloudWatchHandlers(env),
    mutating: new Set(["PutMetricData", "PutDashboard", "DeleteDashboards"]),
    snapshot: () => ({
      metrics: [...env.state.series.values()].map((s) => ({
        region: s.region,
        namespace: s.namespace,
        metricName: s.metricName,
        dimensions: s.dimensions,
        points: s.points.length,
      })),
      dashboards: [...env.state.dashboards.values()].map((d) => ({ region: d.region, name: d.name })),
    }),
    reset: () => {
      env.state = emptyCloudWatchState();
    },
  };
  return {
    service,
    controls: {
      metricData(namespace, metricName, dimensions = {}, { region = options.region } = {}) {
        const wanted: Dimension[] = Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value }));
        const series = findSeries(env.state, region, { namespace, metricName, dimensions: wanted });
        return (series?.points ?? []).map(({ timestampMs, ...point }) => ({
          ...structuredClone(point),
          timestamp: new Date(timestampMs),
        }));
      },
      dashboard(name, { region = options.region } = {}) {
        const dashboard = env.state.dashboards.get(dashboardKey(region, name));
        return dashboard === undefined ? undefined : JSON.parse(dashboard.body);
      },
    },
    internals: { putMetricData: (input, context) => putMetricData(env, input, context) },
  };
}
