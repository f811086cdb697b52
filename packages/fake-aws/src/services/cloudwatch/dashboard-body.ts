import { isRecord } from "../../core/readers.js";
import { parseStatistic } from "./statistics.js";

/**
 * A DashboardBody checked as "Dashboard Body Structure and Syntax" (CloudWatch API Reference)
 * defines it: every problem found becomes one DashboardValidationMessage whose DataPath is a
 * JSON pointer into the body, worded as CloudWatch's schema validator words them.
 */

export interface ValidationMessage {
  DataPath: string;
  Message: string;
}

/** The quotas page: widgets per dashboard, metrics per widget, metrics per dashboard. */
const MAX_WIDGETS = 500;
const MAX_WIDGET_METRICS = 500;
const MAX_DASHBOARD_METRICS = 2500;
const WIDGET_TYPES = ["metric", "text", "log", "alarm", "explorer", "custom"];
const METRIC_VIEWS = ["timeSeries", "singleValue", "gauge", "bar", "pie", "table"];
const LOG_VIEWS = ["table", "timeSeries", "bar", "pie"];
/** A Logs Insights query on a dashboard names its log groups first: `SOURCE 'group' | …`. */
const LOG_QUERY = /^\s*SOURCE\s+'[^']+'(\s*\|\s*SOURCE\s+'[^']+')*\s*\|/;

class Problems {
  readonly messages: ValidationMessage[] = [];
  metricCount = 0;

  add(path: string, message: string): void {
    this.messages.push({ DataPath: path, Message: message });
  }

  required(props: Record<string, unknown>, path: string, name: string): boolean {
    if (props[name] !== undefined) return true;
    this.add(path, `Should have required property '${name}'`);
    return false;
  }

  type(value: unknown, path: string, kind: "string" | "boolean" | "object" | "array" | "integer"): boolean {
    const ok =
      kind === "array"
        ? Array.isArray(value)
        : kind === "object"
          ? isRecord(value)
          : kind === "integer"
            ? Number.isInteger(value)
            : typeof value === kind;
    if (!ok) this.add(path, `Should be ${kind}`);
    return ok;
  }

  optional(props: Record<string, unknown>, path: string, name: string, kind: "string" | "boolean"): void {
    if (props[name] !== undefined) this.type(props[name], `${path}/${name}`, kind);
  }

  oneOf(value: unknown, path: string, allowed: readonly string[]): void {
    if (value !== undefined && !allowed.includes(value as string)) {
      this.add(path, `Should be equal to one of the allowed values [${allowed.join(", ")}]`);
    }
  }

  range(value: unknown, path: string, min: number, max?: number): void {
    if (value === undefined || !this.type(value, path, "integer")) return;
    const n = value as number;
    if (n < min) this.add(path, `Should be >= ${min}`);
    if (max !== undefined && n > max) this.add(path, `Should be <= ${max}`);
  }
}

/** Every problem with the body; an empty list when CloudWatch would accept it. */
export function validateDashboardBody(body: string): ValidationMessage[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [{ DataPath: "", Message: "Should be a valid JSON document" }];
  }
  const problems = new Problems();
  if (!problems.type(parsed, "", "object")) return problems.messages;
  const dashboard = parsed as Record<string, unknown>;
  if (!problems.required(dashboard, "", "widgets")) return problems.messages;
  if (!problems.type(dashboard.widgets, "/widgets", "array")) return problems.messages;
  const widgets = dashboard.widgets as unknown[];
  if (widgets.length > MAX_WIDGETS)
    problems.add("/widgets", `Should NOT have more than ${MAX_WIDGETS} items`);
  widgets.forEach((widget, i) => {
    checkWidget(widget, `/widgets/${i}`, problems);
  });
  if (problems.metricCount > MAX_DASHBOARD_METRICS) {
    problems.add(
      "/widgets",
      `The dashboard may show at most ${MAX_DASHBOARD_METRICS} metrics across its widgets`,
    );
  }
  return problems.messages;
}

function checkWidget(widget: unknown, path: string, problems: Problems): void {
  if (!problems.type(widget, path, "object")) return;
  const w = widget as Record<string, unknown>;
  problems.range(w.x, `${path}/x`, 0, 23);
  problems.range(w.y, `${path}/y`, 0);
  problems.range(w.width, `${path}/width`, 1, 24);
  problems.range(w.height, `${path}/height`, 1, 1000);
  if (!problems.required(w, path, "type") || !problems.type(w.type, `${path}/type`, "string")) return;
  if (!WIDGET_TYPES.includes(w.type as string)) {
    problems.oneOf(w.type, `${path}/type`, WIDGET_TYPES);
    return;
  }
  if (!problems.required(w, path, "properties")) return;
  const propsPath = `${path}/properties`;
  if (!problems.type(w.properties, propsPath, "object")) return;
  const props = w.properties as Record<string, unknown>;
  problems.optional(props, propsPath, "title", "string");
  if (w.type === "text") checkText(props, propsPath, problems);
  else if (w.type === "metric") checkMetricWidget(props, propsPath, problems);
  else if (w.type === "log") checkLogWidget(props, propsPath, problems);
  else if (w.type === "alarm") checkAlarmWidget(props, propsPath, problems);
  else if (w.type === "explorer") {
    if (problems.required(props, propsPath, "metrics"))
      problems.type(props.metrics, `${propsPath}/metrics`, "array");
  } else if (problems.required(props, propsPath, "endpoint")) {
    problems.type(props.endpoint, `${propsPath}/endpoint`, "string");
  }
}

