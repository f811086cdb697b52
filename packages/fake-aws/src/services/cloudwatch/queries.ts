import { paginate } from "../../core/pagination.js";
import { isRecord } from "../../core/readers.js";
import { AwsError, type CallContext } from "../../core/types.js";
import { boundedString, list, readDimensions } from "./metric-data.js";
import {
  type CloudWatchEnv,
  type Dimension,
  findSeries,
  invalidCombination,
  invalidValue,
  missingParameter,
  sortedDimensions,
} from "./state.js";
import {
  BASIC_STATISTICS,
  compute,
  isPercentile,
  parseStatistic,
  periods,
  type Statistic,
  summarise,
} from "./statistics.js";

/** Reading metrics back: GetMetricStatistics, GetMetricData (MetricStat queries) and ListMetrics. */

const MAX_STATISTICS_DATAPOINTS = 1440;
const MAX_QUERIES = 500;
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
}

function readMetric(input: Record<string, unknown>, path: string): MetricRef {
  const prefix = path === "" ? "" : `${path}.`;
  return {
    namespace: boundedString(input.Namespace, `${prefix}Namespace`, 255),
    metricName: boundedString(input.MetricName, `${prefix}MetricName`, 255),
    dimensions: readDimensions(input.Dimensions, `${prefix}Dimensions`),
  };
}

/** 1, 5, 10, 20 and 30 s for high-resolution metrics, else whole minutes. */
function readPeriod(value: unknown, path: string): number {
  if (value === undefined || value === null) throw missingParameter(`The parameter ${path} is required.`);
  const period = Number(value);
  if (!Number.isInteger(period) || period < 1)
    throw invalidValue(`The value ${String(value)} for parameter ${path} is invalid.`);
  if (period >= 60 && period % 60 !== 0)
    throw invalidValue(`The parameter ${path} must be a multiple of 60.`);
  if (period < 60 && ![1, 5, 10, 20, 30].includes(period)) {
    throw invalidValue(`The value ${period} for parameter ${path} is invalid.`);
  }
  return period;
}

function readRange(input: Record<string, unknown>): { startMs: number; endMs: number } {
  const time = (name: string) => {
    const value = input[name];
    if (value === undefined || value === null) throw missingParameter(`The parameter ${name} is required.`);
    const ms =
      typeof value === "number" ? value * 1000 : typeof value === "string" ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms))
      throw invalidValue(`The value ${String(value)} for parameter ${name} is invalid.`);
    return ms;
  };
  const range = { startMs: time("StartTime"), endMs: time("EndTime") };
  if (range.startMs >= range.endMs) {
    throw invalidValue("The parameter StartTime must be less than the parameter EndTime.");
  }
  return range;
}

/**
 * CloudWatch keeps coarser data as it ages: a StartTime more than 3 hours back needs a period in
 * whole minutes, more than 15 days back in 5 minutes, more than 63 days back in hours; another
 * period returns no data points at all (MetricStat's Period in the API Reference).
 */
function servesPeriod(periodS: number, startMs: number, nowMs: number): boolean {
  const age = nowMs - startMs;
  const day = 86_400_000;
  const step = age > 63 * day ? 3600 : age > 15 * day ? 300 : age > 3 * 3_600_000 ? 60 : 1;
  return periodS % step === 0;
}

function pointsOf(env: CloudWatchEnv, ctx: CallContext, metric: MetricRef, periodS: number, startMs: number) {
  if (!servesPeriod(periodS, startMs, ctx.now().getTime())) return [];
  return findSeries(env.state, ctx.region, metric)?.points ?? [];
}

function readUnit(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw invalidValue(`The value ${String(value)} for parameter ${path} is invalid.`);
  return value;
}

