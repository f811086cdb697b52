import { isFlexjobError } from "../../errors.js";
import {
  FARGATE_SIZES,
  fargateSizeFor,
  formatMemory,
  listWithOr,
  MIB_PER_GIB,
  UNITS_PER_VCPU,
  validMemoryFor,
} from "../../sizing/index.js";
import { fail, type JobContext, mapTo, origin, report, valueAt } from "./context.js";
import { goDurationSeconds, secondsText } from "./go-duration.js";
import { copilotSchedule, copilotScheduleNote } from "./schedule.js";

/** What Copilot gives a Scheduled Job that sets no size (its `newDefaultScheduledJob`). */
export const COPILOT_DEFAULTS = { cpuUnits: 256, memoryMiB: 512 } as const;

/** `on.schedule`: the expression Copilot deploys, read in UTC, as EventBridge rules are. */
export function convertSchedule(ctx: JobContext): void {
  const path = ["on", "schedule"];
  const text = valueAt(ctx, path);
  if (typeof text !== "string") {
    fail(ctx, path, "is missing", 'add on.schedule, e.g. on: { schedule: "@daily" }');
    return;
  }
  try {
    const schedule = copilotSchedule(text);
    const note = copilotScheduleNote(text);
    if (schedule.kind === "none") {
      // Copilot deploys `none` as a disabled rule (with rate(5 minutes) in it): runs only by hand.
      mapTo(
        ctx,
        path,
        "schedule",
        "rate(5 minutes)",
        "none: Copilot's disabled rule, kept disabled (run it with flexjob run)",
      );
      ctx.out.timezone = "UTC";
      ctx.out.enabled = false;
      return;
    }
    const same = schedule.expression === text ? "" : ` (Copilot deploys ${JSON.stringify(text)} as this)`;
    mapTo(
      ctx,
      path,
      "schedule",
      schedule.expression,
      `${schedule.expression} in UTC${same}${note ? `; ${note}` : ""}`,
    );
    ctx.out.timezone = "UTC";
  } catch (error) {
    if (!isFlexjobError(error)) throw error;
    // Its message names on.schedule and the value already.
    const { field, line } = origin(ctx, path);
    ctx.problems.push({ file: ctx.file, line, field, message: error.message, remedy: error.remedy ?? "" });
  }
}

/** cpu and memory, Copilot's defaults written out: flexjob's own defaults are not Copilot's units. */
export function convertSize(ctx: JobContext): void {
  const cpuUnits = numberAt(ctx, "cpu") ?? COPILOT_DEFAULTS.cpuUnits;
  const memoryMiB = numberAt(ctx, "memory") ?? COPILOT_DEFAULTS.memoryMiB;
  const cpu = cpuUnits / UNITS_PER_VCPU;
  const memory = memoryMiB / MIB_PER_GIB;
  if (!fargateSizeFor(cpu)) {
    const units = FARGATE_SIZES.map((size) => size.cpuUnits);
    fail(ctx, ["cpu"], `is ${cpuUnits} CPU units, not a Fargate size`, `use cpu ${listWithOr(units)}`);
    return;
  }
  const allowed = validMemoryFor(cpu);
  if (!allowed.includes(memory)) {
    const mib = allowed.map((gib) => gib * MIB_PER_GIB);
    const range =
      mib.length > 7
        ? `${mib[0]} to ${mib.at(-1)} in steps of ${(mib[1] ?? 0) - (mib[0] ?? 0)}`
        : listWithOr(mib);
    fail(
      ctx,
      ["memory"],
      `is ${memoryMiB} MiB, which Fargate does not run with cpu ${cpuUnits}`,
      `with cpu ${cpuUnits} use memory ${range} (MiB), or change cpu`,
    );
    return;
  }
  ctx.out.cpu = cpu;
  ctx.out.memory = formatMemory(memory);
  sizeEntry(ctx, "cpu", `${cpuUnits} CPU units`, `${cpu} vCPU`);
  sizeEntry(ctx, "memory", `${memoryMiB} MiB`, formatMemory(memory));
}

function numberAt(ctx: JobContext, key: string): number | undefined {
  const value = valueAt(ctx, [key]);
  return typeof value === "number" ? value : undefined;
}

