import type { LogDestination } from "../config/logs.js";
import { FlexjobError } from "../errors.js";

/**
 * FireLens log routing: a job whose logs go anywhere but CloudWatch gets a Fluent Bit sidecar, and
 * its container logs through the `awsfirelens` driver, whose options become that sidecar's output.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_firelens.html
 */

/**
 * The sidecar's name, image and share of the task. The image is AWS's Fluent Bit build, pinned to
 * the release AWS marked stable (aws/aws-for-fluent-bit#984); AWS's FireLens examples reserve 50 MiB.
 */
export const LOG_ROUTER = {
  name: "log_router",
  image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.33.2",
  cpu: 32,
  memoryReservationMiB: 50,
} as const;

/** The least a job's own container keeps next to the router: Fargate's smallest size, less the router. */
const JOB_MINIMUM = { cpu: 128, memoryMiB: 256 } as const;

/** Where the router writes the CloudWatch copy's output section before Fluent Bit starts. */
const CLOUDWATCH_CONFIG = "/tmp/flexjob-cloudwatch.conf";
/** The router's environment variables holding a destination's secrets, which its options refer to. */
const TOKEN_ENV = "FLEXJOB_LOGS_TOKEN";
const HEADER_ENV = "FLEXJOB_LOGS_HEADER";

type Secret = { name: string; valueFrom: string };

/** The job container's `awsfirelens` log configuration. */
export interface FireLensSpec {
  /** Fluent Bit output options; never a secret (those are `${VAR}` references or `secretOptions`). */
  options: Record<string, string>;
  secretOptions: Secret[];
}

/** The `log_router` container, normalised as the task definition spec holds it. */
export interface LogRouterSpec {
  name: string;
  image: string;
  cpu: number;
  memoryReservation: number;
  /** Read into the router's environment at task start; its output options refer to them by name. */
  secrets: Secret[];
  /** `firelensConfiguration.options`: the extra config file with the CloudWatch copy, or none. */
  options: Record<string, string>;
  /** Writes the CloudWatch copy's config, then starts the image's own entrypoint; undefined without a copy. */
  entryPoint: string[] | undefined;
  command: string[] | undefined;
}

interface RoutingContext {
  app: string;
  job: string;
  container: string;
  region: string;
  logGroup: string;
  streamPrefix: string;
}

/** Fluent Bit output options of one destination, and the secrets its options refer to. */
type DestinationOutput = { firelens: FireLensSpec; secrets: Secret[] };

function destinationOutput(
  destination: Exclude<LogDestination, { to: "cloudwatch" }>,
  context: RoutingContext,
): DestinationOutput {
  switch (destination.to) {
    case "datadog": {
      // https://docs.fluentbit.io/manual/pipeline/outputs/datadog
      const tags = { app: context.app, job: context.job, ...destination.tags };
      const options = {
        Name: "datadog",
        Host: `http-intake.logs.${destination.site}`,
        TLS: "on",
        compress: "gzip",
        provider: "ecs",
        dd_service: context.job,
        dd_source: "flexjob",
        dd_message_key: "log",
        dd_tags: Object.entries(tags)
          .map(([key, value]) => `${key}:${value}`)
          .join(","),
      };
      return {
        firelens: { options, secretOptions: [{ name: "apikey", valueFrom: destination.apiKey }] },
        secrets: [],
      };
    }
    case "axiom":
      // Axiom's ingest API takes a bearer token, which a secret option cannot prefix: the router reads
      // the token into its environment, and Fluent Bit fills `${VAR}` in its config from there.
      return {
        firelens: {
          options: {
            ...jsonLinesOver({
              host: "api.axiom.co",
              port: "443",
              uri: `/v1/datasets/${destination.dataset}/ingest`,
              tls: true,
            }),
            json_date_key: "_time",
            Header: `Authorization Bearer \${${TOKEN_ENV}}`,
          },
          secretOptions: [],
        },
        secrets: [{ name: TOKEN_ENV, valueFrom: destination.token }],
      };
    case "http":
      return httpOutput(destination);
  }
}

function httpOutput(destination: Extract<LogDestination, { to: "http" }>): DestinationOutput {
  const url = new URL(destination.url);
  const tls = url.protocol === "https:";
  const [header] = Object.entries(destination.headers);
  const options = {
    ...jsonLinesOver({
      host: url.hostname,
      port: url.port || (tls ? "443" : "80"),
      uri: `${url.pathname}${url.search}`,
      tls,
    }),
    ...(header && { Header: `${header[0]} \${${HEADER_ENV}}` }),
  };
  return {
    firelens: { options, secretOptions: [] },
    secrets: header ? [{ name: HEADER_ENV, valueFrom: header[1] }] : [],
  };
}