/** Statistics (the five basic ones) and ExtendedStatistics (percentiles): one or both. */
function readStatistics(input: Record<string, unknown>): { statistics: string[]; extended: string[] } {
  const statistics = input.Statistics === undefined ? [] : list(input.Statistics, "Statistics");
  const extended =
    input.ExtendedStatistics === undefined ? [] : list(input.ExtendedStatistics, "ExtendedStatistics");
  if (statistics.length === 0 && extended.length === 0) {
    throw missingParameter("The parameter Statistics or ExtendedStatistics is required.");
  }
  if (statistics.length > 5 || extended.length > 10) {
    throw invalidValue(
      "The collection Statistics must not have more than 5 members, ExtendedStatistics more than 10.",
    );
  }
  statistics.forEach((s, i) => {
    if (!(BASIC_STATISTICS as readonly unknown[]).includes(s)) {
      throw invalidValue(`The value ${String(s)} for parameter Statistics.member.${i + 1} is invalid.`);
    }
  });
  extended.forEach((s, i) => {
    if (typeof s !== "string" || !isPercentile(s)) {
      throw invalidValue(
        `The value ${String(s)} for parameter ExtendedStatistics.member.${i + 1} is invalid.`,
      );
    }
  });
  return { statistics: statistics as string[], extended: extended as string[] };
}

export function getMetricStatistics(env: CloudWatchEnv, input: Record<string, unknown>, ctx: CallContext) {
  const metric = readMetric(input, "");
  const range = readRange(input);
  const periodS = readPeriod(input.Period, "Period");
  const { statistics, extended } = readStatistics(input);
  const requested = Math.ceil((range.endMs - range.startMs) / (periodS * 1000));
  if (requested > MAX_STATISTICS_DATAPOINTS) {
    throw invalidCombination(
      `You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_STATISTICS_DATAPOINTS}. ` +
        "You may reduce the datapoints requested by increasing Period, or decreasing the time range.",
    );
  }
  const unit = readUnit(input.Unit, "Unit");
  const points = pointsOf(env, ctx, metric, periodS, range.startMs);
  const Datapoints = periods(points, { ...range, periodS, ...(unit !== undefined && { unit }) }).map((p) => {
    const summary = summarise(p.points);
    const datapoint: Record<string, unknown> = { Timestamp: new Date(p.startMs), Unit: p.points[0]?.unit };
    for (const s of statistics) {
      datapoint[s] = s === "Average" ? summary.Sum / summary.SampleCount : summary[s as keyof typeof summary];
    }
    if (extended.length > 0) {
      const values: Record<string, number> = {};
      for (const s of extended) {
        const value = compute(p.points, parseStatistic(s) as Statistic);
        if (value !== undefined) values[s] = value;
      }
      datapoint.ExtendedStatistics = values;
    }
    return datapoint;
  });
  return { Label: metric.metricName, Datapoints };
}

interface MetricQuery {
  id: string;
  label: string;
  returnData: boolean;
  metric: MetricRef;
  periodS: number;
  statistic: Statistic;
  unit: string | undefined;
}

function readQuery(item: unknown, path: string): MetricQuery {
  if (!isRecord(item)) throw invalidValue(`The value for parameter ${path} must be a structure.`);
  const id = boundedString(item.Id, `${path}.Id`, 255);
  if (!QUERY_ID.test(id)) throw invalidValue(`The value ${id} for parameter ${path}.Id is invalid.`);
  if (item.Expression !== undefined && item.MetricStat !== undefined) {
    throw invalidCombination(
      `The parameters ${path}.MetricStat and ${path}.Expression are mutually exclusive and you have specified both.`,
    );
  }
  if (item.Expression !== undefined) {
    throw invalidValue(`${path}.Expression: fake-aws does not evaluate metric math; query with MetricStat.`);
  }
  if (!isRecord(item.MetricStat))
    throw missingParameter(`The parameter ${path}.MetricStat or ${path}.Expression is required.`);
  const stat = item.MetricStat;
  if (!isRecord(stat.Metric)) throw missingParameter(`The parameter ${path}.MetricStat.Metric is required.`);
  const metric = readMetric(stat.Metric, `${path}.MetricStat.Metric`);
  const statText = boundedString(stat.Stat, `${path}.MetricStat.Stat`, 255);
  const statistic = parseStatistic(statText);
  if (statistic === undefined) {
    throw invalidValue(
      `The value ${statText} for parameter ${path}.MetricStat.Stat is invalid: fake-aws computes SampleCount, Sum, Average, Minimum, Maximum and percentiles (p50, p99.9).`,
    );
  }
  const label =
    item.Label === undefined ? metric.metricName : boundedString(item.Label, `${path}.Label`, 2048);
  const returnData =
    item.ReturnData === undefined ? true : item.ReturnData === true || item.ReturnData === "true";
  const periodS = readPeriod(stat.Period, `${path}.MetricStat.Period`);
  return {
    id,
    label,
    returnData,
    metric,
    periodS,
    statistic,
    unit: readUnit(stat.Unit, `${path}.MetricStat.Unit`),
  };
}

