import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { paginate } from "../../core/pagination.js";
import { constraint, Reader } from "../../core/readers.js";
import { AwsError, type CallContext, type Handler } from "../../core/types.js";
import { compileFilterPattern } from "./filter.js";
import { deleteResourcePolicy, describeResourcePolicies, putResourcePolicy } from "./policies.js";
import {
  ascii,
  findGroup,
  groupArn,
  groupNotFound,
  invalid,
  keyOf,
  type LogEvent,
  type LogGroup,
  type LogStream,
  type LogsEnv,
  type LogsState,
  store,
  streamNotFound,
} from "./state.js";

/**
 * CloudWatch Logs' request handlers: each reads and checks its input with the Reader, asks the
 * state (state.ts) to look up or change what it names, and shapes the response. Validation
 * fails with `InvalidParameterException` in AWS's `1 validation error detected: …` wording.
 */

const LOG_GROUP_NAME = {
  min: 1,
  max: 512,
  pattern: /^[.\-_/#A-Za-z0-9]+$/,
  patternText: "[\\.\\-_/#A-Za-z0-9]+",
};
const LOG_STREAM_NAME = { min: 1, max: 512, pattern: /^[^:*]*$/, patternText: "[^:*]*" };
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_TAGS = 50;
const MAX_BATCH_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const invalidToken = () => invalid("The specified nextToken is invalid.");

const OPERATIONS: Record<string, OperationHandler<LogsEnv>> = {
  CreateLogGroup: createLogGroup,
  DeleteLogGroup: deleteLogGroup,
  DescribeLogGroups: describeLogGroups,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  CreateLogStream: createLogStream,
  DescribeLogStreams: describeLogStreams,
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  PutResourcePolicy: putResourcePolicy,
  DescribeResourcePolicies: describeResourcePolicies,
  DeleteResourcePolicy: deleteResourcePolicy,
};

export function logsHandlers(env: LogsEnv): Record<string, Handler> {
  return bindHandlers(env, OPERATIONS);
}

function createLogGroup(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const name = r.string("logGroupName", { required: true, ...LOG_GROUP_NAME });
  const kmsKeyId = r.string("kmsKeyId", { max: 256 });
  const logGroupClass = r.string("logGroupClass", {
    oneOf: ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"],
  });
  const deletionProtectionEnabled = r.bool("deletionProtectionEnabled");
  const tags = readTags(r, "tags", false) ?? {};
  if (env.state.groups.has(keyOf(ctx.region, name))) {
    throw new AwsError("ResourceAlreadyExistsException", "The specified log group already exists");
  }
  env.state.groups.set(keyOf(ctx.region, name), {
    region: ctx.region,
    name,
    creationTime: ctx.now().getTime(),
    retentionInDays: undefined,
    logGroupClass: logGroupClass ?? "STANDARD",
    kmsKeyId,
    deletionProtectionEnabled,
    tags: new Map(Object.entries(tags)),
    storedBytes: 0,
    streams: new Map(),
  });
  return {};
}

function deleteLogGroup(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const group = targetGroup(env.state, Reader.of(input, invalid), ctx, false);
  if (group.deletionProtectionEnabled) {
    throw new AwsError(
      "ValidationException",
      "Log group deletion is not allowed while deletion protection is enabled.",
    );
  }
  env.state.groups.delete(keyOf(group.region, group.name));
  return {};
}

function describeLogGroups(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const prefix = r.string("logGroupNamePrefix", LOG_GROUP_NAME);
  const pattern = r.string("logGroupNamePattern", {
    min: 0,
    max: 512,
    pattern: /^[.\-_/#A-Za-z0-9]*$/,
    patternText: "[\\.\\-_/#A-Za-z0-9]*",
  });
  const identifiers = r.strings("logGroupIdentifiers", { min: 1, max: 50 });
  const logGroupClass = r.string("logGroupClass", {
    oneOf: ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"],
  });
  const limit = r.int("limit", { min: 1, max: 50 }) ?? 50;
  const nextToken = r.string("nextToken", { min: 1 });
  if (prefix !== undefined && pattern !== undefined) {
    throw invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  }
  if (identifiers !== undefined && (prefix !== undefined || pattern !== undefined)) {
    throw invalid("logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern.");
  }
  const wanted =
    identifiers === undefined
      ? undefined
      : new Set(
          identifiers
            .map((id) => findGroup(env.state, id, ctx.region, ctx.accountId))
            .filter((g) => g !== undefined),
        );
  const selected = [...env.state.groups.values()]
    .filter(
      (g) =>
        g.region === ctx.region &&
        (prefix === undefined || g.name.startsWith(prefix)) &&
        (pattern === undefined || g.name.includes(pattern)) &&
        (logGroupClass === undefined || g.logGroupClass === logGroupClass) &&
        (wanted === undefined || wanted.has(g)),
    )
    .sort((a, b) => ascii(a.name, b.name));
  const page = paginate(selected, (g) => g.name, { token: nextToken, max: limit, invalidToken });
  return { logGroups: page.items.map((g) => groupOut(g, ctx.accountId)), nextToken: page.nextToken };
}

function putRetentionPolicy(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const days = r.int("retentionInDays", { required: true });
  if (!RETENTION_DAYS.includes(days)) {
    throw invalid(
      constraint(
        days,
        "retentionInDays",
        `Member must satisfy enum value set: [${RETENTION_DAYS.join(", ")}]`,
      ),
    );
  }
  const group = targetGroup(env.state, r, ctx, false);
  group.retentionInDays = days;
  return {};
}

function deleteRetentionPolicy(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  targetGroup(env.state, Reader.of(input, invalid), ctx, false).retentionInDays = undefined;
  return {};
}

function createLogStream(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const name = r.string("logStreamName", { required: true, ...LOG_STREAM_NAME });
  const group = targetGroup(env.state, r, ctx, false);
  if (group.streams.has(name)) {
    throw new AwsError("ResourceAlreadyExistsException", "The specified log stream already exists");
  }
  group.streams.set(name, {
    name,
    creationTime: ctx.now().getTime(),
    events: [],
    lastIngestionTime: undefined,
  });
  return {};
}

function describeLogStreams(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const prefix = r.string("logStreamNamePrefix", LOG_STREAM_NAME);
  const orderBy = r.string("orderBy", { oneOf: ["LogStreamName", "LastEventTime"] }) ?? "LogStreamName";
  const descending = r.bool("descending") ?? false;
  const limit = r.int("limit", { min: 1, max: 50 }) ?? 50;
  const nextToken = r.string("nextToken", { min: 1 });
  if (orderBy === "LastEventTime" && prefix !== undefined) {
    throw invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  const group = targetGroup(env.state, r, ctx, true);
  const lastEvent = (s: LogStream) => s.events[s.events.length - 1]?.timestamp ?? 0;
  const streams = [...group.streams.values()]
    .filter((s) => prefix === undefined || s.name.startsWith(prefix))
    .sort((a, b) =>
      orderBy === "LastEventTime"
        ? lastEvent(a) - lastEvent(b) || ascii(a.name, b.name)
        : ascii(a.name, b.name),
    );
  if (descending) streams.reverse();
  const page = paginate(streams, (s) => s.name, { token: nextToken, max: limit, invalidToken });
  return {
    logStreams: page.items.map((s) => streamOut(group, s, ctx.accountId)),
    nextToken: page.nextToken,
  };
}

function putLogEvents(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const streamName = r.string("logStreamName", { required: true, ...LOG_STREAM_NAME });
  const events = r.objects("logEvents", { required: true, min: 1, max: 10_000 }).map((e) => ({
    timestamp: e.int("timestamp", { required: true, min: 0 }),
    message: e.string("message", { required: true, min: 1 }),
  }));
  r.string("sequenceToken", { min: 1 });
  const group = targetGroup(env.state, r, ctx, false);
  const stream = group.streams.get(streamName);
  if (!stream) throw streamNotFound();
  let bytes = 0;
  for (const [i, e] of events.entries()) {
    bytes += Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES;
    const previous = events[i - 1];
    if (previous !== undefined && e.timestamp < previous.timestamp) {
      throw invalid("Log events in a single PutLogEvents request must be in chronological order.");
    }
  }
  if (bytes > MAX_BATCH_BYTES) {
    throw invalid(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  }
  // Too old, expired or too new events are rejected while the rest are stored, as AWS does.
  const at = ctx.now().getTime();
  const tooOldBefore = at - 14 * DAY_MS;
  const expiredBefore = group.retentionInDays === undefined ? 0 : at - group.retentionInDays * DAY_MS;
  let tooOldEnd = -1;
  let expiredEnd = -1;
  let tooNewStart = -1;
  const accepted: { timestamp: number; message: string }[] = [];
  for (const [i, e] of events.entries()) {
    if (e.timestamp < tooOldBefore) tooOldEnd = i;
    else if (e.timestamp < expiredBefore) expiredEnd = i;
    else if (e.timestamp > at + 2 * HOUR_MS) {
      if (tooNewStart < 0) tooNewStart = i;
    } else accepted.push(e);
  }
  store(env.state, group, stream, accepted, at);
  const rejected =
    tooOldEnd >= 0 || expiredEnd >= 0 || tooNewStart >= 0
      ? {
          tooOldLogEventEndIndex: tooOldEnd >= 0 ? tooOldEnd : undefined,
          expiredLogEventEndIndex: expiredEnd >= 0 ? expiredEnd : undefined,
          tooNewLogEventStartIndex: tooNewStart >= 0 ? tooNewStart : undefined,
        }
      : undefined;
  return { nextSequenceToken: sequenceToken(stream), rejectedLogEventsInfo: rejected };
}

function getLogEvents(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const streamName = r.string("logStreamName", { required: true, ...LOG_STREAM_NAME });
  const startTime = r.int("startTime", { min: 0 });
  const endTime = r.int("endTime", { min: 0 });
  const nextToken = r.string("nextToken", { min: 1 });
  const limit = r.int("limit", { min: 1, max: 10_000 }) ?? 10_000;
  const startFromHead = r.bool("startFromHead") ?? false;
  r.bool("unmask");
  const group = targetGroup(env.state, r, ctx, true);
  const stream = group.streams.get(streamName);
  if (!stream) throw streamNotFound();
  const events = stream.events.filter(
    (e) =>
      (startTime === undefined || e.timestamp >= startTime) &&
      (endTime === undefined || e.timestamp < endTime),
  );
  const token = nextToken === undefined ? undefined : parsePositionToken(nextToken);
  let window: LogEvent[];
  if (token === undefined) window = startFromHead ? events.slice(0, limit) : events.slice(-limit);
  else if (token.forward) window = events.filter((e) => !before(e, token.at)).slice(0, limit);
  else window = events.filter((e) => before(e, token.at)).slice(-limit);
  window = capBytes(window, token?.forward ?? startFromHead);
  const first = window[0];
  const last = window[window.length - 1];
  let forward: Position;
  let backward: Position;
  if (first !== undefined && last !== undefined) {
    forward = { timestamp: last.timestamp, seq: last.seq + 1 };
    backward = { timestamp: first.timestamp, seq: first.seq };
  } else {
    const at =
      token?.at ??
      (startFromHead ? { timestamp: 0, seq: 0 } : { timestamp: Number.MAX_SAFE_INTEGER, seq: 0 });
    forward = at;
    backward = at;
  }
  return {
    events: window.map((e) => ({
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
    })),
    nextForwardToken: positionToken(true, forward),
    nextBackwardToken: positionToken(false, backward),
  };
}

function filterLogEvents(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const streamNames = r.strings("logStreamNames", { min: 1, max: 100, item: LOG_STREAM_NAME });
  const prefix = r.string("logStreamNamePrefix", LOG_STREAM_NAME);
  const startTime = r.int("startTime", { min: 0 });
  const endTime = r.int("endTime", { min: 0 });
  const pattern = r.string("filterPattern", { min: 0, max: 1024 }) ?? "";
  const nextToken = r.string("nextToken", { min: 1 });
  const limit = r.int("limit", { min: 1, max: 10_000 }) ?? 10_000;
  r.bool("interleaved");
  r.bool("unmask");
  if (streamNames !== undefined && prefix !== undefined) {
    throw invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  }
  const group = targetGroup(env.state, r, ctx, true);
  const matches = compileFilterPattern(pattern, invalid);
  const streams = [...group.streams.values()].filter(
    (s) =>
      (streamNames === undefined || streamNames.includes(s.name)) &&
      (prefix === undefined || s.name.startsWith(prefix)),
  );
  const found = streams
    .flatMap((s) =>
      s.events
        .filter(
          (e) =>
            (startTime === undefined || e.timestamp >= startTime) &&
            (endTime === undefined || e.timestamp <= endTime) &&
            matches(e.message),
        )
        .map((e) => ({ stream: s.name, event: e })),
    )
    .sort((a, b) => a.event.timestamp - b.event.timestamp || a.event.seq - b.event.seq);
  const page = paginate(found, (f) => eventId(f.event), { token: nextToken, max: limit, invalidToken });
  return {
    events: page.items.map((f) => ({
      logStreamName: f.stream,
      timestamp: f.event.timestamp,
      message: f.event.message,
      ingestionTime: f.event.ingestionTime,
      eventId: eventId(f.event),
    })),
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
    nextToken: page.nextToken,
  };
}

function tagResource(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const group = taggedGroup(env.state, r, ctx);
  const tags = readTags(r, "tags", true) ?? {};
  const merged = new Map([...group.tags, ...Object.entries(tags)]);
  if (merged.size > MAX_TAGS) {
    throw new AwsError("TooManyTagsException", `A resource can have no more than ${MAX_TAGS} tags.`);
  }
  group.tags = merged;
  return {};
}

function untagResource(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const group = taggedGroup(env.state, r, ctx);
  const keys = r.strings("tagKeys", { required: true, min: 0, max: 50 }) ?? [];
  for (const key of keys) group.tags.delete(key);
  return {};
}

function listTagsForResource(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const group = taggedGroup(env.state, Reader.of(input, invalid), ctx);
  return { tags: Object.fromEntries(group.tags) };
}

/** The group named by logGroupName or logGroupIdentifier (a name or an ARN), exactly one. */
function targetGroup(state: LogsState, r: Reader, ctx: CallContext, identifierAllowed: boolean): LogGroup {
  const name = r.string("logGroupName", LOG_GROUP_NAME);
  const identifier = identifierAllowed
    ? r.string("logGroupIdentifier", { min: 1, max: 2048, pattern: /^[\w#+=/:,.@-]*$/ })
    : undefined;
  if (name !== undefined && identifier !== undefined) {
    throw invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  const ref = name ?? identifier;
  if (ref === undefined) {
    throw invalid(
      identifierAllowed
        ? "Either logGroupName or logGroupIdentifier must be specified."
        : constraint(null, "logGroupName", "Member must not be null"),
    );
  }
  const group = findGroup(state, ref, ctx.region, ctx.accountId);
  if (!group) throw groupNotFound();
  return group;
}

/** TagResource & co. take the log group's ARN (without the trailing `:*`). */
function taggedGroup(state: LogsState, r: Reader, ctx: CallContext): LogGroup {
  const arn = r.string("resourceArn", { required: true, min: 1, max: 1011, pattern: /^[\w+=/:,.@-]*$/ });
  const group = arn.startsWith("arn:") ? findGroup(state, arn, ctx.region, ctx.accountId) : undefined;
  if (!group) throw new AwsError("ResourceNotFoundException", "The specified resource does not exist.");
  return group;
}

export const groupOut = (group: LogGroup, accountId: string) => ({
  logGroupName: group.name,
  creationTime: group.creationTime,
  retentionInDays: group.retentionInDays,
  metricFilterCount: 0,
  arn: `${groupArn(group, accountId)}:*`,
  logGroupArn: groupArn(group, accountId),
  storedBytes: group.storedBytes,
  kmsKeyId: group.kmsKeyId,
  logGroupClass: group.logGroupClass,
  deletionProtectionEnabled: group.deletionProtectionEnabled,
});

export const streamOut = (group: LogGroup, stream: LogStream, accountId: string) => ({
  logStreamName: stream.name,
  creationTime: stream.creationTime,
  firstEventTimestamp: stream.events[0]?.timestamp,
  lastEventTimestamp: stream.events[stream.events.length - 1]?.timestamp,
  lastIngestionTime: stream.lastIngestionTime,
  uploadSequenceToken: sequenceToken(stream),
  arn: `${groupArn(group, accountId)}:log-stream:${stream.name}`,
  storedBytes: 0,
});

function readTags(r: Reader, member: string, required: boolean): Record<string, string> | undefined {
  const tags = r.stringMap(member);
  if (tags === undefined) {
    if (required) throw invalid(constraint(null, member, "Member must not be null"));
    return undefined;
  }
  const entries = Object.entries(tags);
  if (entries.length < 1 || entries.length > MAX_TAGS) {
    throw invalid(
      constraint(
        "{...}",
        member,
        `Member must have length ${entries.length < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_TAGS}`}`,
      ),
    );
  }
  for (const [key, value] of entries) {
    if (key.length > 128 || !TAG_KEY.test(key)) {
      throw invalid(
        constraint(
          key,
          `${member}.key`,
          "Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$",
        ),
      );
    }
    if (key.toLowerCase().startsWith("aws:"))
      throw invalid(`Tag key '${key}' uses the reserved prefix 'aws:'`);
    if (value.length > 256 || !TAG_VALUE.test(value)) {
      throw invalid(
        constraint(
          value,
          `${member}.${key}`,
          "Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$",
        ),
      );
    }
  }
  return tags;
}

/** The response-size cap: up to 1 MB of events, from the head or the tail of the window. */
function capBytes(window: LogEvent[], fromHead: boolean): LogEvent[] {
  let bytes = 0;
  const ordered = fromHead ? window : [...window].reverse();
  let n = 0;
  for (const e of ordered) {
    bytes += Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES;
    if (bytes > MAX_BATCH_BYTES) break;
    n += 1;
  }
  if (n === window.length) return window;
  return fromHead ? window.slice(0, n) : window.slice(window.length - n);
}

function sequenceToken(stream: LogStream): string {
  const last = stream.events[stream.events.length - 1];
  return String(49_600_000_000_000 + (last?.seq ?? 0)).padStart(56, "0");
}

/** A place between events: those at or after it are "forward", those before it "backward". */
interface Position {
  timestamp: number;
  seq: number;
}

function before(event: LogEvent, at: Position): boolean {
  return event.timestamp < at.timestamp || (event.timestamp === at.timestamp && event.seq < at.seq);
}

/** Shaped like AWS's: `f/` or `b/`, 56 digits, `/s`. */
function positionToken(forward: boolean, at: Position): string {
  return `${forward ? "f" : "b"}/${String(at.timestamp).padStart(20, "0")}${String(at.seq).padStart(36, "0")}/s`;
}

function parsePositionToken(token: string): { forward: boolean; at: Position } {
  const match = /^([fb])\/([0-9]{20})([0-9]{36})\/s$/.exec(token);
  if (!match) throw invalidToken();
  return { forward: match[1] === "f", at: { timestamp: Number(match[2]), seq: Number(match[3]) } };
}

function eventId(event: LogEvent): string {
  return `${String(event.timestamp).padStart(20, "0")}${String(event.seq).padStart(36, "0")}`;
}
