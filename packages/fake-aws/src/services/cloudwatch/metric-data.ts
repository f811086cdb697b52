import { isRecord } from "../../core/readers.js";
import {
  type DataPoint,
  type Dimension,
  invalidCombination,
  invalidValue,
  missingParameter,
} from "./state.js";

/**
 * PutMetricData's input, checked as the CloudWatch API Reference documents it (MetricDatum,
 * Dimension, StatisticSet). Messages name members by their query path
 * (`MetricData.member.1.Value`), as CloudWatch's own do whichever protocol the caller used.
 */

export const UNITS = [
  "Seconds",
  "Microseconds",
  "Milliseconds",
  "Bytes",
  "Kilobytes",
  "Megabytes",
  "Gigabytes",
  "Terabytes",
  "Bits",
  "Kilobits",
  "Megabits",
  "Gigabits",
  "Terabits",
  "Percent",
  "Count",
  "Bytes/Second",
  "Kilobytes/Second",
  "Megabytes/Second",
  "Gigabytes/Second",
  "Terabytes/Second",
  "Bits/Second",
  "Kilobits/Second",
  "Megabits/Second",
  "Gigabits/Second",
  "Terabits/Second",
  "Count/Second",
  "None",
] as const;

const MAX_METRICS = 1000;
const MAX_DIMENSIONS = 30;
const MAX_VALUES = 150;
/** AWS refuses values outside ±2^360. */
const MAX_MAGNITUDE = 2 ** 360;
const TWO_WEEKS_MS = 14 * 24 * 3600_000;
const TWO_HOURS_MS = 2 * 3600_000;

export interface ParsedDatum {
  metricName: string;
  dimensions: Dimension[];
  point: DataPoint;
}

export function checkNamespace(value: unknown, path = "Namespace"): string {
  if (value === undefined || value === null) throw missingParameter(`The parameter ${path} is required.`);
  if (typeof value !== "string") throw invalidValue(`The value for parameter ${path} must be a string.`);
  // ASCII without control characters, not `:`-led, and not AWS's own `AWS/` prefix.
  const valid =
    value.length >= 1 &&
    value.length <= 255 &&
    /^[\x20-\x7e]+$/.test(value) &&
    !value.startsWith(":") &&
    !value.startsWith("AWS/");
  if (!valid) throw invalidValue(`The value ${value} for parameter ${path} is invalid.`);
  return value;
}

/** The data of one PutMetricData call, `MetricData` and each `EntityMetricData`'s, in order. */
export function readMetricData(input: Record<string, unknown>, nowMs: number): ParsedDatum[] {
  const groups: { path: string; items: unknown[] }[] = [];
  if (input.MetricData !== undefined)
    groups.push({ path: "MetricData", items: list(input.MetricData, "MetricData") });
  const entities =
    input.EntityMetricData === undefined ? [] : list(input.EntityMetricData, "EntityMetricData");
  entities.forEach((entity, i) => {
    const path = `EntityMetricData.member.${i + 1}.MetricData`;
    const data = isRecord(entity) ? entity.MetricData : undefined;
    groups.push({ path, items: data === undefined ? [] : list(data, path) });
  });
  if (groups.length === 0) throw missingParameter("The parameter MetricData is required.");
  const total = groups.reduce((n, g) => n + g.items.length, 0);
  if (total > MAX_METRICS) {
    throw invalidValue(`The collection MetricData must not have a size greater than ${MAX_METRICS}.`);
  }
  return groups.flatMap((g) => g.items.map((item, i) => readDatum(item, `${g.path}.member.${i + 1}`, nowMs)));
}

function readDatum(item: unknown, path: string, nowMs: number): ParsedDatum {
  if (!isRecord(item)) throw invalidValue(`The value for parameter ${path} must be a structure.`);
  const metricName = boundedString(item.MetricName, `${path}.MetricName`, 255);
  const dimensions = readDimensions(item.Dimensions, `${path}.Dimensions`);
  const unit = item.Unit ?? "None";
  if (typeof unit !== "string" || !(UNITS as readonly string[]).includes(unit)) {
    throw invalidValue(`The value ${String(unit)} for parameter ${path}.Unit is invalid.`);
  }
  const resolution = item.StorageResolution === undefined ? 60 : Number(item.StorageResolution);
  if (resolution !== 1 && resolution !== 60) {
    throw invalidValue(
      `The value ${String(item.StorageResolution)} for parameter ${path}.StorageResolution is invalid.`,
    );
  }
  const timestampMs = readTimestamp(item.Timestamp, `${path}.Timestamp`, nowMs);
  return {
    metricName,
    dimensions,
    point: { timestampMs, unit, storageResolution: resolution, ...readValues(item, path) },
  };
}

