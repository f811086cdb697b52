import { z } from "zod";
import { FlexjobError } from "../errors.js";
import { assertTimezone, parseSchedule } from "../schedule/index.js";
import { SCHEDULER_RETRY } from "../schedule/retry-policy.js";
import {
  ARCHITECTURES,
  assertSizePair,
  DEFAULT_ARCHITECTURE,
  DEFAULT_CPU,
  DEFAULT_MEMORY_GIB,
  MIB_PER_GIB,
  parseCpu,
  parseMemory,
  parseStorage,
  type ResolvedSize,
  STORAGE_GIB,
  UNITS_PER_VCPU,
} from "../sizing/index.js";
import { alertsSchema, jobAlertsSchema } from "./alerts.js";
import {
  CLUSTER_PATTERN,
  clusterProblem,
  NAMESPACE_PATTERN,
  namespaceProblem,
  REGION_PATTERN,
  ROLE_PATTERN,
  regionProblem,
  roleProblem,
  SECRET_ARN_PATTERN,
  SECURITY_GROUP_PATTERN,
  SUBNET_PATTERN,
  secretArnProblem,
  securityGroupProblem,
  subnetProblem,
} from "./aws-identifiers.js";
import { DURATION_PATTERN, durationProblem, durationSeconds, shownDuration } from "./duration.js";
import { doc, FORMS_KEY, type ScheduleForm } from "./field-docs.js";
import { IMAGE_REFERENCE_PATTERN, parseImageReference } from "./image-reference.js";
import { appLogsSchema, jobLogsSchema, type LogDestination } from "./logs.js";
import {
  APP_NAME_PATTERN,
  appJobNameProblem,
  appNameProblem,
  BUILD_ARG_NAME_PATTERN,
  branchProblem,
  buildArgNameProblem,
  buildSecretNameProblem,
  ENV_NAME_PATTERN,
  envNameProblem,
  JOB_NAME_PATTERN,
  jobNameProblem,
} from "./names.js";
import { convertWith, type Problem, raise, refineWith } from "./problem.js";
import { repositoryPathProblem } from "./repo-path.js";
import { splitCommand } from "./shell-words.js";
import { defaultStartRetryMaxAge } from "./start-retry.js";

/**
 * The one schema of flexjob.yml. Its input side is what users write (and what the JSON Schema for
 * editors describes); its output side is {@link FlexjobConfig}, with every default filled and every
 * size, duration and schedule resolved. Every field carries a description with an example and,
 * where it maps to AWS, a link to the AWS documentation.
 */

const AWS_DOCS = {
  taskSize:
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
  storage: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html",
  runtimePlatform:
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#runtime-platform",
  spot: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html",
  scheduleTypes: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html",
  timezone: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#time-zones",
  flexibleWindow:
    "https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-flexible-time-windows.html",
  retry: "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html",
  stepFunctionsRetry: "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html",
  timeout: "https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html",
  startEnd:
    "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html#scheduler-CreateSchedule-request-StartDate",
  healthCheck: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html",
  env: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html",
  secrets: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
  taskRole: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
  network: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
  cluster: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/clusters.html",
  insights: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContainerInsights.html",
  metrics: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/working_with_metrics.html",
  dashboard: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Dashboards.html",
  discovery: "https://docs.aws.amazon.com/cloud-map/latest/dg/working-with-namespaces.html",
  command:
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_environment",
  image:
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image",
  regions: "https://docs.aws.amazon.com/general/latest/gr/rande.html#regional-endpoints",
} as const;

/** A string with a JSON Schema pattern for editors and flexjob's own check for messages. */
function checkedString(pattern: string, check: (value: string) => Problem | undefined) {
  return z.string().meta({ pattern }).superRefine(refineWith(check));
}

/**
 * A whole number in [min, max]. Not zod's integer check: a non-integer aborts the whole parse,
 * which would hold back the cross-field checks of every other job until the number is fixed.
 */
const wholeNumber = (min: number, max: number) =>
  z.number().multipleOf(1).min(min).max(max).meta({ type: "integer" });

const numberOrString = () => z.union([z.number(), z.string()]);

/** Env values: strings, or numbers and booleans written as YAML scalars, passed on as text. */
const scalarText = () => z.union([z.string(), z.number(), z.boolean()]).transform((value) => String(value));

// ---------------------------------------------------------------------------------------------
// Job fields