export function getMetricData(env: CloudWatchEnv, input: Record<string, unknown>, ctx: CallContext) {
  if (input.MetricDataQueries === undefined)
    throw missingParameter("The parameter MetricDataQueries is required.");
  const items = list(input.MetricDataQueries, "MetricDataQueries");
  if (items.length > MAX_QUERIES) {
    throw invalidValue(`The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
  }
  const queries = items.map((item, i) => readQuery(item, `MetricDataQueries.member.${i + 1}`));
  if (new Set(queries.map((q) => q.id)).size !== queries.length) {
    throw invalidValue("The values for parameter id in MetricDataQueries are not unique.");
  }
  const range = readRange(input);
  const scanBy = input.ScanBy ?? "TimestampDescending";
  if (scanBy !== "TimestampDescending" && scanBy !== "TimestampAscending") {
    throw invalidValue(`The value ${String(scanBy)} for parameter ScanBy is invalid.`);
  }
  const MetricDataResults = queries
    .filter((q) => q.returnData)
    .map((q) => {
      const points = pointsOf(env, ctx, q.metric, q.periodS, range.startMs);
      const values: { at: Date; value: number }[] = [];
      for (const p of periods(points, {
        ...range,
        periodS: q.periodS,
        ...(q.unit !== undefined && { unit: q.unit }),
      })) {
        const value = compute(p.points, q.statistic);
        if (value !== undefined) values.push({ at: new Date(p.startMs), value });
      }
      if (scanBy === "TimestampDescending") values.reverse();
      return {
        Id: q.id,
        Label: q.label,
        Timestamps: values.map((v) => v.at),
        Values: values.map((v) => v.value),
        StatusCode: "Complete",
      };
    });
  return { MetricDataResults, Messages: [] };
}

export function listMetrics(env: CloudWatchEnv, input: Record<string, unknown>, ctx: CallContext) {
  const namespace =
    input.Namespace === undefined ? undefined : boundedString(input.Namespace, "Namespace", 255);
  const metricName =
    input.MetricName === undefined ? undefined : boundedString(input.MetricName, "MetricName", 255);
  const filters = input.Dimensions === undefined ? [] : list(input.Dimensions, "Dimensions");
  if (filters.length > 10)
    throw invalidValue("The collection Dimensions must not have a size greater than 10.");
  const wanted = filters.map((f, i) => {
    const at = `Dimensions.member.${i + 1}`;
    if (!isRecord(f)) throw invalidValue(`The value for parameter ${at} must be a structure.`);
    const name = boundedString(f.Name, `${at}.Name`, 255);
    return { name, value: f.Value === undefined ? undefined : boundedString(f.Value, `${at}.Value`, 1024) };
  });
  const matching = [...env.state.series.values()].filter(
    (s) =>
      s.region === ctx.region &&
      (namespace === undefined || s.namespace === namespace) &&
      (metricName === undefined || s.metricName === metricName) &&
      wanted.every((w) =>
        s.dimensions.some((d) => d.Name === w.name && (w.value === undefined || d.Value === w.value)),
      ),
  );
  const page = paginate(matching, (s) => JSON.stringify([s.namespace, s.metricName, s.dimensions]), {
    token: typeof input.NextToken === "string" ? input.NextToken : undefined,
    max: 500,
    invalidToken: () => new AwsError("InvalidNextToken", "The service returned an invalid NextToken."),
  });
  return {
    Metrics: page.items.map((s) => ({
      Namespace: s.namespace,
      MetricName: s.metricName,
      Dimensions: sortedDimensions(s.dimensions),
    })),
    NextToken: page.nextToken,
  };
}
