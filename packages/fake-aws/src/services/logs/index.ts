import type { LogsDelivery, ServiceDefinition, World } from "../../core/types.js";
import { groupOut, logsHandlers } from "./handlers.js";
import { receiveServiceEvent } from "./policies.js";
import {
  ACCOUNT_ID,
  ascii,
  emptyLogsState,
  findGroup,
  groupNotFound,
  keyOf,
  type LogsEnv,
  type LogsState,
  store,
} from "./state.js";

/**
 * CloudWatch Logs: log groups (retention, tags), log streams and their events. Events are kept
 * in timestamp order; GetLogEvents tokens are positions between events (stable while more events
 * arrive), FilterLogEvents pages by event id. Validation follows the API reference, failing with
 * `InvalidParameterException` in AWS's `1 validation error detected: …` wording.
 */

export interface LogsOptions {
  /** The fake clock, for controls (which have no call to take the time from). */
  clock?: { now(): Date };
}

/** Test controls, on the in-process handle as `aws.logs`. */
export interface LogsControls {
  /**
   * Writes what a task "printed": one event per line into the stream (created if missing, as
   * the awslogs driver does) of an existing log group. Timestamps default to the clock's now.
   */
  appendLogLines(
    group: string,
    stream: string,
    lines: readonly LogLine[],
    options?: { region?: string },
  ): void;
  /** The messages of a stream, oldest first (for asserting what was written). */
  logLines(group: string, stream: string, options?: { region?: string }): string[];
}

export type LogLine = string | { message: string; timestamp?: number | Date };

/** How another AWS service (EventBridge) writes an event into a log group. */
export type LogsReceiver = (delivery: LogsDelivery, region: string) => string | undefined;

export type LogsService = ServiceDefinition & { controls: LogsControls; receive: LogsReceiver };

export function createLogsService(_world: World, options: LogsOptions = {}): LogsService {
  const env: LogsEnv = { state: emptyLogsState() };
  const now = () => options.clock?.now() ?? new Date();
  const controls: LogsControls = {
    appendLogLines: (groupName, streamName, lines, opts = {}) =>
      appendLogLines(env.state, { group: groupName, stream: streamName, region: opts.region }, lines, now()),
    logLines: (groupName, streamName, opts = {}) => {
      const group = env.state.groups.get(keyOf(opts.region ?? "us-east-1", groupName));
      return group?.streams.get(streamName)?.events.map((e) => e.message) ?? [];
    },
  };
  return {
    signingName: "logs",
    protocol: "awsJson1_1",
    targetPrefix: "Logs_20140328",
    handlers: logsHandlers(env),
    mutating: new Set([
      "CreateLogGroup",
      "DeleteLogGroup",
      "PutRetentionPolicy",
      "DeleteRetentionPolicy",
      "CreateLogStream",
      "PutLogEvents",
      "TagResource",
      "UntagResource",
      "PutResourcePolicy",
      "DeleteResourcePolicy",
    ]),
    owns: {
      "log-group": (ref, region) => findGroup(env.state, ref, region, ACCOUNT_ID) !== undefined,
    },
    snapshot: () => snapshotOf(env.state),
    reset: () => {
      env.state = emptyLogsState();
    },
    controls,
    receive: (delivery, region) =>
      receiveServiceEvent(env.state, delivery, { region, accountId: ACCOUNT_ID, nowMs: now().getTime() }),
  };
}

function snapshotOf(state: LogsState) {
  return [...state.groups.values()]
    .sort((a, b) => ascii(a.region, b.region) || ascii(a.name, b.name))
    .map((g) => ({
      region: g.region,
      ...groupOut(g, ACCOUNT_ID),
      tags: Object.fromEntries(g.tags),
      streams: [...g.streams.values()].map((s) => ({
        logStreamName: s.name,
        events: s.events.map((e) => ({ timestamp: e.timestamp, message: e.message })),
      })),
    }));
}

/** The `appendLogLines` control: what a task printed, as the awslogs driver delivers it. */
function appendLogLines(
  state: LogsState,
  target: { group: string; stream: string; region: string | undefined },
  lines: readonly LogLine[],
  now: Date,
): void {
  const group = state.groups.get(keyOf(target.region ?? "us-east-1", target.group));
  if (!group) throw groupNotFound();
  const at = now.getTime();
  let stream = group.streams.get(target.stream);
  if (!stream) {
    stream = { name: target.stream, creationTime: at, events: [], lastIngestionTime: undefined };
    group.streams.set(target.stream, stream);
  }
  const events = lines.map((line) =>
    typeof line === "string"
      ? { timestamp: at, message: line }
      : {
          timestamp: line.timestamp === undefined ? at : new Date(line.timestamp).getTime(),
          message: line.message,
        },
  );
  store(state, group, stream, events, at);
}