function sizeEntry(ctx: JobContext, key: "cpu" | "memory", copilot: string, written: string): void {
  const to = `jobs.${ctx.job}.${key}`;
  if (valueAt(ctx, [key]) === undefined) {
    report(ctx, [key], "default", to, `not set: Copilot's default ${copilot}, written as ${written}`);
  } else {
    report(ctx, [key], "mapped", to, `${copilot} = ${written}`);
  }
}

export function convertStorage(ctx: JobContext): void {
  const ephemeral = valueAt(ctx, ["storage", "ephemeral"]);
  if (typeof ephemeral !== "number") return;
  mapTo(ctx, ["storage", "ephemeral"], "storage", ephemeral, `${ephemeral} GiB of ephemeral storage`);
}

/** Fargate platforms Copilot accepts for Linux, by the architecture flexjob calls them. */
const LINUX_ARCH: Readonly<Record<string, "x86_64" | "arm64">> = {
  amd64: "x86_64",
  x86_64: "x86_64",
  arm: "arm64",
  arm64: "arm64",
};

export function convertPlatform(ctx: JobContext): void {
  const platform = valueAt(ctx, ["platform"]);
  if (platform === undefined) return;
  // Copilot's string form is exactly `os/arch`; its map form names the two.
  const parts =
    typeof platform === "string"
      ? platform.toLowerCase().split("/")
      : [
          String((platform as Record<string, unknown>).osfamily).toLowerCase(),
          String((platform as Record<string, unknown>).architecture).toLowerCase(),
        ];
  const [os, arch] = parts;
  const flexArch = parts.length === 2 && os === "linux" && arch !== undefined ? LINUX_ARCH[arch] : undefined;
  if (flexArch === undefined) {
    const windows = os?.startsWith("windows") ?? false;
    fail(
      ctx,
      ["platform"],
      `is ${JSON.stringify(platform)}, ${windows ? "a Windows platform; flexjob runs Linux containers only" : "not a platform Copilot accepts"}`,
      "use linux/x86_64 or linux/arm64 (an image built for that platform), or remove platform for linux/x86_64",
    );
    return;
  }
  mapTo(ctx, ["platform"], "arch", flexArch, `${os}/${arch} runs as arch ${flexArch}`);
}

/** flexjob re-runs a failed run at most this many times. */
const MAX_RETRIES = 10;

export function convertRetries(ctx: JobContext): void {
  const retries = valueAt(ctx, ["retries"]);
  if (typeof retries !== "number") return;
  if (retries > MAX_RETRIES) {
    fail(
      ctx,
      ["retries"],
      `is ${retries}; flexjob re-runs a failed run at most ${MAX_RETRIES} times`,
      `lower retries to ${MAX_RETRIES} or less`,
    );
    return;
  }
  mapTo(
    ctx,
    ["retries"],
    "retries",
    retries,
    `${retries} re-runs of a failed run; flexjob waits 30 s, 60 s, 120 s… between them where Copilot waited 10 s, 15 s, 22.5 s…`,
  );
}

/** flexjob's timeout is Step Functions' TimeoutSeconds, as Copilot's is, from one minute. */
const MIN_TIMEOUT_SECONDS = 60;

export function convertTimeout(ctx: JobContext): void {
  const timeout = valueAt(ctx, ["timeout"]);
  if (typeof timeout !== "string") return;
  const seconds = goDurationSeconds(timeout);
  if (seconds === undefined || !Number.isInteger(seconds) || seconds < 1) {
    fail(
      ctx,
      ["timeout"],
      `is ${JSON.stringify(timeout)}, not a whole number of seconds of at least 1s`,
      'write a duration such as "90m" or "1h30m"',
    );
    return;
  }
  if (seconds < MIN_TIMEOUT_SECONDS) {
    fail(
      ctx,
      ["timeout"],
      `is ${JSON.stringify(timeout)}; flexjob's timeout is at least 1 minute`,
      'raise it to "1m" or more',
    );
    return;
  }
  mapTo(
    ctx,
    ["timeout"],
    "timeout",
    secondsText(seconds),
    `${timeout}: the whole run, retries included, as in Copilot`,
  );
}
