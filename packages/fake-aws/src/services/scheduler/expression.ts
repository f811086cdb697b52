/**
 * EventBridge Scheduler's schedule expression grammar, written independently of any product
 * code: `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` and six-field `cron(...)`. Returns why an
 * expression is invalid, or undefined when it is valid.
 */

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const CRON = /^cron\((.*)\)$/;
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const INTEGER = /^\d+$/;

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** Names standing for min, min+1, … (months, days of week). */
  names?: readonly string[];
  /** Extra single-part forms the field allows (L, W, #). */
  special?: RegExp;
}

const FIELDS: readonly FieldSpec[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31, special: /^(L|LW|([1-9]|[12]\d|3[01])W)$/ },
  { name: "month", min: 1, max: 12, names: MONTHS },
  {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: DAYS,
    special: /^(L|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)L|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)#[1-5])$/,
  },
  { name: "year", min: 1970, max: 2199 },
];

export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] as string;
    if (value < 1) return "a rate must be a positive integer";
    if ((value === 1) !== !unit.endsWith("s")) {
      return value === 1
        ? `use the singular unit for 1: rate(1 ${unit.slice(0, -1)})`
        : `use the plural unit: rate(${value} ${unit}s)`;
    }
    return undefined;
  }
  const at = AT.exec(expression);
  if (at) {
    const [, y, mo, d, h, mi, s] = at.map(Number) as [number, number, number, number, number, number, number];
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    const valid =
      date.getUTCFullYear() === y &&
      date.getUTCMonth() === mo - 1 &&
      date.getUTCDate() === d &&
      h < 24 &&
      mi < 60 &&
      s < 60;
    return valid ? undefined : "not a valid date and time";
  }
  const cron = CRON.exec(expression);
  if (cron) return cronProblem(cron[1] as string);
  return "expected at(...), rate(...) or cron(...)";
}

function cronProblem(body: string): string | undefined {
  const fields = body.split(" ");
  if (fields.length !== 6 || fields.some((f) => f === "")) {
    return "a cron expression has six fields separated by single spaces: minutes hours day-of-month month day-of-week year";
  }
  const dom = fields[2];
  const dow = fields[4];
  if ((dom === "?") === (dow === "?")) {
    return "exactly one of day-of-month and day-of-week must be '?'";
  }
  for (let i = 0; i < 6; i++) {
    const spec = FIELDS[i] as FieldSpec;
    const field = fields[i] as string;
    if (field === "?" && (i === 2 || i === 4)) continue;
    if (!fieldValid(field.toUpperCase(), spec)) return `invalid ${spec.name} field '${field}'`;
  }
  return undefined;
}

function fieldValid(field: string, spec: FieldSpec): boolean {
  const parts = field.split(",");
  return parts.every((part) => partValid(part, spec, parts.length === 1));
}

function partValid(part: string, spec: FieldSpec, alone: boolean): boolean {
  if (spec.special?.test(part)) return alone || !part.includes("#");
  const slash = part.split("/");
  if (slash.length > 2) return false;
  const [base, step] = slash as [string, string | undefined];
  if (step !== undefined && (!INTEGER.test(step) || Number(step) < 1 || Number(step) > spec.max))
    return false;
  if (base === "*") return true;
  const range = base.split("-");
  if (range.length > 2) return false;
  return range.every((value) => fieldValue(value, spec) !== undefined);
}

function fieldValue(text: string, spec: FieldSpec): number | undefined {
  if (INTEGER.test(text)) {
    const n = Number(text);
    return n >= spec.min && n <= spec.max ? n : undefined;
  }
  const index = spec.names?.indexOf(text) ?? -1;
  return index >= 0 ? spec.min + index : undefined;
}

const knownZones = new Set(Intl.supportedValuesOf("timeZone"));
const ZONE_SHAPE = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Za-z0-9][A-Za-z0-9_+-]*)*$/;
const zoneCache = new Map<string, boolean>();

/** An IANA zone name (canonical, or an alias such as `UTC` or `US/Eastern`), not an offset. */
export function isTimeZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  const cached = zoneCache.get(zone);
  if (cached !== undefined) return cached;
  let valid = ZONE_SHAPE.test(zone);
  if (valid) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
    } catch {
      valid = false;
    }
  }
  zoneCache.set(zone, valid);
  return valid;
}