/** Fluent Bit's http output posting JSON lines. https://docs.fluentbit.io/manual/pipeline/outputs/http */
function jsonLinesOver(target: {
  host: string;
  port: string;
  uri: string;
  tls: boolean;
}): Record<string, string> {
  return {
    Name: "http",
    Host: target.host,
    Port: target.port,
    URI: target.uri,
    Format: "json_lines",
    json_date_format: "iso8601",
    compress: "gzip",
    tls: target.tls ? "on" : "off",
  };
}

/**
 * The router's start command when it keeps a CloudWatch copy: FireLens makes one output, the
 * destination's, and includes a config file for more. The file is written at start (no secret is
 * in it) and the image's own entrypoint then starts Fluent Bit, which reads it.
 * https://docs.fluentbit.io/manual/pipeline/outputs/cloudwatch
 */
function cloudWatchCopy(context: RoutingContext): Pick<LogRouterSpec, "options" | "entryPoint" | "command"> {
  const lines = [
    "[OUTPUT]",
    "    Name cloudwatch_logs",
    // FireLens tags a container's lines `<container>-firelens-<task id>`.
    `    Match ${context.container}-firelens-*`,
    `    region ${context.region}`,
    `    log_group_name ${context.logGroup}`,
    `    log_stream_prefix ${context.streamPrefix}/`,
  ];
  const write = `printf '%s\\n' ${lines.map((line) => `'${line}'`).join(" ")} > ${CLOUDWATCH_CONFIG}`;
  return {
    options: { "config-file-type": "file", "config-file-value": CLOUDWATCH_CONFIG },
    entryPoint: ["sh", "-c"],
    command: [`${write} && exec /entrypoint.sh`],
  };
}

/**
 * The job container's FireLens configuration and the router beside it; undefined for CloudWatch,
 * which the awslogs driver reaches without a sidecar.
 */
export function renderLogRouting(
  destination: LogDestination,
  context: RoutingContext,
): { firelens: FireLensSpec; router: LogRouterSpec } | undefined {
  if (destination.to === "cloudwatch") return undefined;
  const { firelens, secrets } = destinationOutput(destination, context);
  const copy = destination.keepCloudWatch
    ? cloudWatchCopy(context)
    : { options: {}, entryPoint: undefined, command: undefined };
  return {
    firelens,
    router: {
      name: LOG_ROUTER.name,
      image: LOG_ROUTER.image,
      cpu: LOG_ROUTER.cpu,
      memoryReservation: LOG_ROUTER.memoryReservationMiB,
      secrets,
      ...copy,
    },
  };
}

/**
 * Refuses a size with too little left for the job beside the router. Fargate's smallest size
 * (256 CPU units, 512 MiB) leaves enough, so this guards hand-built specs and future sizes.
 */
export function assertRoomForRouter(job: string, size: { cpuUnits: number; memoryMiB: number }): void {
  const cpuLeft = size.cpuUnits - LOG_ROUTER.cpu;
  const memoryLeft = size.memoryMiB - LOG_ROUTER.memoryReservationMiB;
  if (cpuLeft >= JOB_MINIMUM.cpu && memoryLeft >= JOB_MINIMUM.memoryMiB) return;
  throw new FlexjobError(
    `job ${job}: its size (${size.cpuUnits} CPU units, ${size.memoryMiB} MiB) leaves ${cpuLeft} CPU units and ${memoryLeft} MiB beside the log router, which takes ${LOG_ROUTER.cpu} and ${LOG_ROUTER.memoryReservationMiB} MiB`,
    {
      code: "CONFIG_INVALID",
      fault: "user",
      remedy: `give job ${job} at least cpu: 0.25 and memory: 0.5, or send its logs to CloudWatch (logs.to: cloudwatch)`,
    },
  );
}

/** What the plan says about a job's router: where its logs go and what it takes of the job's size. */
export function logRouterNote(
  job: string,
  destination: Exclude<LogDestination, { to: "cloudwatch" }>,
  size: { cpuUnits: number; memoryMiB: number },
): string {
  const copy = destination.keepCloudWatch ? ", with a copy in CloudWatch" : "; none stay in CloudWatch";
  return `job ${job}: logs go to ${destination.to}${copy}, through a Fluent Bit log router that takes ${LOG_ROUTER.cpu} of its ${size.cpuUnits} CPU units and reserves ${LOG_ROUTER.memoryReservationMiB} of its ${size.memoryMiB} MiB`;
}