const sourceSchema = z
  .strictObject({
    rootDir: z
      .string()
      .superRefine(refineWith((dir) => repositoryPathProblem("rootDir", dir)))
      .default(".")
      .meta(
        doc("Build context: the folder the image is built from, relative to flexjob.yml.", "services/report"),
      ),
    dockerfile: z
      .string()
      .min(1)
      .optional()
      .meta(
        doc(
          "Dockerfile to build, relative to rootDir. Without it flexjob uses rootDir/Dockerfile, or generates one when there is none.",
          "Dockerfile.jobs",
          undefined,
          "`rootDir/Dockerfile`, else generated",
        ),
      ),
    buildArgs: z
      .record(checkedString(BUILD_ARG_NAME_PATTERN, buildArgNameProblem), scalarText())
      .prefault({})
      .meta(doc("Build arguments (`docker build --build-arg NAME=value`).", { NODE_VERSION: "22" })),
    buildSecrets: z
      .array(checkedString(BUILD_ARG_NAME_PATTERN, buildSecretNameProblem))
      .prefault([])
      .meta(
        doc(
          "Environment variables of the deploying machine passed to the build as BuildKit secrets (`--secret id=NAME,env=NAME`), never as build args, which end up in the image's history. A generated Dockerfile makes each an environment variable of its install and build steps only; your own Dockerfile reads them with `RUN --mount=type=secret,id=NAME`.",
          ["NPM_TOKEN"],
        ),
      ),
  })
  .superRefine((source, ctx) => {
    // The Dockerfile is relative to rootDir, so only the two together say where it is.
    const problem =
      source.dockerfile === undefined
        ? undefined
        : repositoryPathProblem("dockerfile", source.dockerfile, source.rootDir);
    if (problem) {
      ctx.addIssue({
        code: "custom",
        path: ["dockerfile"],
        message: problem.message,
        params: { remedy: problem.remedy },
        input: source.dockerfile,
      });
    }
  })
  .meta(
    doc(
      "Build the job's image from this repository. The default when neither source nor image is given is `{ rootDir: . }`.",
      { rootDir: "." },
      undefined,
      '`{ rootDir: "." }` when no `image`',
    ),
  );

const imageSchema = checkedString(IMAGE_REFERENCE_PATTERN, (reference) => {
  const parsed = parseImageReference(reference);
  return "problem" in parsed ? parsed.problem : undefined;
}).meta(
  doc(
    "Run an existing image instead of building one: a registry image reference `[registry/]repository[:tag][@digest]`. Exclusive with source.",
    "public.ecr.aws/docker/library/redis:7-alpine",
    AWS_DOCS.image,
  ),
);

function commandWords(command: string | string[]): string[] {
  if (Array.isArray(command)) return command;
  const split = splitCommand(command);
  if ("problem" in split) raise(split.problem);
  return split.words;
}

const commandSchema = z
  .union([z.string().min(1), z.array(z.string()).min(1)])
  .meta(
    doc(
      'The command the container runs, overriding the image\'s CMD. A list is used as is (exec form). A string is split into words like a shell splits them (quotes and backslashes), but runs without a shell: no variables, pipes or &&; for those write ["sh", "-c", "…"].',
      'python -m report --since "1 day"',
      AWS_DOCS.command,
      "the image's own",
    ),
  )
  .transform(convertWith(commandWords))
  .optional();

/** A task size field: a number or a string with units, resolved by its sizing parser. */
const sizeSchema = (
  description: string,
  example: number,
  parse: (value: number | string) => number,
  fallback: number,
  aws: string,
) =>
  numberOrString()
    .meta(doc(description, example, aws))
    .transform(convertWith(parse))
    .prefault(fallback);

const cpuSchema = sizeSchema(
  'vCPU per task: 0.25, 0.5, 1, 2, 4, 8 or 16. Also accepted: CPU units as a string ("1024", "1024 units") and "1 vCPU". A bare number from 128 up means CPU units.',
  1,
  parseCpu,
  DEFAULT_CPU,
  AWS_DOCS.taskSize,
);

const memorySchema = sizeSchema(
  'Memory per task in GiB, valid for the cpu (0.25 vCPU: 0.5, 1 or 2; 0.5: 1-4; 1: 2-8; 2: 4-16; 4: 8-30; 8: 16-60 in steps of 4; 16: 32-120 in steps of 8). Also accepted: "512 MiB", "2 GiB", "2 GB" (read as GiB, as ECS does). A bare number from 128 up means MiB.',
  2,
  parseMemory,
  DEFAULT_MEMORY_GIB,
  AWS_DOCS.taskSize,
);

const storageSchema = sizeSchema(
  "Ephemeral storage per task in whole GiB, 20 (the default, included in the price) to 200.",
  50,
  parseStorage,
  STORAGE_GIB.default,
  AWS_DOCS.storage,
);

const RETRY_MAX_AGE = {
  min: SCHEDULER_RETRY.maxAgeSeconds.min,
  max: SCHEDULER_RETRY.maxAgeSeconds.max,
  example: "6h",
} as const;

function maxAgeSeconds(value: number | string): number {
  const problem = durationProblem("maxAge", value, RETRY_MAX_AGE);
  if (problem) raise(problem);
  return durationSeconds(value) ?? RETRY_MAX_AGE.max;
}

function retrySpec({ attempts, maxAge }: { attempts: number; maxAge: number }) {
  return {
    /** 0–185. */
    attempts,
    /** 60–86400. */
    maxAgeSeconds: maxAge,
  };
}

