/**
 * AWS Copilot's `on.schedule`, turned into the EventBridge expression Copilot deploys for it
 * (aws/copilot-cli `internal/pkg/deploy/cloudformation/stack/scheduled_job.go`, `awsSchedule`),
 * so an imported job runs at the times the Copilot job ran — Copilot's quirks included — rather
 * than at the times flexjob or Unix cron would read into the same text. Copilot's order:
 * 1. `none`, or any value containing `rate(…)`/`cron(…)`, is deployed verbatim;
 * 2. anything else must pass robfig/cron v3's standard parser (5 fields or an `@` descriptor);
 * 3. `@every <Go duration>` → `rate(N minutes)`, presets → fixed crons, 5 fields → AWS 6 fields.
 * All of it is UTC: a Copilot manifest has no time zone.
 */
import { FlexjobError, internal, showValue } from "../../errors.js";
import type { CronSpec } from "../../schedule/cron.js";
import { parseScheduleDetail } from "../../schedule/parse.js";
import { INT64_LIMIT, parseGoDuration } from "./go-duration.js";

/** Copilot's `on.schedule` as Copilot deploys it, read as flexjob reads schedules. */
export type CopilotSchedule =
  /** `expression`: the EventBridge expression Copilot deploys, e.g. "cron(0 9 ? * 2-6 *)" or "rate(90 minutes)". */
  | { kind: "expression"; copilot: string; expression: string }
  /** Copilot creates the rule DISABLED: the job only runs when started by hand. */
  | { kind: "none"; copilot: "none" };

const FIELD = "on.schedule";

/**
 * The schedule a Copilot Scheduled Job deploys with, as an expression flexjob's parseSchedule
 * accepts and that fires at the same instants (UTC). Throws FlexjobError (CONFIG_INVALID, user)
 * naming the value and the fix for forms Copilot rejects or deploys broken.
 * @example copilotSchedule("0 9 * * 1-5") // { kind: "expression", copilot: "0 9 * * 1-5", expression: "cron(0 9 ? * 2-6 *)" }
 * @example copilotSchedule("@every 1h30m").expression // "rate(90 minutes)"
 */
export function copilotSchedule(text: string): CopilotSchedule {
  return readCopilotSchedule(text).schedule;
}

/**
 * A note when Copilot's deployed meaning differs from what standard cron (robfig/cron, as Unix
 * cron does) reads in the same 5-field text — steps in a day field Copilot drops, or day-of-week
 * steps Copilot renumbers; undefined otherwise. Throws as copilotSchedule does.
 * @example copilotScheduleNote("0 0 *∕2 * *") // "on.schedule \"0 0 *∕2 * *\": Copilot deploys cron(0 0 * * ? *) …"
 */
export function copilotScheduleNote(text: string): string | undefined {
  return readCopilotSchedule(text).note;
}

interface Reading {
  schedule: CopilotSchedule;
  note?: string;
}

// Copilot's own test for "already an AWS expression": unanchored, so it matches inside any text.
const PASSTHROUGH = /((?:rate|cron)\([^\n]*\)|none)/;
const EXACT_PASSTHROUGH = /^(?:rate|cron)\([^\n]*\)$/;

function readCopilotSchedule(text: string): Reading {
  if (text === "") throw copilotError(`${FIELD} is empty`, "write a schedule, e.g. @daily, or none");
  if (text === "none") return { schedule: { kind: "none", copilot: "none" } };
  if (PASSTHROUGH.test(text)) return { schedule: passthrough(text) };
  if (/^(?:CRON_)?TZ=/.test(text)) {
    throw copilotError(
      `${FIELD} ${showValue(text)} starts with a time zone, which Copilot reads as the first cron field and deploys broken`,
      "drop the TZ= prefix and write the times in UTC (Copilot schedules are UTC); after the import, set the job's timezone in flexjob.yml if you want local times",
    );
  }
  if (text.startsWith("@every ")) return { schedule: expression(text, everyToRate(text)) };
  if (text.startsWith("@")) return { schedule: expression(text, presetToCron(text)) };
  return fiveFieldCron(text);
}