export function readDimensions(value: unknown, path: string): Dimension[] {
  if (value === undefined || value === null) return [];
  const items = list(value, path);
  if (items.length > MAX_DIMENSIONS) {
    throw invalidValue(`The collection ${path} must not have a size greater than ${MAX_DIMENSIONS}.`);
  }
  return items.map((dimension, i) => {
    const at = `${path}.member.${i + 1}`;
    if (!isRecord(dimension)) throw invalidValue(`The value for parameter ${at} must be a structure.`);
    return {
      Name: boundedString(dimension.Name, `${at}.Name`, 255),
      Value: boundedString(dimension.Value, `${at}.Value`, 1024),
    };
  });
}

/** Exactly one of Value, Values (with optional Counts) and StatisticValues. */
function readValues(item: Record<string, unknown>, path: string): Pick<DataPoint, "values" | "statistics"> {
  const given = (["Value", "Values", "StatisticValues"] as const).filter((k) => item[k] !== undefined);
  if (given.length > 1) {
    const names = given.map((k) => `${path}.${k}`).join(" and ");
    throw invalidCombination(`The parameters ${names} are mutually exclusive and you have specified both.`);
  }
  if (item.Counts !== undefined && item.Values === undefined) {
    throw invalidCombination(`The parameter ${path}.Counts may only be specified with ${path}.Values.`);
  }
  if (given[0] === "Value") return { values: [{ value: double(item.Value, `${path}.Value`), count: 1 }] };
  if (given[0] === "StatisticValues")
    return { statistics: readStatisticSet(item.StatisticValues, `${path}.StatisticValues`) };
  if (given[0] === undefined) throw missingParameter(`The parameter ${path}.Value is required.`);
  const values = list(item.Values, `${path}.Values`);
  if (values.length > MAX_VALUES) {
    throw invalidValue(`The collection ${path}.Values must not have a size greater than ${MAX_VALUES}.`);
  }
  const counts = item.Counts === undefined ? undefined : list(item.Counts, `${path}.Counts`);
  if (counts !== undefined && counts.length !== values.length) {
    throw invalidValue(`The parameters ${path}.Values and ${path}.Counts must be of the same size.`);
  }
  return {
    values: values.map((v, i) => {
      const count = counts === undefined ? 1 : double(counts[i], `${path}.Counts.member.${i + 1}`);
      if (count < 0)
        throw invalidValue(`The value ${count} for parameter ${path}.Counts.member.${i + 1} is invalid.`);
      return { value: double(v, `${path}.Values.member.${i + 1}`), count };
    }),
  };
}

function readStatisticSet(value: unknown, path: string): NonNullable<DataPoint["statistics"]> {
  if (!isRecord(value)) throw invalidValue(`The value for parameter ${path} must be a structure.`);
  const field = (name: string) => {
    if (value[name] === undefined) throw missingParameter(`The parameter ${path}.${name} is required.`);
    return double(value[name], `${path}.${name}`);
  };
  const set = {
    SampleCount: field("SampleCount"),
    Sum: field("Sum"),
    Minimum: field("Minimum"),
    Maximum: field("Maximum"),
  };
  if (set.SampleCount <= 0)
    throw invalidValue(`The value ${set.SampleCount} for parameter ${path}.SampleCount is invalid.`);
  if (set.Minimum > set.Maximum) {
    throw invalidValue(`The parameter ${path}.Minimum must be less than or equal to ${path}.Maximum.`);
  }
  return set;
}

/** AWS stores points up to two weeks old and up to two hours ahead; none outside. */
function readTimestamp(value: unknown, path: string, nowMs: number): number {
  if (value === undefined || value === null) return nowMs;
  const ms =
    typeof value === "number" ? value * 1000 : typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw invalidValue(`The value ${String(value)} for parameter ${path} is invalid.`);
  if (ms < nowMs - TWO_WEEKS_MS) {
    throw invalidValue(`The parameter ${path} must specify a time no more than two weeks in the past.`);
  }
  if (ms > nowMs + TWO_HOURS_MS) {
    throw invalidValue(`The parameter ${path} must specify a time no more than two hours in the future.`);
  }
  return ms;
}

/** A double as JSON sends it (the SDK sends NaN and the infinities as strings), in AWS's range. */
function double(value: unknown, path: string): number {
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || Math.abs(n) > MAX_MAGNITUDE) {
    throw invalidValue(`The value ${String(value)} for parameter ${path} is invalid.`);
  }
  return n;
}

export function boundedString(value: unknown, path: string, max: number): string {
  if (value === undefined || value === null) throw missingParameter(`The parameter ${path} is required.`);
  if (typeof value !== "string" || value.length < 1 || value.length > max) {
    throw invalidValue(`The value ${String(value)} for parameter ${path} is invalid.`);
  }
  return value;
}

export function list(value: unknown, path: string): unknown[] {
  if (value === "") return []; // how the query protocols send an empty list
  if (!Array.isArray(value)) throw invalidValue(`The value for parameter ${path} must be a list.`);
  return value;
}
