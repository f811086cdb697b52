import type { Reader } from "../../core/readers.js";
import type { CallContext } from "../../core/types.js";
import { validation } from "./state.js";

/**
 * CreatePipe's and UpdatePipe's members, checked against the Pipes API reference's constraints.
 * The fake runs an SQS queue source and an event bus target only; it refuses the other kinds,
 * enrichment and source filters as unsupported, so a test cannot rely on what it does not run.
 * https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_CreatePipe.html
 */

export const NAME_RULE = { min: 1, max: 64, pattern: /^[.\-_A-Za-z0-9]+$/ } as const;
const ROLE_ARN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z0-9+=,.@\-_/]+$/;
const ARN =
  /^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-]+):([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.+)$/;
const SOURCE = new RegExp(`^smk://[A-Za-z0-9.-]+:[0-9]{1,5}$|${ARN.source}`);
const SQS_QUEUE = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80})$/;
const EVENT_BUS = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/([A-Za-z0-9._\-/]+)$/;
const EVENT_SOURCE =
  /^(?=[/.\-_A-Za-z0-9]{1,256}$)((aws\.partner(\/[.\-_A-Za-z0-9]+){2,})|((?!aws\.)[/.\-_A-Za-z0-9]+))$/;
const TIME_PATH = /^\$(\.[\w/_-]+(\[(\d+|\*)\])*)*$/;
const ENDPOINT_ID = /^[A-Za-z0-9-]+[.][A-Za-z0-9-]+$/;

export const roleArnRule = { min: 1, max: 1600, pattern: ROLE_ARN } as const;
export const targetRule = { min: 1, max: 1600, pattern: ARN } as const;
export const sourceRule = { min: 1, max: 1600, pattern: SOURCE } as const;
export const STATES = ["RUNNING", "STOPPED"] as const;
/** Every CurrentState the API knows; the fake's pipes settle in RUNNING or STOPPED. */
export const CURRENT_STATES = [
  "RUNNING",
  "STOPPED",
  "CREATING",
  "UPDATING",
  "DELETING",
  "STARTING",
  "STOPPING",
  "CREATE_FAILED",
  "UPDATE_FAILED",
  "START_FAILED",
  "STOP_FAILED",
  "DELETE_FAILED",
  "CREATE_ROLLBACK_FAILED",
  "DELETE_ROLLBACK_FAILED",
  "UPDATE_ROLLBACK_FAILED",
] as const;

const unsupported = (what: string) =>
  validation(`fake-aws does not run ${what}: it runs an SQS queue source and an event bus target only`);

/** The source must be a standard SQS queue of the pipe's region and account. */
export function checkSource(source: string, ctx: CallContext): void {
  const queue = SQS_QUEUE.exec(source);
  if (!queue) throw unsupported(`the source ${source}`);
  if (queue[1] !== ctx.region || queue[2] !== ctx.accountId) {
    throw unsupported(`a source in another region or account (${source})`);
  }
}

/** The target must be the default event bus of the pipe's region and account. */
export function checkTarget(target: string, ctx: CallContext): void {
  const bus = EVENT_BUS.exec(target);
  if (!bus) throw unsupported(`the target ${target}`);
  if (bus[1] !== ctx.region || bus[2] !== ctx.accountId || bus[3] !== "default") {
    throw unsupported(`a target other than this region's default event bus (${target})`);
  }
}

/** `SourceParameters`, or UpdatePipe's, as DescribePipe will show them (SQS defaults filled). */
export function readSourceParameters(r: Reader, current?: Record<string, unknown>): Record<string, unknown> {
  const parameters = r.object("SourceParameters");
  for (const key of Object.keys(parameters?.input ?? {})) {
    if (key === "FilterCriteria") throw unsupported("source filters (FilterCriteria)");
    if (key !== "SqsQueueParameters") throw unsupported(`${key} (the source is an SQS queue)`);
  }
  const sqs = parameters?.object("SqsQueueParameters");
  if (sqs === undefined && current !== undefined) return current;
  const batchSize = sqs?.int("BatchSize", { min: 1, max: 10000 });
  const window = sqs?.int("MaximumBatchingWindowInSeconds", { min: 0, max: 300 });
  return { SqsQueueParameters: { BatchSize: batchSize ?? 10, MaximumBatchingWindowInSeconds: window ?? 0 } };
}

/** `TargetParameters` for an event bus target; on update, each member given replaces the old one. */
export function readTargetParameters(
  r: Reader,
  current?: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const parameters = r.object("TargetParameters");
  if (parameters === undefined) return current;
  for (const key of Object.keys(parameters.input)) {
    if (key !== "InputTemplate" && key !== "EventBridgeEventBusParameters") {
      throw unsupported(`${key} (the target is an event bus)`);
    }
  }
  const template = parameters.string("InputTemplate", { min: 0, max: 8192 });
  const bus = parameters.object("EventBridgeEventBusParameters");
  if (bus) {
    bus.string("DetailType", { min: 0, max: 128 });
    bus.string("Source", { min: 1, max: 256, pattern: EVENT_SOURCE });
    bus.strings("Resources", { max: 10, item: { min: 1, max: 1600, pattern: ARN } });
    bus.string("Time", { min: 1, max: 256, pattern: TIME_PATH });
    bus.string("EndpointId", { min: 1, max: 50, pattern: ENDPOINT_ID });
    if (bus.has("EndpointId")) throw unsupported("global endpoints (EndpointId)");
  }
  const merged: Record<string, unknown> = {
    ...current,
    ...(template !== undefined && { InputTemplate: template }),
    ...(bus !== undefined && { EventBridgeEventBusParameters: structuredClone(bus.input) }),
  };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

export function checkEnrichment(r: Reader): void {
  if (r.has("Enrichment") || r.has("EnrichmentParameters")) throw unsupported("enrichment");
}

export function readLogConfiguration(r: Reader): Record<string, unknown> | undefined {
  const log = r.object("LogConfiguration");
  if (log === undefined) return undefined;
  log.string("Level", { required: true, oneOf: ["OFF", "ERROR", "INFO", "TRACE"] });
  log.strings("IncludeExecutionData", { item: { oneOf: ["ALL"] } });
  return structuredClone(log.input);
}

export function readTags(r: Reader): Map<string, string> {
  const tags = r.stringMap("Tags") ?? {};
  checkTags(tags, "tags");
  return new Map(Object.entries(tags));
}

export function checkTags(tags: Record<string, string>, member: string): void {
  const entries = Object.entries(tags);
  if (entries.length > 50) {
    throw validation(
      `Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to 50`,
    );
  }
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128 || value.length > 256) {
      throw validation(`Tag keys must be 1-128 characters and values 0-256 characters: '${key}'`);
    }
  }
}