function expression(copilot: string, aws: string): CopilotSchedule {
  return { kind: "expression", copilot, expression: aws };
}

function copilotError(message: string, remedy: string, cause?: unknown): FlexjobError {
  return new FlexjobError(message, { code: "CONFIG_INVALID", fault: "user", remedy, cause });
}

/** `rate(…)`/`cron(…)` as the whole value go to EventBridge as written, so they must be valid there. */
function passthrough(text: string): CopilotSchedule {
  if (!EXACT_PASSTHROUGH.test(text)) {
    throw copilotError(
      `${FIELD} ${showValue(text)} contains "none", "rate(…)" or "cron(…)" among other text; Copilot deploys such a value unchanged and EventBridge rejects it`,
      "write exactly none, or a whole AWS expression such as rate(5 minutes) or cron(0 9 ? * MON-FRI *), with nothing around it",
    );
  }
  assertDeployable(text, text, "Copilot deploys it unchanged");
  return expression(text, text);
}

/** Copilot's result must pass flexjob's (EventBridge's) rules, or the Copilot job never deployed. */
function assertDeployable(copilot: string, aws: string, how: string): CronSpec | undefined {
  try {
    const parsed = parseScheduleDetail(aws);
    return parsed.kind === "cron" ? parsed.cron : undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw copilotError(
      `${FIELD} ${showValue(copilot)}: ${how} as ${aws}, which EventBridge rejects (${reason})`,
      "write the schedule as an AWS expression Copilot passes through unchanged, e.g. cron(0 9 ? * MON-FRI *) or rate(1 hour), and import again",
      error,
    );
  }
}

const PRESETS: Readonly<Record<string, string>> = {
  "@hourly": "cron(0 * * * ? *)",
  "@daily": "cron(0 0 * * ? *)",
  "@midnight": "cron(0 0 * * ? *)",
  // 1 is Sunday in AWS's day-of-week
  "@weekly": "cron(0 0 ? * 1 *)",
  "@monthly": "cron(0 0 1 * ? *)",
  "@yearly": "cron(0 0 1 1 ? *)",
  "@annually": "cron(0 0 1 1 ? *)",
};

/** robfig/cron takes only these exact, lower-case descriptors; Copilot rejects the rest. */
function presetToCron(text: string): string {
  const cron = PRESETS[text];
  if (cron !== undefined) return cron;
  throw copilotError(
    `${FIELD} ${showValue(text)} is not a schedule Copilot accepts: robfig/cron knows no such descriptor`,
    `use one of ${Object.keys(PRESETS).join(", ")} (lower case), or @every followed by a duration such as 30m`,
  );
}

const NS_PER_MINUTE = 60_000_000_000n;

/**
 * `@every <duration>` becomes a rate in minutes, the only unit Copilot writes: `@every 1h` →
 * `rate(60 minutes)`. Copilot requires a whole number of minutes, then at least one.
 */
function everyToRate(text: string): string {
  const durationText = text.slice("@every ".length);
  const nanoseconds = parseGoDuration(durationText);
  if (typeof nanoseconds === "string") {
    throw copilotError(
      `${FIELD} ${showValue(text)}: ${showValue(durationText)} is not a Go duration (${nanoseconds})`,
      "write a number and a unit among h, m, s (also ms, us, ns; no d), e.g. @every 30m, @every 1h30m or @every 1.5h",
    );
  }
  if (nanoseconds % NS_PER_MINUTE !== 0n) {
    throw copilotError(
      `${FIELD} ${showValue(text)} is not a whole number of minutes, which Copilot requires`,
      `round it to whole minutes, e.g. @every ${roundedMinutes(nanoseconds)}m`,
    );
  }
  if (nanoseconds < NS_PER_MINUTE) {
    throw copilotError(
      `${FIELD} ${showValue(text)} is shorter than 1 minute, which Copilot rejects`,
      "use 1 minute or more, e.g. @every 1m",
    );
  }
  const minutes = nanoseconds / NS_PER_MINUTE;
  return minutes === 1n ? "rate(1 minute)" : `rate(${minutes} minutes)`;
}

