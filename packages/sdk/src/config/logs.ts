import { z } from "zod";
import { showValue } from "../errors.js";
import { SECRET_ARN_PATTERN, secretArnProblem } from "./aws-identifiers.js";
import { doc } from "./field-docs.js";
import { type Problem, refineWith } from "./problem.js";

/** The docs of a field the starter leaves out: it shows Datadog, and another destination's fields would clash. */
function notInStarter(meta: ReturnType<typeof doc>): ReturnType<typeof doc> {
  return { ...meta, docs: { ...meta.docs, starter: false } };
}

/**
 * `logs:`, at the top level (where a job's logs go unless it says otherwise) and per job (its
 * CloudWatch retention, and optionally its own destination). A third-party destination is reached
 * through FireLens: a Fluent Bit sidecar that the task definition renders from {@link LogDestination}.
 * Credentials are only ever ARNs: the values stay in Secrets Manager or SSM.
 */

/**
 * A retention period CloudWatch Logs accepts, in days. Named, so declarations (and the API report)
 * print this name instead of a union whose member order follows the type checker's history.
 */
export type LogRetentionDays =
  | 1
  | 3
  | 5
  | 7
  | 14
  | 30
  | 60
  | 90
  | 120
  | 150
  | 180
  | 365
  | 400
  | 545
  | 731
  | 1096
  | 1827
  | 2192
  | 2557
  | 2922
  | 3288
  | 3653;

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS: readonly LogRetentionDays[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Where `logs.to` may send a job's logs. */
const LOG_DESTINATIONS = ["cloudwatch", "datadog", "axiom", "http"] as const;
type LogDestinationName = (typeof LOG_DESTINATIONS)[number];

/** Datadog's sites: each takes logs at `http-intake.logs.<site>`. */
const DATADOG_SITES = [
  "datadoghq.com",
  "us3.datadoghq.com",
  "us5.datadoghq.com",
  "datadoghq.eu",
  "ap1.datadoghq.com",
  "ap2.datadoghq.com",
  "ddog-gov.com",
] as const;

const DOCS = {
  logs: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
  firelens: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_firelens.html",
} as const;

/** Where a job's logs go, every key of its destination present. */
export type LogDestination =
  | { to: "cloudwatch" }
  | {
      to: "datadog";
      site: string;
      /** Secrets Manager or SSM ARN of the API key. */
      apiKey: string;
      tags: Record<string, string>;
      keepCloudWatch: boolean;
    }
  | { to: "axiom"; dataset: string /** ARN of the API token. */; token: string; keepCloudWatch: boolean }
  | {
      to: "http";
      url: string;
      /** Header name → ARN of its value. */
      headers: Record<string, string>;
      keepCloudWatch: boolean;
    };

/** The fields each destination takes; `to` and `keepCloudWatch` aside. */
const FIELDS: Record<LogDestinationName, { required: readonly string[]; optional: readonly string[] }> = {
  cloudwatch: { required: [], optional: [] },
  datadog: { required: ["apiKey"], optional: ["site", "tags"] },
  axiom: { required: ["dataset", "token"], optional: [] },
  http: { required: ["url"], optional: ["headers"] },
};
const DESTINATION_FIELDS = ["site", "apiKey", "tags", "dataset", "token", "url", "headers"] as const;

const TAG_KEY = /^[A-Za-z][A-Za-z0-9_.\-/]{0,199}$/;
const TAG_VALUE = /^[^,\s]{1,200}$/;
const DATASET = /^[A-Za-z0-9_.-]{1,128}$/;
/** An HTTP header name: an RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

function arnProblem(field: string) {
  return (arn: string): Problem | undefined => {
    const problem = secretArnProblem(arn);
    return problem && { message: `${field} ${problem.message}`, remedy: problem.remedy };
  };
}

function tagsProblem(tags: Record<string, string>): Problem | undefined {
  for (const [key, value] of Object.entries(tags)) {
    if (!TAG_KEY.test(key)) {
      return {
        message: `tags has the key ${showValue(key)}, which Datadog does not accept as a tag name`,
        remedy: "start tag names with a letter and use letters, digits, _ - . and /, e.g. team",
      };
    }
    if (!TAG_VALUE.test(value)) {
      return {
        message: `tags.${key} is ${showValue(value)}: a tag value may not be empty or hold commas or spaces`,
        remedy: "write one value without commas or spaces, e.g. data-platform",
      };
    }
  }
  return undefined;
}

function urlProblem(url: string): Problem | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {
      message: `url ${showValue(url)} is not a URL`,
      remedy: "write the full URL, e.g. https://logs.example.com/in",
    };
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return { message: `url is a ${parsed.protocol} URL, not http(s)`, remedy: "use an https URL" };
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return {
      message:
        "url has a user name or password in it (not shown), which would end up in git and in the task definition",
      remedy:
        "remove them from the URL and send the credential as a header whose value is a secret ARN: headers: { Authorization: <ARN> }",
    };
  }
  return undefined;
}

function headersProblem(headers: Record<string, string>): Problem | undefined {
  const names = Object.keys(headers);
  const bad = names.find((name) => !HEADER_NAME.test(name));
  if (bad !== undefined) {
    return {
      message: `headers has the name ${showValue(bad)}, which is not an HTTP header name`,
      remedy: "use a header name such as Authorization or X-Api-Key",
    };
  }
  // FireLens passes Fluent Bit one option per name, and Fluent Bit's http output takes one header per option.
  if (names.length > 1) {
    return {
      message: `headers has ${names.length} headers (${names.join(", ")}); FireLens can pass Fluent Bit only one`,
      remedy: "keep the one header the endpoint authenticates with, e.g. Authorization",
    };
  }
  const [name] = names;
  return name === undefined ? undefined : arnProblem(`headers.${name}`)(headers[name] ?? "");
}

const secretArn = (field: string) =>
  z
    .string()
    .meta({ pattern: SECRET_ARN_PATTERN })
    .superRefine(refineWith(arnProblem(field)));

/** The destination fields, shared by the top-level and the job's `logs:`. */
const destinationShape = {
  to: z
    .enum(LOG_DESTINATIONS)
    .optional()
    .meta(
      doc(
        `Where the logs go, one of ${LOG_DESTINATIONS.join(", ")}. Anything but cloudwatch adds a Fluent Bit log router container (FireLens) to the task, which takes 32 CPU units and 50 MiB of the job's size.`,
        "datadog",
        DOCS.firelens,
        "cloudwatch (for a job: the app's logs.to)",
      ),
    ),
  site: z
    .enum(DATADOG_SITES)
    .optional()
    .meta(
      doc(
        `The Datadog site the account is on, with to datadog. One of ${DATADOG_SITES.join(", ")}.`,
        "datadoghq.eu",
        undefined,
        "datadoghq.com",
      ),
    ),
  apiKey: secretArn("apiKey")
    .optional()
    .meta(
      doc(
        "The ARN of the Secrets Manager secret or SSM parameter holding the Datadog API key, with to datadog.",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-api-key-AbCdEf",
        DOCS.firelens,
        "none",
      ),
    ),
  tags: z
    .record(z.string(), z.string())
    .superRefine(refineWith(tagsProblem))
    .optional()
    .meta(
      doc(
        "Tags Datadog adds to every line, with to datadog. The tags app and job are always added.",
        { team: "data" },
        undefined,
        "none",
      ),
    ),
  dataset: z
    .string()
    .meta({ pattern: DATASET.source })
    .superRefine(
      refineWith((dataset: string) =>
        DATASET.test(dataset)
          ? undefined
          : {
              message: `dataset ${showValue(dataset)} is not an Axiom dataset name`,
              remedy: "use the dataset's name as Axiom shows it: letters, digits, _ - and .",
            },
      ),
    )
    .optional()
    .meta(notInStarter(doc("The Axiom dataset the logs go to, with to axiom.", "jobs", undefined, "none"))),
  token: secretArn("token")
    .optional()
    .meta(
      notInStarter(
        doc(
          "The ARN of the Secrets Manager secret or SSM parameter holding an Axiom API token that may ingest into the dataset, with to axiom.",
          "arn:aws:ssm:eu-west-1:123456789012:parameter/axiom-token",
          undefined,
          "none",
        ),
      ),
    ),
  url: z
    .string()
    .superRefine(refineWith(urlProblem))
    .optional()
    .meta(
      notInStarter(
        doc(
          "The endpoint each batch of lines is POSTed to as JSON lines, with to http.",
          "https://logs.example.com/in",
          undefined,
          "none",
        ),
      ),
    ),
  headers: z
    .record(z.string(), z.string())
    .superRefine(refineWith(headersProblem))
    .optional()
    .meta(
      notInStarter(
        doc(
          "One header sent with every request, with to http. Its value is the ARN of the secret holding it.",
          { Authorization: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:logs-auth-AbCdEf" },
          undefined,
          "none",
        ),
      ),
    ),
  keepCloudWatch: z
    .boolean()
    .optional()
    .meta(
      doc(
        "With a destination other than cloudwatch, also keep a copy in the job's CloudWatch log group, so that `flexjob logs` keeps working. When false, `flexjob logs` says where the logs are.",
        false,
        undefined,
        "true",
      ),
    ),
};

type DestinationInput = z.output<z.ZodObject<typeof destinationShape>>;

function issue(ctx: z.core.$RefinementCtx<unknown>, path: string, problem: Problem, input: unknown): void {
  ctx.addIssue({
    code: "custom",
    path: [path],
    message: problem.message,
    params: { remedy: problem.remedy },
    input,
  });
}

/** The cross-field rule: each destination's required fields given, no other destination's fields. */
function checkDestination(logs: DestinationInput, ctx: z.core.$RefinementCtx<unknown>): void {
  const to = logs.to ?? "cloudwatch";
  const { required, optional } = FIELDS[to];
  for (const field of required) {
    if (logs[field as keyof DestinationInput] === undefined) {
      issue(
        ctx,
        field,
        {
          message: `logs.to is ${to}, which needs ${field}`,
          remedy: `add ${field}: ${showExampleOf(field)}`,
        },
        logs,
      );
    }
  }
  for (const field of DESTINATION_FIELDS) {
    if (logs[field] !== undefined && !required.includes(field) && !optional.includes(field)) {
      const owner = LOG_DESTINATIONS.find((name) =>
        [...FIELDS[name].required, ...FIELDS[name].optional].includes(field),
      );
      issue(
        ctx,
        field,
        {
          message: `${field} is a setting of to: ${owner}, but logs.to is ${to}`,
          remedy: `remove ${field}, or set to: ${owner}`,
        },
        field,
      );
    }
  }
  if (to === "cloudwatch" && logs.keepCloudWatch !== undefined) {
    issue(
      ctx,
      "keepCloudWatch",
      {
        message: "keepCloudWatch is set, but logs.to is cloudwatch, where the logs are already",
        remedy: "remove keepCloudWatch, or set to: datadog, axiom or http",
      },
      logs.keepCloudWatch,
    );
  }
}

/** What a missing required field's remedy suggests. */
const REQUIRED_EXAMPLES: Record<string, string> = {
  apiKey: "<ARN of the secret holding the Datadog API key>",
  dataset: "<the Axiom dataset's name>",
  token: "<ARN of the secret holding the Axiom API token>",
  url: "https://logs.example.com/in",
};

function showExampleOf(field: string): string {
  return REQUIRED_EXAMPLES[field] ?? "<value>";
}

/** Every key present for the chosen destination; undefined when `to` is not given. */
function destinationSpec(logs: DestinationInput): LogDestination | undefined {
  const keepCloudWatch = logs.keepCloudWatch ?? true;
  switch (logs.to) {
    case undefined:
      return undefined;
    case "cloudwatch":
      return { to: "cloudwatch" };
    case "datadog":
      return {
        to: "datadog",
        site: logs.site ?? "datadoghq.com",
        apiKey: logs.apiKey ?? "",
        tags: logs.tags ?? {},
        keepCloudWatch,
      };
    case "axiom":
      return { to: "axiom", dataset: logs.dataset ?? "", token: logs.token ?? "", keepCloudWatch };
    case "http":
      return { to: "http", url: logs.url ?? "", headers: logs.headers ?? {}, keepCloudWatch };
  }
}

/** The app's `logs:`: where every job's logs go unless the job names its own `to`. */
export const appLogsSchema = z
  .strictObject(destinationShape)
  .superRefine(checkDestination)
  .transform(destinationSpec)
  .optional()
  .meta(
    doc(
      "Where the jobs' logs go, unless a job's own logs.to says otherwise. Each job keeps its CloudWatch log group `/flexjob/<app>/<job>`.",
      { to: "axiom", dataset: "jobs", token: "arn:aws:ssm:eu-west-1:123456789012:parameter/axiom-token" },
      DOCS.firelens,
      "cloudwatch",
    ),
  );

/** A job's `logs:`: retention of its CloudWatch group, and optionally its own destination. */
export const jobLogsSchema = z
  .strictObject({
    retentionDays: z
      .literal(LOG_RETENTION_DAYS)
      .default(30)
      .meta(doc(`Days CloudWatch keeps the job's logs: ${LOG_RETENTION_DAYS.join(", ")}.`, 30, DOCS.logs)),
    ...destinationShape,
  })
  .superRefine((logs, ctx) => {
    if (logs.to !== undefined) checkDestination(logs, ctx);
    else {
      for (const field of [...DESTINATION_FIELDS, "keepCloudWatch"] as const) {
        if (logs[field] !== undefined) {
          issue(
            ctx,
            field,
            {
              message: `${field} is set, but the job's logs have no to`,
              remedy: "add to: datadog, axiom or http next to it, or set it in the top-level logs",
            },
            field,
          );
        }
      }
    }
  })
  .transform((logs) => ({ retentionDays: logs.retentionDays, destination: destinationSpec(logs) }))
  .prefault({})
  .meta(
    doc(
      "The job's CloudWatch log group `/flexjob/<app>/<job>`, and where its logs go if not where the app's go.",
      { retentionDays: 90 },
    ),
  );

/**
 * Where a job's logs go: its own `logs.to`, else the app's, else CloudWatch.
 * @example
 * logDestinationOf(config.logs, job).to; // "datadog"
 */
export function logDestinationOf(
  app: LogDestination | undefined,
  job: { logs: { destination?: LogDestination | undefined } },
): LogDestination {
  return job.logs.destination ?? app ?? { to: "cloudwatch" };
}

/**
 * Whether the job's log router also writes its lines to the job's CloudWatch group, which its
 * task role must then allow.
 */
export function copiesToCloudWatch(destination: LogDestination): boolean {
  return destination.to !== "cloudwatch" && destination.keepCloudWatch;
}

interface JobWithLogs {
  name: string;
  taskRole?: string | undefined;
  logs: { destination?: LogDestination | undefined };
}

/**
 * The jobs that run as flexjob's task role and whose log routers write a CloudWatch copy with it.
 * @example
 * jobsCopyingLogs(config).map((job) => job.name);
 */
export function jobsCopyingLogs<Job extends JobWithLogs>(config: {
  logs?: LogDestination | undefined;
  jobs: readonly Job[];
}): Job[] {
  return config.jobs.filter(
    (job) => job.taskRole === undefined && copiesToCloudWatch(logDestinationOf(config.logs, job)),
  );
}

/** Whether any job runs as flexjob's task role (discovery, or a CloudWatch copy), which the deploy then creates. */
export function usesFlexjobTaskRole(config: {
  discovery?: unknown;
  logs?: LogDestination | undefined;
  jobs: readonly JobWithLogs[];
}): boolean {
  return config.discovery !== undefined || jobsCopyingLogs(config).length > 0;
}

/**
 * The secret ARNs a destination reads at task start, which the execution role must be able to read.
 * @example
 * logSecretArns({ to: "axiom", dataset: "jobs", token: arn, keepCloudWatch: true }); // [arn]
 */
export function logSecretArns(destination: LogDestination): string[] {
  switch (destination.to) {
    case "cloudwatch":
      return [];
    case "datadog":
      return [destination.apiKey];
    case "axiom":
      return [destination.token];
    case "http":
      return Object.values(destination.headers);
  }
}
