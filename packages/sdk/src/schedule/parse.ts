import { type AtSpec, parseAt } from "./at.js";
import { type CronSpec, parseAwsCron } from "./cron.js";
import { englishToAws } from "./english.js";
import { parseRate, type RateSpec } from "./rate.js";
import { scheduleError } from "./schedule-error.js";
import { shorthandToAws } from "./shorthand.js";
import { unixCronToAws } from "./unix-cron.js";

export type ScheduleKind = "cron" | "rate" | "at";

export interface Schedule {
  /** The exact AWS EventBridge Scheduler expression it deploys as, e.g. "cron(0 9 ? * MON-FRI *)". */
  expression: string;
  kind: ScheduleKind;
  /** What the user wrote, trimmed. */
  source: string;
}

/** A schedule with its expression taken apart, for evaluating and describing it. */
export type ParsedSchedule = Schedule &
  ({ kind: "cron"; cron: CronSpec } | { kind: "rate"; rate: RateSpec } | { kind: "at"; at: AtSpec });

const EXAMPLES =
  "rate(5 minutes), cron(0 9 ? * MON-FRI *), at(2026-12-01T09:00:00), 0 9 * * 1-5, @daily, every 5 minutes, every weekday at 9:00";

/**
 * Every accepted form, normalised to the AWS expression it deploys as. Forms other than AWS's
 * own are rewritten first and then validated by the same AWS parsers, so whatever comes out has
 * passed EventBridge Scheduler's rules.
 */
export function parseScheduleDetail(input: string): ParsedSchedule {
  const source = input.trim();
  if (source === "") throw scheduleError("schedule is empty", `write e.g. ${EXAMPLES}`);
  if (/^rate\b/i.test(source)) return fromRate(source, source);
  if (/^at\s*\(/i.test(source)) {
    const at = parseAt(source);
    return { kind: "at", expression: at.expression, source, at };
  }
  return fromCronOrRate(source, awsExpressionFor(source));
}

/**
 * Reads any schedule a user may write (English, 5-field Unix cron, AWS `cron()`, `rate()`, `at()`)
 * into the exact EventBridge Scheduler expression it deploys as; throws a FlexjobError naming what
 * is wrong and how to write it otherwise.
 * @example
 * parseSchedule("every 5 minutes"); // { expression: "rate(5 minutes)", kind: "rate", source: "every 5 minutes" }
 * parseSchedule("0 9 * * MON-FRI").expression; // "cron(0 9 ? * MON-FRI *)"
 */
export function parseSchedule(input: string): Schedule {
  const { expression, kind, source } = parseScheduleDetail(input);
  return { expression, kind, source };
}

function awsExpressionFor(source: string): string {
  if (/^cron\b/i.test(source)) return source;
  if (source.startsWith("@")) return shorthandToAws(source);
  if (/^every\b/i.test(source)) return englishToAws(source);
  const fields = source.split(/\s+/).length;
  if (fields === 5) return unixCronToAws(source);
  if (fields === 6 || fields === 7) {
    throw scheduleError(
      `"${source}" has ${fields} fields; a Unix cron has 5`,
      "put AWS's six fields inside cron(…), e.g. cron(0 9 ? * MON-FRI *); flexjob takes no seconds field",
    );
  }
  throw scheduleError(`"${source}" is not a schedule expression`, `write e.g. ${EXAMPLES}`);
}

function fromCronOrRate(source: string, expression: string): ParsedSchedule {
  if (expression.startsWith("rate(")) return fromRate(source, expression);
  const cron = parseAwsCron(expression);
  return { kind: "cron", expression: cron.expression, source, cron };
}

function fromRate(source: string, expression: string): ParsedSchedule {
  const rate = parseRate(expression);
  return { kind: "rate", expression: rate.expression, source, rate };
}
