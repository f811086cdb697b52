import { AwsError } from "../../core/types.js";

/**
 * CloudWatch Logs' state and the operations on it: plain data, and functions that change it or
 * throw the AwsError CloudWatch Logs would answer with. Reading a request and shaping a
 * response is the handlers' work (handlers.ts).
 */

export interface LogEvent {
  timestamp: number;
  /** Arrival order across the service: breaks timestamp ties and makes event ids unique. */
  seq: number;
  message: string;
  ingestionTime: number;
}

export interface LogStream {
  name: string;
  creationTime: number;
  /** Sorted by (timestamp, seq). */
  events: LogEvent[];
  lastIngestionTime: number | undefined;
}

export interface LogGroup {
  region: string;
  name: string;
  creationTime: number;
  retentionInDays: number | undefined;
  logGroupClass: string;
  kmsKeyId: string | undefined;
  deletionProtectionEnabled: boolean | undefined;
  tags: Map<string, string>;
  storedBytes: number;
  streams: Map<string, LogStream>;
}

/** An account-level resource policy (PutResourcePolicy without a resourceArn). */
export interface ResourcePolicy {
  name: string;
  document: string;
  lastUpdatedTime: number;
}

export interface LogsState {
  /** By `region/name`. */
  groups: Map<string, LogGroup>;
  /** By region, then policy name. */
  policies: Map<string, Map<string, ResourcePolicy>>;
  /** The last event's arrival number. */
  seq: number;
}

/** What every handler works with; `state` is replaced on reset. */
export interface LogsEnv {
  state: LogsState;
}

export const ACCOUNT_ID = "123456789012";

export const emptyLogsState = (): LogsState => ({ groups: new Map(), policies: new Map(), seq: 0 });

export const invalid = (message: string) => new AwsError("InvalidParameterException", message);
export const groupNotFound = () =>
  new AwsError("ResourceNotFoundException", "The specified log group does not exist.");
export const streamNotFound = () =>
  new AwsError("ResourceNotFoundException", "The specified log stream does not exist.");

export const keyOf = (region: string, name: string) => `${region}/${name}`;

export const groupArn = (group: LogGroup, accountId: string) =>
  `arn:aws:logs:${group.region}:${accountId}:log-group:${group.name}`;

/** A log group by name or ARN (with or without the trailing `:*`), in this region and account. */
export function findGroup(
  state: LogsState,
  ref: string,
  region: string,
  accountId: string,
): LogGroup | undefined {
  const arn = /^arn:aws:logs:([a-z0-9-]+):([0-9]{12}):log-group:([^:]+)(?::\*)?$/.exec(ref);
  if (!arn) return state.groups.get(keyOf(region, ref));
  if (arn[1] !== region || arn[2] !== accountId) return undefined;
  return state.groups.get(keyOf(region, arn[3] ?? ""));
}

/** Stores events in timestamp order, ingested at `at`. */
export function store(
  state: LogsState,
  group: LogGroup,
  stream: LogStream,
  events: readonly { timestamp: number; message: string }[],
  at: number,
): void {
  for (const e of events) {
    state.seq += 1;
    insertSorted(stream.events, {
      timestamp: e.timestamp,
      seq: state.seq,
      message: e.message,
      ingestionTime: at,
    });
    group.storedBytes += Buffer.byteLength(e.message);
  }
  if (events.length > 0) stream.lastIngestionTime = at;
}

function insertSorted(events: LogEvent[], event: LogEvent): void {
  let i = events.length;
  while (i > 0) {
    const previous = events[i - 1];
    if (previous === undefined || previous.timestamp <= event.timestamp) break;
    i -= 1;
  }
  events.splice(i, 0, event);
}

export function ascii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