/** `startRetry`, and `retry`, its old name: the fields as written, maxAge undefined when not given. */
const startRetryObject = z.strictObject({
  attempts: wholeNumber(SCHEDULER_RETRY.attempts.min, SCHEDULER_RETRY.attempts.max)
    .default(SCHEDULER_RETRY.attempts.default)
    .meta(doc("How many times EventBridge Scheduler retries starting a run that failed to start, 0-185.", 3)),
  maxAge: z
    .union([
      wholeNumber(RETRY_MAX_AGE.min, RETRY_MAX_AGE.max),
      z.string().meta({ pattern: DURATION_PATTERN }),
    ])
    .meta(
      doc(
        'How long Scheduler keeps retrying an unstarted run: seconds (60-86400) or a duration such as "90s", "30m", "6h", "1d", "1h30m".',
        "1h",
        undefined,
        "the smaller of 1 hour and the shortest time between the job's runs, at least 1 minute",
      ),
    )
    .transform(convertWith(maxAgeSeconds))
    .optional(),
});

const startRetrySchema = startRetryObject
  .optional()
  .meta(
    doc(
      "Retries of runs that fail to start (for example when Fargate has no capacity); a run that starts and then fails is re-run by `retries`. A run still unstarted after maxAge is missed. Formerly `retry`, which is still read, with a warning.",
      { attempts: 3, maxAge: "1h" },
      AWS_DOCS.retry,
    ),
  );

/**
 * The old name of startRetry: still read, with a warning. Described for editors, which also show
 * it as deprecated, but without docs, so the README and the starter show only the new name.
 */
const OLD_RETRY_DOCS = doc(
  "Deprecated: the old name of startRetry, still read with a warning. Write startRetry instead.",
  { attempts: 3, maxAge: "1h" },
);
const oldRetrySchema = startRetryObject
  .optional()
  .meta({ description: OLD_RETRY_DOCS.description, examples: OLD_RETRY_DOCS.examples, deprecated: true });

/** Step Functions' TimeoutSeconds for the run; a standard workflow runs at most a year. */
const TIMEOUT = { min: 60, max: 365 * 86_400, example: "2h" } as const;

function timeoutSeconds(value: number | string): number {
  const seconds = durationSeconds(value);
  if (seconds === undefined) {
    return raise({
      message: `timeout ${JSON.stringify(value)} is not a duration`,
      remedy: `use whole seconds from ${TIMEOUT.min} to ${TIMEOUT.max}, or a duration with d, h, m and s units such as "${TIMEOUT.example}"`,
    });
  }
  // Below or above the range, said as such: "outside 1 minute to 365 days" hides which end is wrong.
  const shown = shownDuration(value, seconds);
  const remedy = 'use a duration from 1 minute to 365 days, such as "30m", "2h" or "1d", or remove timeout';
  if (seconds < TIMEOUT.min) raise({ message: `timeout ${shown} is below 1 minute`, remedy });
  if (seconds > TIMEOUT.max) raise({ message: `timeout ${shown} is above 365 days`, remedy });
  return seconds;
}

const timeoutSchema = z
  .union([wholeNumber(TIMEOUT.min, TIMEOUT.max), z.string().meta({ pattern: DURATION_PATTERN })])
  .meta(
    doc(
      'Stop a run that takes longer than this, and count it as timed out: seconds (60 up to a year) or a duration such as "30m", "2h", "1d". Setting it runs the job through a Step Functions state machine.',
      "2h",
      AWS_DOCS.timeout,
      "none",
    ),
  )
  .transform(convertWith(timeoutSeconds))
  .optional();

/** What a run does when the job's previous run is still going. */
export const OVERLAP_POLICIES = ["allow", "skip", "replace"] as const;

const overlapSchema = z
  .enum(OVERLAP_POLICIES)
  .default("allow")
  .meta(
    doc(
      "When a run is due while the job's previous run is still going: allow (both run), skip (the new run ends at once, recorded as skipped) or replace (stop the old run, then start). skip and replace run the job through a Step Functions state machine.",
      "skip",
    ),
  );

const retriesSchema = wholeNumber(0, 10)
  .default(0)
  .meta(
    doc(
      "Re-run a run that failed (non-zero exit, Spot interruption, out of memory, a task that could not start) up to this many times, 0-10, with backoff. A task a person stopped is not re-run. Above 0, the job runs through a Step Functions state machine.",
      2,
      AWS_DOCS.stepFunctionsRetry,
    ),
  );

const FLEXIBLE_WINDOW_REMEDY =
  'use "off", or whole minutes from 1 to 1440 as a number (15) or with units ("15m", "2h", "1h30m")';

function flexibleWindowMinutes(value: number | string): number | undefined {
  if (value === "off") return undefined;
  // A bare number, or a string of digits, is minutes; a string with units is read as a duration.
  const minutes =
    typeof value === "number" || /^\s*\d+\s*$/.test(value)
      ? Number(value)
      : (durationSeconds(value) ?? Number.NaN) / 60;
  if (!Number.isInteger(minutes)) {
    return raise({
      message: `flexibleWindow ${JSON.stringify(value)} is not a whole number of minutes`,
      remedy: FLEXIBLE_WINDOW_REMEDY,
    });
  }
  if (minutes < 1 || minutes > 1440) {
    return raise({
      message: `flexibleWindow ${JSON.stringify(value)} is outside 1 to 1440 minutes`,
      remedy: FLEXIBLE_WINDOW_REMEDY,
    });
  }
  return minutes;
}