function roundedMinutes(nanoseconds: bigint): string {
  const rounded = (nanoseconds + NS_PER_MINUTE / 2n) / NS_PER_MINUTE;
  return String(rounded < 1n ? 1n : rounded);
}

// ---- 5-field cron: robfig/cron's acceptance rules, then Copilot's rewrite -------------------

interface RobfigBounds {
  label: string;
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

/** A field as robfig/cron reads it: the values it matches, and whether it counts as `*`. */
interface RobfigField {
  text: string;
  values: ReadonlySet<number>;
  /** robfig's star bit: with it on either day field, the two day fields must both match. */
  star: boolean;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const ROBFIG_FIELDS: readonly RobfigBounds[] = [
  { label: "minute", min: 0, max: 59 },
  { label: "hour", min: 0, max: 23 },
  { label: "day-of-month", min: 1, max: 31 },
  { label: "month", min: 1, max: 12, names: Object.fromEntries(MONTHS.map((name, i) => [name, i + 1])) },
  // robfig stops at 6: Sunday is 0 only, unlike the Unix crons that also take 7
  { label: "day-of-week", min: 0, max: 6, names: Object.fromEntries(WEEKDAYS.map((name, i) => [name, i])) },
];

// Go's strings.Fields splits on unicode.IsSpace, which is this set
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

const CRON_REMEDY =
  "write 5 fields (minute hour day-of-month month day-of-week, day-of-week 0-6 or SUN-SAT, no L, W or #), e.g. 0 9 * * 1-5; or an AWS expression Copilot passes through, e.g. cron(0 9 ? * MON-FRI *)";

function fiveFieldCron(text: string): Reading {
  const texts = text.split(GO_SPACE).filter((part) => part !== "");
  if (texts.length !== 5) {
    throw copilotError(
      `${FIELD} ${showValue(text)} has ${texts.length} field${texts.length === 1 ? "" : "s"}; Copilot's cron (robfig/cron) takes exactly 5, or a preset such as @daily`,
      CRON_REMEDY,
    );
  }
  const fields = ROBFIG_FIELDS.map((bounds, index) => robfigField(text, texts[index] ?? "", bounds));
  const copilotCron = toAwsCron(text, texts);
  const deployed = listWeekdaySteps(text, copilotCron);
  const spec = assertDeployable(text, deployed, "Copilot deploys it");
  if (spec === undefined) throw internal(`Copilot's cron for ${showValue(text)} read as a rate: ${deployed}`);
  const schedule = expression(text, deployed);
  const five = fields as FiveFields;
  const reasons = differences(five, spec);
  if (reasons === undefined) return { schedule };
  return { schedule, note: quirkNote(text, five, { cron: copilotCron, deployed, reasons }) };
}

/** One field by robfig/cron v3's getField/getRange rules; throws with robfig's complaint. */
function robfigField(text: string, value: string, bounds: RobfigBounds): RobfigField {
  const values = new Set<number>();
  let star = false;
  // Go's strings.FieldsFunc drops empty items, so robfig takes "1,,2"
  for (const item of value.split(",").filter((part) => part !== "")) {
    const range = robfigRange(text, item, bounds);
    for (let v = range.start; v <= range.end; v += range.step) values.add(v);
    star ||= range.star;
  }
  return { text: value, values, star };
}

function robfigRange(text: string, item: string, bounds: RobfigBounds) {
  const bad = (why: string) =>
    copilotError(
      `${FIELD} ${showValue(text)}: ${bounds.label} ${showValue(item)} ${why}, which Copilot rejects`,
      CRON_REMEDY,
    );
  const [rangeText = "", ...stepTexts] = item.split("/");
  const [low = "", ...highs] = rangeText.split("-");
  let start = bounds.min;
  let end = bounds.max;
  // robfig reads a range starting with * or ? as the whole field, whatever follows the "-"
  let star = low === "*" || low === "?";
  if (!star) {
    if (highs.length > 1) throw bad("has too many hyphens");
    start = robfigNumber(low, bounds, bad);
    end = highs[0] === undefined ? start : robfigNumber(highs[0], bounds, bad);
  }
  let step = 1;
  if (stepTexts.length > 1) throw bad("has too many slashes");
  if (stepTexts[0] !== undefined) {
    step = robfigNumber(stepTexts[0], {}, bad);
    // "N/step" means N to the end of the field
    if (highs.length === 0) end = bounds.max;
    if (step > 1) star = false;
  }
  if (start < bounds.min) throw bad(`starts below ${bounds.min}`);
  if (end > bounds.max)
    throw bad(`goes above ${bounds.max}${bounds.label === "day-of-week" ? " (Sunday is 0, not 7)" : ""}`);
  if (start > end) throw bad("runs backwards");
  if (step === 0) throw bad("has a step of 0");
  return { start, end, step, star };
}

/** Go's strconv.Atoi (optional +, ASCII digits), or a name; L, W and # fail here as in robfig. */
function robfigNumber(
  text: string,
  bounds: Pick<RobfigBounds, "names">,
  bad: (why: string) => FlexjobError,
): number {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\+?\d+$/.test(text)) {
    throw bad(/[LW#]/i.test(text) ? "uses L, W or #, which robfig/cron lacks" : "is not a number or name");
  }
  if (BigInt(text) >= INT64_LIMIT) throw bad("has a number too large");
  return Number(text);
}

/** Copilot counts a day field as unset when it holds `*` or `?` anywhere — `*∕2` included. */
function unset(field: string): boolean {
  return /[*?]/.test(field);
}

/**
 * Copilot's toAWSCron: one day field becomes `?`, every digit of day-of-week goes up by one
 * (0-6 → 1-7, but also a step: `1-5/2` → `2-6/3`), and the year `*` is added.
 */
function toAwsCron(text: string, texts: readonly string[]): string {
  const [minute, hour, dom = "", month, dow = ""] = texts;
  let awsDom = dom;
  let awsDow = dow;
  if (unset(dom) && unset(dow)) [awsDom, awsDow] = ["*", "?"];
  else if (unset(dom)) awsDom = "?";
  else if (unset(dow)) awsDow = "?";
  else {
    throw copilotError(
      `${FIELD} ${showValue(text)} sets both day-of-month ${showValue(dom)} and day-of-week ${showValue(dow)}, which Copilot rejects`,
      `keep one and put * in the other (e.g. ${minute} ${hour} ${dom} ${month} * or ${minute} ${hour} * ${month} ${dow}); for either day, make two jobs`,
    );
  }
  const shifted = awsDow.replace(/\d/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 1));
  return `cron(${minute} ${hour} ${awsDom} ${month} ${shifted} *)`;
}

const AWS_WEEKDAYS = WEEKDAYS.map((name) => name.toUpperCase());

/**
 * AWS documents no `/` in day-of-week and flexjob follows the docs, so a step Copilot deployed
 * there (read as cron's `from-to/step`, `from/step` running to Saturday, 7) is written as the
 * list of days it names: `2-6/3` → `2,5`. Everything else stays as Copilot wrote it.
 */
function listWeekdaySteps(text: string, copilotCron: string): string {
  const fields = copilotCron.slice("cron(".length, -1).split(" ");
  const dow = fields[4] ?? "";
  if (!dow.includes("/")) return copilotCron;
  const listed = dow
    .split(",")
    .map((item) => (item.includes("/") ? weekdayStepValues(text, copilotCron, item).join(",") : item));
  fields[4] = listed.join(",");
  return `cron(${fields.join(" ")})`;
}

function weekdayStepValues(text: string, copilotCron: string, item: string): number[] {
  const match = /^([A-Za-z]+|\d+)(?:-([A-Za-z]+|\d+))?\/(\d+)$/.exec(item);
  const day = (token: string | undefined) => {
    if (token === undefined) return 7;
    const named = AWS_WEEKDAYS.indexOf(token.toUpperCase());
    return named >= 0 ? named + 1 : Number(token);
  };
  const from = day(match?.[1]);
  const to = day(match?.[2]);
  const step = Number(match?.[3]);
  if (match === null || !(from >= 1 && from <= to && to <= 7 && step >= 1)) {
    throw copilotError(
      `${FIELD} ${showValue(text)}: Copilot adds 1 to every digit of day-of-week, step included, and deploys it as ${copilotCron}, which EventBridge rejects (day-of-week ${showValue(item)})`,
      "write the schedule as an AWS expression Copilot passes through unchanged, e.g. cron(0 9 ? * MON,THU *), and import again",
    );
  }
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

type FiveFields = [RobfigField, RobfigField, RobfigField, RobfigField, RobfigField];

/**
 * Why the deployed schedule fires at other times than standard cron (robfig/cron itself) reads
 * in the same five fields, or undefined when they fire alike. Compared by the values each
 * field matches, and the day rule over every day-of-month × weekday pair.
 */
function differences(fields: FiveFields, spec: CronSpec): string[] | undefined {
  const [minute, hour, dom, month, dow] = fields;
  const same = (field: RobfigField, values: readonly number[]) =>
    field.values.size === values.length && values.every((value) => field.values.has(value));
  const timesAlike =
    same(minute, spec.minutes.values) && same(hour, spec.hours.values) && same(month, spec.months.values);
  if (timesAlike && daysAlike(dom, dow, spec)) return undefined;
  const reasons: string[] = [];
  for (const [field, full] of [
    [dom, 31],
    [dow, 7],
  ] as const) {
    if (unset(field.text) && field.values.size < full) {
      reasons.push(
        `day-of-${full === 31 ? "month" : "week"} ${showValue(field.text)} contains "${field.text.includes("*") ? "*" : "?"}", so Copilot ignores it`,
      );
    }
  }
  if (!unset(dow.text) && dow.text.includes("/")) {
    reasons.push(`Copilot adds 1 to every digit of day-of-week ${showValue(dow.text)}, its step too`);
  }
  return reasons;
}

/** Standard cron: with `*` in either day field both must match, otherwise either one. */
function daysAlike(dom: RobfigField, dow: RobfigField, spec: CronSpec): boolean {
  const deployedDom = spec.dayOfMonth.kind === "days" ? new Set(spec.dayOfMonth.field.values) : undefined;
  // AWS numbers the week 1-7 from Sunday, cron 0-6
  const deployedDow =
    spec.dayOfWeek.kind === "days" ? new Set(spec.dayOfWeek.field.values.map((day) => day - 1)) : undefined;
  for (let day = 1; day <= 31; day += 1) {
    for (let weekday = 0; weekday <= 6; weekday += 1) {
      const standard =
        dom.star || dow.star
          ? dom.values.has(day) && dow.values.has(weekday)
          : dom.values.has(day) || dow.values.has(weekday);
      const deployed = (deployedDom?.has(day) ?? true) && (deployedDow?.has(weekday) ?? true);
      if (standard !== deployed) return false;
    }
  }
  return true;
}

function quirkNote(
  text: string,
  fields: FiveFields,
  copilot: { cron: string; deployed: string; reasons: readonly string[] },
): string {
  const { cron: copilotCron, deployed, reasons } = copilot;
  const standard = standardReading(fields);
  const listed =
    deployed === copilotCron
      ? ""
      : ` AWS documents no "/" in day-of-week, so flexjob writes the same days as a list: ${deployed}.`;
  return (
    `${FIELD} ${showValue(text)}: Copilot deploys ${copilotCron}, not what standard cron reads (${standard})` +
    `${reasons.length > 0 ? `: ${reasons.join("; ")}` : ""}.${listed}` +
    " flexjob imports Copilot's schedule, the times the job ran; if the standard reading was meant, change the schedule in flexjob.yml."
  );
}

/** Standard cron's meaning as an AWS expression, where one can say it. */
function standardReading([minute, hour, dom, month, dow]: FiveFields): string {
  const list = (values: ReadonlySet<number>, shift: number) =>
    [...values]
      .sort((a, b) => a - b)
      .map((value) => value + shift)
      .join(",");
  if (!dom.star && !dow.star)
    return "runs when either day field matches, which one EventBridge expression cannot say";
  // a star field matches every day, so the other field alone decides
  const days = dow.star
    ? `${dom.star ? "*" : list(dom.values, 0)} ${month.text} ?`
    : `? ${month.text} ${list(dow.values, 1)}`;
  return `cron(${minute.text} ${hour.text} ${days} *)`;
}