function checkText(props: Record<string, unknown>, path: string, problems: Problems): void {
  if (problems.required(props, path, "markdown")) problems.type(props.markdown, `${path}/markdown`, "string");
  problems.oneOf(props.background, `${path}/background`, ["solid", "transparent"]);
}

function checkLogWidget(props: Record<string, unknown>, path: string, problems: Problems): void {
  if (problems.required(props, path, "query") && problems.type(props.query, `${path}/query`, "string")) {
    if (!LOG_QUERY.test(props.query as string)) {
      problems.add(`${path}/query`, "Should start with the log groups to query: SOURCE 'log-group-name' | …");
    }
  }
  if (problems.required(props, path, "region")) problems.type(props.region, `${path}/region`, "string");
  problems.oneOf(props.view, `${path}/view`, LOG_VIEWS);
  problems.optional(props, path, "stacked", "boolean");
}

function checkAlarmWidget(props: Record<string, unknown>, path: string, problems: Problems): void {
  if (!problems.required(props, path, "alarms") || !problems.type(props.alarms, `${path}/alarms`, "array"))
    return;
  (props.alarms as unknown[]).forEach((alarm, i) => {
    if (problems.type(alarm, `${path}/alarms/${i}`, "string") && !(alarm as string).startsWith("arn:")) {
      problems.add(`${path}/alarms/${i}`, "Should be an alarm ARN");
    }
  });
}

function checkMetricWidget(props: Record<string, unknown>, path: string, problems: Problems): void {
  const annotations = props.annotations;
  const alarmAnnotation = isRecord(annotations) && Array.isArray(annotations.alarms);
  // A graph of one alarm names it in annotations instead of listing metrics.
  if (alarmAnnotation || problems.required(props, path, "metrics")) {
    if (props.metrics !== undefined) checkMetricsArray(props.metrics, `${path}/metrics`, problems);
  }
  if (problems.required(props, path, "region")) problems.type(props.region, `${path}/region`, "string");
  problems.oneOf(props.view, `${path}/view`, METRIC_VIEWS);
  problems.optional(props, path, "stacked", "boolean");
  checkStatAndPeriod(props, path, problems);
}

function checkStatAndPeriod(props: Record<string, unknown>, path: string, problems: Problems): void {
  if (props.stat !== undefined && problems.type(props.stat, `${path}/stat`, "string")) {
    if (parseStatistic(props.stat as string) === undefined) {
      problems.add(
        `${path}/stat`,
        `Should be a statistic such as Average, Sum or p99; got ${String(props.stat)}`,
      );
    }
  }
  if (props.period !== undefined && problems.type(props.period, `${path}/period`, "integer")) {
    const period = props.period as number;
    if (![1, 5, 10, 20, 30].includes(period) && (period < 60 || period % 60 !== 0)) {
      problems.add(`${path}/period`, "Should be 1, 5, 10, 20, 30 or a multiple of 60");
    }
  }
}

/**
 * `metrics`: rows of `[namespace, name, dimName, dimValue, …, {options}?]`, where `"."` repeats
 * the previous row's value at that position and a leading `"..."` repeats all of it, or
 * `[{ expression, … }]` for metric math.
 */
function checkMetricsArray(metrics: unknown, path: string, problems: Problems): void {
  if (!problems.type(metrics, path, "array")) return;
  const rows = metrics as unknown[];
  if (rows.length > MAX_WIDGET_METRICS)
    problems.add(path, `Should NOT have more than ${MAX_WIDGET_METRICS} items`);
  problems.metricCount += rows.length;
  rows.forEach((row, i) => {
    const at = `${path}/${i}`;
    if (!problems.type(row, at, "array")) return;
    const cells = row as unknown[];
    const last = cells[cells.length - 1];
    const positional = isRecord(last) ? cells.slice(0, -1) : cells;
    if (positional.length === 0) {
      if (!isRecord(last) || typeof last.expression !== "string") {
        problems.add(at, "Should have a namespace and metric name, or an expression");
      }
      return;
    }
    positional.forEach((cell, j) => {
      problems.type(cell, `${at}/${j}`, "string");
    });
    if (i === 0 && positional.some((cell) => cell === "." || cell === "...")) {
      problems.add(at, "The first metric cannot repeat a previous one with '.' or '...'");
    }
    // After a leading "...", the cells replace the previous row's last values, so any count goes.
    if (positional[0] !== "..." && (positional.length < 2 || positional.length % 2 !== 0)) {
      problems.add(at, "Should be a namespace, a metric name and dimension name/value pairs");
    }
  });
}
