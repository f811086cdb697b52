import { AwsError, type CallContext, type World } from "../../core/types.js";

/**
 * EventBridge Scheduler's state and the operations on it: plain data, and functions that look
 * groups and schedules up or change them, throwing the AwsError Scheduler would answer with.
 * Reading a request and shaping a response is the handlers' work (handlers.ts).
 */

export interface Group {
  name: string;
  arn: string;
  region: string;
  creationDate: Date;
  lastModificationDate: Date;
  tags: { Key: string; Value: string }[];
}

export interface Schedule {
  region: string;
  /** The GetSchedule shape. */
  described: Record<string, unknown> & { Name: string; GroupName: string; Arn: string; State: string };
  clientToken: string | undefined;
}

export interface SchedulerState {
  /** By `region\0name`. */
  groups: Map<string, Group>;
  /** By `region\0group\0name`. */
  schedules: Map<string, Schedule>;
}

/** What every handler works with; `state` is replaced on reset. */
export interface SchedulerEnv {
  state: SchedulerState;
  world: World;
}

export const emptySchedulerState = (): SchedulerState => ({ groups: new Map(), schedules: new Map() });

export const fail = (message: string) => new AwsError("ValidationException", message);
export const notFound = (message: string) => new AwsError("ResourceNotFoundException", message, 404);
export const conflict = (message: string) => new AwsError("ConflictException", message, 409);

const GROUP_ARN = /^arn:aws(-[a-z]+)?:scheduler:([a-z0-9-]+):(\d{12}):schedule-group\/([0-9a-zA-Z-_.]+)$/;

export const groupKey = (region: string, name: string) => `${region}\0${name}`;
export const scheduleKey = (region: string, group: string, name: string) => `${region}\0${group}\0${name}`;

export function groupArn(context: CallContext, name: string): string {
  return `arn:aws:scheduler:${context.region}:${context.accountId}:schedule-group/${name}`;
}

/** A new group, created and last modified now. */
export function newGroup(context: CallContext, name: string, tags: Group["tags"]): Group {
  const now = context.now();
  return {
    name,
    arn: groupArn(context, name),
    region: context.region,
    creationDate: now,
    lastModificationDate: now,
    tags,
  };
}

/** The default group exists from the start in each region (it cannot be deleted); made on first sight. */
export function ensureDefault(state: SchedulerState, context: CallContext): void {
  const key = groupKey(context.region, "default");
  if (!state.groups.has(key)) state.groups.set(key, newGroup(context, "default", []));
}

export function requireGroup(state: SchedulerState, context: CallContext, name: string): Group {
  ensureDefault(state, context);
  const group = state.groups.get(groupKey(context.region, name));
  if (!group) throw notFound(`Schedule group ${name} does not exist.`);
  return group;
}

/** A group by ARN, for the tagging operations (only groups can be tagged). */
export function groupFromArn(state: SchedulerState, context: CallContext, arn: string): Group {
  const match = GROUP_ARN.exec(arn);
  if (!match) {
    throw fail(
      `1 validation error detected: Value '${arn}' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:scheduler:[a-z0-9\\-]+:\\d{12}:schedule-group\\/[0-9a-zA-Z-_.]+$`,
    );
  }
  if (match[2] !== context.region || match[3] !== context.accountId)
    throw notFound(`Resource ${arn} does not exist.`);
  ensureDefault(state, context);
  const group = state.groups.get(groupKey(context.region, match[4] as string));
  if (!group) throw notFound(`Resource ${arn} does not exist.`);
  return group;
}

/** Deleting a group deletes its schedules. */
export function deleteGroup(state: SchedulerState, context: CallContext, name: string): void {
  if (name === "default") throw fail("The default schedule group cannot be deleted.");
  requireGroup(state, context, name);
  state.groups.delete(groupKey(context.region, name));
  for (const [key, schedule] of state.schedules) {
    if (schedule.region === context.region && schedule.described.GroupName === name)
      state.schedules.delete(key);
  }
}