const flexibleWindowSchema = z
  .union([wholeNumber(1, 1440), z.string().meta({ pattern: `^off$|${DURATION_PATTERN}` })])
  .meta(
    doc(
      'Let EventBridge Scheduler start each run up to this many minutes after its time, to spread load: "off" (the default) or 1-1440 minutes, as a number or "15m", "2h".',
      "15m",
      AWS_DOCS.flexibleWindow,
    ),
  )
  .transform(convertWith(flexibleWindowMinutes))
  .prefault("off");

function utcInstant(field: "startDate" | "endDate") {
  return (value: string): string => {
    const day = Date.parse(value.slice(0, 10));
    const valid =
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value) &&
      !Number.isNaN(Date.parse(value)) &&
      // A date such as 2030-02-30 either fails to parse or rolls over to March; a real one reads back.
      !Number.isNaN(day) &&
      new Date(day).toISOString().slice(0, 10) === value.slice(0, 10);
    if (!valid) {
      raise({
        message: `${field} ${JSON.stringify(value)} is not an ISO 8601 date-time with a time zone offset`,
        remedy: 'write date, time and offset, e.g. "2025-07-01T09:00:00Z" or "2025-07-01T09:00:00+02:00"',
      });
    }
    return new Date(value).toISOString();
  };
}

const dateSchema = (field: "startDate" | "endDate", description: string, example: string) =>
  z
    .string()
    .meta({ format: "date-time", ...doc(description, example, AWS_DOCS.startEnd) })
    .transform(convertWith(utcInstant(field)))
    .optional();

function healthCheckCommand(command: string | string[]): string[] {
  if (typeof command === "string") return ["CMD-SHELL", command];
  const [first] = command;
  return first === "CMD" || first === "CMD-SHELL" ? command : ["CMD", ...command];
}

const seconds = (min: number, max: number, fallback: number, description: string) =>
  wholeNumber(min, max).default(fallback).meta(doc(description, fallback));

const healthCheckObject = z.strictObject({
  command: z
    .union([z.string().min(1), z.array(z.string()).min(1)])
    .meta(
      doc(
        "The check. A string runs in the container's shell (ECS CMD-SHELL), so `|| exit 1` works; a list runs without a shell (CMD). Exit status 0 is healthy.",
        "curl -f http://localhost:8080/health || exit 1",
      ),
    )
    .transform(healthCheckCommand),
  interval: seconds(5, 300, 30, "Seconds between checks, 5-300."),
  timeout: seconds(2, 60, 5, "Seconds a check may take before it counts as failed, 2-60."),
  retries: seconds(1, 10, 3, "Failed checks in a row before the container is unhealthy, 1-10."),
  startPeriod: seconds(0, 300, 0, "Seconds after start during which failures do not count, 0-300."),
});

const healthCheckSchema = healthCheckObject
  .optional()
  .meta(
    doc(
      "A container health check.",
      { command: "curl -f http://localhost/ || exit 1" },
      AWS_DOCS.healthCheck,
      "none",
    ),
  );

/** Names for env and secrets: a pattern for editors, the reserved prefixes explained for people. */
const envNameSchema = (where: "env" | "secrets") =>
  checkedString(ENV_NAME_PATTERN, (name) => envNameProblem(name, where));

const envSchema = z
  .record(envNameSchema("env"), scalarText())
  .prefault({})
  .meta(
    doc(
      "Environment variables, name to value. Numbers and booleans are passed as text. Names starting with FLEXJOB_ or AWS_ are reserved.",
      { REPORT_BUCKET: "billing-reports", BATCH_SIZE: 500 },
      AWS_DOCS.env,
    ),
  );

