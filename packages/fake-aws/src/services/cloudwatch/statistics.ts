import type { DataPoint } from "./state.js";

/**
 * The statistics fake CloudWatch computes over the points of one period: the five basic ones,
 * and percentiles `pNN` / `pNN.NN`, exact (nearest rank) over the raw values. CloudWatch computes
 * no percentile over points published only as StatisticValues, and neither does this.
 */

export const BASIC_STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;
export type BasicStatistic = (typeof BASIC_STATISTICS)[number];

const PERCENTILE = /^p(\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?)$/;

export type Statistic = { kind: "basic"; name: BasicStatistic } | { kind: "percentile"; p: number };

export function parseStatistic(text: string): Statistic | undefined {
  if ((BASIC_STATISTICS as readonly string[]).includes(text))
    return { kind: "basic", name: text as BasicStatistic };
  if (PERCENTILE.test(text)) return { kind: "percentile", p: Number(text.slice(1)) };
  return undefined;
}

export const isPercentile = (text: string) => PERCENTILE.test(text);

/** A period's value of one statistic; undefined when it has none (a percentile of summaries). */
export function compute(points: readonly DataPoint[], statistic: Statistic): number | undefined {
  if (statistic.kind === "percentile") return percentile(points, statistic.p);
  const summary = summarise(points);
  if (summary.SampleCount === 0) return undefined;
  if (statistic.name === "Average") return summary.Sum / summary.SampleCount;
  return summary[statistic.name];
}

export function summarise(points: readonly DataPoint[]) {
  let SampleCount = 0;
  let Sum = 0;
  let Minimum = Number.POSITIVE_INFINITY;
  let Maximum = Number.NEGATIVE_INFINITY;
  for (const point of points) {
    if (point.statistics) {
      SampleCount += point.statistics.SampleCount;
      Sum += point.statistics.Sum;
      Minimum = Math.min(Minimum, point.statistics.Minimum);
      Maximum = Math.max(Maximum, point.statistics.Maximum);
    }
    for (const { value, count } of point.values ?? []) {
      if (count === 0) continue;
      SampleCount += count;
      Sum += value * count;
      Minimum = Math.min(Minimum, value);
      Maximum = Math.max(Maximum, value);
    }
  }
  return { SampleCount, Sum, Minimum, Maximum };
}

function percentile(points: readonly DataPoint[], p: number): number | undefined {
  if (points.some((point) => point.statistics)) return undefined;
  const weighted = points
    .flatMap((point) => point.values ?? [])
    .filter((v) => v.count > 0)
    .sort((a, b) => a.value - b.value);
  const total = weighted.reduce((n, v) => n + v.count, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const { value, count } of weighted) {
    seen += count;
    if (seen >= rank) return value;
  }
  return weighted[weighted.length - 1]?.value;
}

/**
 * The points in [start, end), grouped into periods that start at multiples of the period since
 * the epoch, as CloudWatch aligns them; only periods with data, earliest first.
 */
export function periods(
  points: readonly DataPoint[],
  range: { startMs: number; endMs: number; periodS: number; unit?: string },
): { startMs: number; points: DataPoint[] }[] {
  const periodMs = range.periodS * 1000;
  const byStart = new Map<number, DataPoint[]>();
  for (const point of points) {
    if (point.timestampMs < range.startMs || point.timestampMs >= range.endMs) continue;
    if (range.unit !== undefined && point.unit !== range.unit) continue;
    const start = Math.floor(point.timestampMs / periodMs) * periodMs;
    const group = byStart.get(start) ?? [];
    group.push(point);
    byStart.set(start, group);
  }
  return [...byStart].sort(([a], [b]) => a - b).map(([startMs, group]) => ({ startMs, points: group }));
}