const secretsSchema = z
  .record(envNameSchema("secrets"), checkedString(SECRET_ARN_PATTERN, secretArnProblem))
  .prefault({})
  .meta(
    doc(
      "Environment variables read from Secrets Manager or SSM Parameter Store at every task start, name to ARN (a secret ARN may end in :json-key:version-stage:version-id). A name may not also be in env.",
      { DATABASE_URL: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf" },
      AWS_DOCS.secrets,
    ),
  );

export { LOG_RETENTION_DAYS, type LogRetentionDays } from "./logs.js";

/**
 * The forms a schedule can be written in, for the README's Schedules table: what each deploys as
 * is computed by parsing it, so the table cannot drift from the parser.
 */
const SCHEDULE_FORMS: readonly ScheduleForm[] = [
  {
    write: ["cron(0 9 ? * MON-FRI *)"],
    note: "itself (6 fields: minute hour day-of-month month day-of-week year)",
  },
  { write: ["rate(5 minutes)", "rate(1 minute)"], note: "itself (`rate(1 minute)` singular, plural above)" },
  { write: ["at(2030-12-24T18:00:00)"], note: "itself (one run)" },
  { write: ["0 9 * * 1-5"], note: "Unix cron: Unix 0/7 = Sunday becomes AWS 1" },
  { write: ["@hourly", "@daily", "@weekly", "@monthly", "@yearly"] },
  {
    write: ["every 5 minutes", "every 2 hours", "every 3 days"],
    note: "counted from when the schedule starts",
  },
  { write: ["every hour", "every day"], note: "on the hour / at midnight" },
  { write: ["every day at 03:30"] },
  { write: ["every monday at 9:00", "every weekday at 9:00"] },
];

/** Job fields whose cross-field checks must wait until the fields themselves are valid. */
type JobKey = keyof typeof jobShape;

const jobShape = {
  branch: z
    .string()
    .superRefine(refineWith(branchProblem))
    .optional()
    .meta(
      doc(
        "Deploy this job only from this git branch. Without it, any branch deploys.",
        "main",
        undefined,
        "any",
      ),
    ),
  source: sourceSchema.optional(),
  image: imageSchema.optional(),
  command: commandSchema,
  schedule: z
    .string()
    .meta(
      doc(
        "When the job runs, in timezone: an EventBridge Scheduler expression (`rate(5 minutes)`, `cron(0 9 ? * MON-FRI *)` with six fields, a one-time `at(2030-01-01T09:00:00)`), a Unix cron with five fields, a shorthand such as `@daily`, or English such as `every weekday at 9:00`. Deployed as the AWS expression it means.",
        "cron(0 9 ? * MON-FRI *)",
        AWS_DOCS.scheduleTypes,
      ),
    )
    .meta({ [FORMS_KEY]: SCHEDULE_FORMS })
    .transform(convertWith(parseSchedule)),
  timezone: z
    .string()
    .meta(doc("IANA time zone the schedule is read in.", "Europe/Berlin", AWS_DOCS.timezone))
    .transform(convertWith(assertTimezone))
    .prefault("UTC"),
  enabled: z
    .boolean()
    .default(true)
    .meta(doc("false keeps the job deployed with its schedule disabled.", false)),
  cpu: cpuSchema,
  memory: memorySchema,
  storage: storageSchema,
  arch: z
    .enum(ARCHITECTURES)
    .default(DEFAULT_ARCHITECTURE)
    .meta(
      doc(
        "CPU architecture: x86_64, arm64 (Graviton), or flex (a multi-architecture image, run on ARM64).",
        "arm64",
        AWS_DOCS.runtimePlatform,
      ),
    ),
  spot: z
    .boolean()
    .default(false)
    .meta(
      doc(
        "Run on Fargate Spot (FARGATE_SPOT): cheaper, but AWS may stop a task with two minutes' warning. Available for x86_64 and ARM64.",
        true,
        AWS_DOCS.spot,
      ),
    ),
  tasks: wholeNumber(1, 50)
    .default(1)
    .meta(
      doc("Parallel tasks per run, 1-50. Each gets FLEXJOB_TASK_INDEX (0-based) and FLEXJOB_TASK_COUNT.", 4),
    ),
  retries: retriesSchema,
  timeout: timeoutSchema,
  overlap: overlapSchema,
  startRetry: startRetrySchema,
  retry: oldRetrySchema,
  alerts: jobAlertsSchema,
  flexibleWindow: flexibleWindowSchema,
  startDate: dateSchema(
    "startDate",
    "Do not run before this date-time (ISO 8601 with an offset).",
    "2025-07-01T00:00:00Z",
  ),
  endDate: dateSchema(
    "endDate",
    "Do not run after this date-time (ISO 8601 with an offset); must be after startDate.",
    "2025-12-31T23:59:59Z",
  ),
  healthCheck: healthCheckSchema,
  env: envSchema,
  secrets: secretsSchema,
  logs: jobLogsSchema,
  taskRole: checkedString(ROLE_PATTERN, roleProblem)
    .optional()
    .meta(
      doc(
        "IAM role the job's code runs as (ARN or role name). Without it the task has no AWS permissions.",
        "arn:aws:iam::123456789012:role/billing-report",
        AWS_DOCS.taskRole,
        "none",
      ),
    ),
};

type JobInputOutput = z.output<z.ZodObject<typeof jobShape>>;

/** Every key present, undefined when not given: a spec reads the same however it was written. */
function sourceSpec(source: z.output<typeof sourceSchema>) {
  return {
    /** Build context, relative to the config file's folder. */
    rootDir: source.rootDir,
    /** Relative to rootDir; undefined means flexjob detects or generates one. */
    dockerfile: source.dockerfile,
    buildArgs: source.buildArgs,
    /** Names of environment variables passed to the build as secrets, never as build args. */
    buildSecrets: source.buildSecrets,
  };
}

/**
 * Runs a cross-field check only when the fields it reads parsed, so that it can still report next
 * to other fields' problems instead of waiting for them to be fixed.
 */
function whenValid(...keys: readonly JobKey[]) {
  return {
    when: (payload: z.core.ParsePayload): boolean =>
      payload.issues.every((issue) => {
        const path = issue.path ?? [];
        return (
          issue.code === "unrecognized_keys" || (path.length > 0 && !keys.includes(String(path[0]) as JobKey))
        );
      }),
  };
}

function addProblem(
  ctx: z.core.$RefinementCtx<unknown>,
  path: PropertyKey[],
  problem: Problem,
  input: unknown,
) {
  ctx.addIssue({ code: "custom", path, message: problem.message, params: { remedy: problem.remedy }, input });
}

export const jobSchema = z
  .strictObject(jobShape)
  .superRefine(
    (job, ctx) => {
      if (job.source !== undefined && job.image !== undefined) {
        addProblem(
          ctx,
          ["image"],
          {
            message:
              "image and source are both set; a job runs either an existing image or one built from source",
            remedy: "remove source to run the image, or remove image to build from source",
          },
          job.image,
        );
      }
    },
    whenValid("source", "image"),
  )
  .superRefine(
    (job, ctx) => {
      try {
        assertSizePair(job.cpu, job.memory);
      } catch (error) {
        if (!(error instanceof FlexjobError)) throw error;
        addProblem(ctx, ["memory"], { message: error.message, remedy: error.remedy ?? "" }, job.memory);
      }
    },
    whenValid("cpu", "memory"),
  )
  .superRefine(
    (job, ctx) => {
      if (job.startDate !== undefined && job.endDate !== undefined && job.endDate <= job.startDate) {
        addProblem(
          ctx,
          ["endDate"],
          {
            message: `endDate ${job.endDate} is not after startDate ${job.startDate}`,
            remedy: "set endDate later than startDate, or remove one of them",
          },
          job.endDate,
        );
      }
    },
    whenValid("startDate", "endDate"),
  )
  .superRefine(
    (job, ctx) => {
      for (const name of Object.keys(job.secrets)) {
        // Own keys only: `constructor` is in every object, not in every env.
        if (Object.hasOwn(job.env, name)) {
          addProblem(
            ctx,
            ["secrets", name],
            {
              message: `${name} is set in both env and secrets`,
              remedy: `remove ${name} from env or from secrets`,
            },
            job.secrets[name],
          );
        }
      }
    },
    whenValid("env", "secrets"),
  )
  .superRefine((job, ctx) => {
    if (job.retry !== undefined && job.startRetry !== undefined) {
      addProblem(
        ctx,
        ["retry"],
        {
          message: "retry and startRetry are both set; retry is the old name of startRetry",
          remedy: "keep startRetry and remove retry",
        },
        job.retry,
      );
    }
  })
  .transform((job): Omit<JobSpec, "name"> => jobSpecFields(job))
  .meta({ description: "One scheduled job. Only schedule is required." });

/**
 * The RetryPolicy from startRetry, or from retry, its old name. maxAge defaults to no longer than
 * the time between runs, so that a late start never runs into the next scheduled run.
 */
function startRetrySpec(job: Pick<JobInputOutput, "startRetry" | "retry" | "schedule" | "timezone">) {
  const given = job.startRetry ?? job.retry;
  return retrySpec({
    attempts: given?.attempts ?? SCHEDULER_RETRY.attempts.default,
    maxAge: given?.maxAge ?? defaultStartRetryMaxAge(job.schedule, job.timezone),
  });
}

/** A job's spec from its parsed fields: sizes joined, every key present (undefined when not set). */
function jobSpecFields(job: JobInputOutput) {
  const size: ResolvedSize = {
    cpu: job.cpu,
    cpuUnits: job.cpu * UNITS_PER_VCPU,
    memoryGiB: job.memory,
    memoryMiB: job.memory * MIB_PER_GIB,
    storageGiB: job.storage,
  };
  // Widened on purpose: code that builds specs by hand passes any number and the schema checks it.
  const logs: { retentionDays: number; destination?: LogDestination | undefined } = job.logs;
  const healthCheck: HealthCheckSpec | undefined = job.healthCheck;
  const source: SourceSpec | undefined =
    job.image === undefined ? sourceSpec(job.source ?? sourceSchema.parse({})) : undefined;
  return {
    branch: job.branch,
    /** Set when the image is built from source; exactly one of source and image is set. */
    source,
    /** Set when the job runs an existing image. */
    image: job.image,
    /** Exec form; undefined runs the image's own CMD/ENTRYPOINT. */
    command: job.command,
    schedule: job.schedule,
    timezone: job.timezone,
    enabled: job.enabled,
    size,
    arch: job.arch,
    spot: job.spot,
    tasks: job.tasks,
    /** Re-runs of a failed run, 0–10; 0 with no timeout and overlap "allow" keeps the direct ECS target. */
    retries: job.retries,
    /** Step Functions TimeoutSeconds of a run, 60 s to a year; undefined means no timeout. */
    timeoutSeconds: job.timeout,
    overlap: job.overlap,
    /** Scheduler's RetryPolicy for a run that could not start; `retry` is its old name. */
    startRetry: startRetrySpec(job),
    /** The job's own alerts, false for none; undefined means the app's. */
    alerts: job.alerts,
    /** undefined when the flexible time window is off. */
    flexibleWindowMinutes: job.flexibleWindow,
    /** ISO 8601 in UTC. */
    startDate: job.startDate,
    /** ISO 8601 in UTC. */
    endDate: job.endDate,
    healthCheck,
    env: job.env,
    /** Variable name → Secrets Manager or SSM parameter ARN. */
    secrets: job.secrets,
    logs,
    /** Role ARN or role name; undefined means the task gets no role. */
    taskRole: job.taskRole,
  };
}

// ---------------------------------------------------------------------------------------------
// Top level

const networkSchema = z
  .strictObject({
    subnets: z
      .array(checkedString(SUBNET_PATTERN, subnetProblem))
      .min(1)
      .max(16)
      .optional()
      .meta(
        doc(
          "Subnets the tasks run in (up to 16). Without them, the default VPC's subnets.",
          ["subnet-0a1b2c3d4e5f67890"],
          AWS_DOCS.network,
          "the default VPC's subnets (private first)",
        ),
      ),
    securityGroups: z
      .array(checkedString(SECURITY_GROUP_PATTERN, securityGroupProblem))
      .min(1)
      .max(5)
      .optional()
      .meta(
        doc(
          "Security groups of the tasks (up to 5). Without them, the VPC's default security group.",
          ["sg-0a1b2c3d4e5f67890"],
          AWS_DOCS.network,
          "the VPC's default security group",
        ),
      ),
    assignPublicIp: z
      .boolean()
      .default(false)
      .meta(
        doc(
          "Give tasks a public IP. Needed in public subnets without a NAT gateway to pull images and reach AWS.",
          true,
          AWS_DOCS.network,
        ),
      ),
  })
  .prefault({})
  .meta(
    doc("Where tasks run (awsvpc networking).", { subnets: ["subnet-0a1b2c3d4e5f67890"] }, AWS_DOCS.network),
  );

const discoverySchema = z
  .strictObject({
    namespace: checkedString(NAMESPACE_PATTERN, namespaceProblem)
      .optional()
      .meta(
        doc(
          "Private DNS namespace; default `<app>.internal`.",
          "billing.internal",
          undefined,
          "`<app>.internal`",
        ),
      ),
  })
  .optional()
  .meta(
    doc(
      "Cloud Map service discovery, so jobs can reach services as `http://<service>.<namespace>:<port>`.",
      { namespace: "billing.internal" },
      AWS_DOCS.discovery,
      "off",
    ),
  );

const jobNameSchema = checkedString(JOB_NAME_PATTERN, jobNameProblem);

const topShape = {
  $schema: z
    .string()
    .optional()
    .meta(
      doc(
        "The JSON Schema of this file, for editors; flexjob ignores it.",
        "./node_modules/@flexjob/sdk/schema/flexjob.schema.json",
      ),
    ),
  app: checkedString(APP_NAME_PATTERN, appNameProblem).meta(
    doc(
      "Name of the app: the prefix of every AWS resource flexjob creates. 1-20 lower-case letters, digits and hyphens, starting with a letter.",
      "billing",
    ),
  ),
  region: checkedString(REGION_PATTERN, regionProblem)
    .optional()
    .meta(
      doc(
        "AWS region. Without it, the region of the environment (AWS_REGION or the profile).",
        "eu-west-1",
        AWS_DOCS.regions,
        "`AWS_REGION` / profile",
      ),
    ),
  cluster: checkedString(CLUSTER_PATTERN, clusterProblem)
    .optional()
    .meta(
      doc(
        "ECS cluster the tasks run in; created when missing. Default: the app name.",
        "billing",
        AWS_DOCS.cluster,
        "the app name",
      ),
    ),
  insights: z
    .boolean()
    .optional()
    .meta(
      doc(
        "Container Insights on the cluster flexjob created: CPU and memory per task in CloudWatch, billed as CloudWatch metrics and logs. Unset, the account's default applies and flexjob leaves the setting alone. A cluster named by `cluster:` that flexjob did not create is never changed.",
        true,
        AWS_DOCS.insights,
        "the account's default",
      ),
    ),
  metrics: z
    .boolean()
    .default(true)
    .meta(
      doc(
        "Run metrics per job in CloudWatch (namespace `flexjob`, dimensions `app` and `job`): Runs, Failures, Duration, Attempts, Missed, from the run history by a small EXPRESS state machine. false removes it; the history stays.",
        false,
        AWS_DOCS.metrics,
      ),
    ),
  dashboard: z
    .boolean()
    .optional()
    .meta(
      doc(
        "The CloudWatch dashboard `flexjob-<app>`: each job's runs, failures, duration and attempts, CPU and memory with `insights: true`, and the latest failed runs. CloudWatch bills a dashboard beyond an account's first three. Needs `metrics`.",
        false,
        AWS_DOCS.dashboard,
        "the value of `metrics`",
      ),
    ),
  network: networkSchema,
  discovery: discoverySchema,
  alerts: alertsSchema,
  logs: appLogsSchema,
  jobs: z
    .record(jobNameSchema, jobSchema)
    .superRefine((jobs, ctx) => {
      if (Object.keys(jobs).length === 0) {
        ctx.addIssue({
          code: "custom",
          message: "jobs is empty",
          params: { remedy: 'add a job, e.g. jobs: { nightly: { schedule: "cron(0 3 * * ? *)" } }' },
          input: jobs,
        });
      }
    })
    .meta({
      ...doc(
        "The jobs, by name. Job names are lower-case letters, digits and hyphens, start with a letter, and `<app>-<job>` is at most 60 characters.",
        { nightly: { image: "alpine:3", command: "echo hello", schedule: "cron(0 3 * * ? *)" } },
      ),
      minProperties: 1,
    }),
};

/** Every key present, undefined when not given: a spec reads the same however it was written. */
function networkSpec(network: z.output<typeof networkSchema>) {
  return {
    /** undefined means the default VPC's subnets. */
    subnets: network.subnets,
    /** undefined means the VPC's default security group. */
    securityGroups: network.securityGroups,
    assignPublicIp: network.assignPublicIp,
  };
}

/** The config's spec from its parsed fields: defaults that depend on app filled in. */
function configSpec(config: z.output<z.ZodObject<typeof topShape>>) {
  const network: NetworkSpec = networkSpec(config.network);
  return {
    app: config.app,
    /** undefined means the region of the environment (AWS_REGION, the profile). */
    region: config.region,
    cluster: config.cluster ?? config.app,
    /** Container Insights on a flexjob-created cluster; undefined leaves the account's default. */
    insights: config.insights,
    /** Whether the run metrics are published. */
    metrics: config.metrics,
    /** Whether the app has its dashboard; only with metrics. */
    dashboard: config.dashboard ?? config.metrics,
    network,
    /** undefined when service discovery is not used. */
    discovery: config.discovery && { namespace: config.discovery.namespace ?? `${config.app}.internal` },
    /** undefined when the app has no alerts; a job may still have its own. */
    alerts: config.alerts,
    /** Where jobs' logs go unless a job says otherwise; undefined means CloudWatch. */
    logs: config.logs,
    /** In the order of flexjob.yml. */
    jobs: Object.entries(config.jobs).map(([name, job]): JobSpec => ({ name, ...job })),
  };
}

/**
 * The zod schema of flexjob.yml: the one definition its types, JSON Schema and docs come from.
 * Prefer {@link parseConfig}, which adds field paths, file lines and remedies to every problem.
 * @example
 * const result = flexjobConfigSchema.safeParse(raw);
 * if (!result.success) console.log(result.error.issues.map((issue) => issue.path.join(".")));
 */
export const flexjobConfigSchema = z
  .strictObject(topShape)
  .superRefine(
    (config, ctx) => {
      for (const job of Object.keys(config.jobs)) {
        const problem = appJobNameProblem(config.app, job);
        if (problem) addProblem(ctx, ["jobs", job], problem, job);
      }
      if (config.dashboard === true && !config.metrics) {
        addProblem(
          ctx,
          ["dashboard"],
          {
            message: "dashboard: true needs metrics, and metrics is false",
            remedy: "remove metrics: false, or remove dashboard: true",
          },
          true,
        );
      }
    },
    {
      when: (payload) =>
        payload.issues.every((issue) => {
          const path = issue.path ?? [];
          return (
            issue.code === "unrecognized_keys" ||
            (path.length > 0 && path[0] !== "app" && !(path[0] === "jobs" && path.length === 1))
          );
        }),
    },
  )
  .transform((config): FlexjobConfigOutput => configSpec(config))
  .meta({
    title: "flexjob.yml",
    description: "Scheduled container jobs on AWS Fargate. https://github.com/flexjob/flexjob",
  });

/** flexjob.yml as written: what the JSON Schema describes. */
export type FlexjobConfigInput = z.input<typeof flexjobConfigSchema>;
/** flexjob.yml after parseConfig: every default filled, sizes, durations and schedules resolved. */
export type FlexjobConfig = z.output<typeof flexjobConfigSchema>;
/** flexjob.yml after validation: the same type as {@link FlexjobConfig}, as an interface. */
export interface FlexjobConfigOutput extends ReturnType<typeof configSpec> {}

// The types below are the schema's output: each field is declared once above, its type from zod.
// Interfaces over the spec functions' results (not z.output of the schemas, which would refer
// back to themselves through the transforms) so that the schema's own type names them.

/** Where a job's image is built from: {@link JobSpec}'s `source`. */
export interface SourceSpec extends ReturnType<typeof sourceSpec> {}
/** EventBridge Scheduler's retry policy for a job's RunTask target, in seconds. */
export interface RetrySpec extends ReturnType<typeof retrySpec> {}
/** An ECS container health check, in ECS's own units (seconds); `command` in ECS form. */
export interface HealthCheckSpec extends z.output<typeof healthCheckObject> {}
/** Where tasks run: undefined subnets and security groups mean the default VPC's. */
export interface NetworkSpec extends ReturnType<typeof networkSpec> {}
/** One job of a {@link FlexjobConfig}: every default filled, every value resolved. */
export interface JobSpec extends ReturnType<typeof jobSpecFields> {
  /** The job's key under `jobs`. */
  name: string;
}
