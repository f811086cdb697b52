import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { paginate } from "../../core/pagination.js";
import { Reader } from "../../core/readers.js";
import type { CallContext, Handler, RestRoute } from "../../core/types.js";
import { isTimeZone, scheduleExpressionProblem } from "./expression.js";
import {
  conflict,
  deleteGroup,
  ensureDefault,
  fail,
  type Group,
  groupFromArn,
  groupKey,
  newGroup,
  notFound,
  requireGroup,
  type Schedule,
  type SchedulerEnv,
  scheduleKey,
} from "./state.js";
import { readTarget } from "./target.js";

/**
 * EventBridge Scheduler's request handlers: each reads and checks its input with the Reader,
 * asks the state (state.ts) to look up or change what it names, and shapes the response.
 * UpdateSchedule replaces the whole schedule; schedules cannot be tagged, only groups.
 */

const NAME_RULE = {
  min: 1,
  max: 64,
  pattern: /^[0-9a-zA-Z-_.]+$/,
  patternText: "^[0-9a-zA-Z-_.]+$",
} as const;
const KMS_ARN = /^arn:aws(-[a-z]+)?:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[0-9a-zA-Z-_]*$/;
const CLIENT_TOKEN = { min: 1, max: 64, pattern: /^[a-zA-Z0-9-_]+$/ } as const;

/** restJson1: where each operation's members travel (path, query) on the wire. */
export const ROUTES: readonly RestRoute[] = [
  { operation: "CreateSchedule", method: "POST", path: "/schedules/{Name}" },
  { operation: "GetSchedule", method: "GET", path: "/schedules/{Name}", query: { groupName: "GroupName" } },
  { operation: "UpdateSchedule", method: "PUT", path: "/schedules/{Name}" },
  {
    operation: "DeleteSchedule",
    method: "DELETE",
    path: "/schedules/{Name}",
    query: { groupName: "GroupName", clientToken: "ClientToken" },
  },
  {
    operation: "ListSchedules",
    method: "GET",
    path: "/schedules",
    query: {
      ScheduleGroup: "GroupName",
      NamePrefix: "NamePrefix",
      State: "State",
      NextToken: "NextToken",
      MaxResults: "MaxResults",
    },
  },
  { operation: "CreateScheduleGroup", method: "POST", path: "/schedule-groups/{Name}" },
  { operation: "GetScheduleGroup", method: "GET", path: "/schedule-groups/{Name}" },
  {
    operation: "DeleteScheduleGroup",
    method: "DELETE",
    path: "/schedule-groups/{Name}",
    query: { clientToken: "ClientToken" },
  },
  {
    operation: "ListScheduleGroups",
    method: "GET",
    path: "/schedule-groups",
    query: { NamePrefix: "NamePrefix", NextToken: "NextToken", MaxResults: "MaxResults" },
  },
  { operation: "TagResource", method: "POST", path: "/tags/{ResourceArn}" },
  {
    operation: "UntagResource",
    method: "DELETE",
    path: "/tags/{ResourceArn}",
    query: { TagKeys: "TagKeys" },
    multiValueQuery: ["TagKeys"],
  },
  { operation: "ListTagsForResource", method: "GET", path: "/tags/{ResourceArn}" },
];

const OPERATIONS: Record<string, OperationHandler<SchedulerEnv>> = {
  CreateSchedule: createSchedule,
  GetSchedule: getSchedule,
  UpdateSchedule: updateSchedule,
  DeleteSchedule: deleteSchedule,
  ListSchedules: listSchedules,
  CreateScheduleGroup: createScheduleGroup,
  GetScheduleGroup: getScheduleGroup,
  DeleteScheduleGroup: deleteScheduleGroup,
  ListScheduleGroups: listScheduleGroups,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

export function schedulerHandlers(env: SchedulerEnv): Record<string, Handler> {
  return bindHandlers(env, OPERATIONS);
}

export const describeGroup = (group: Group) => ({
  Arn: group.arn,
  Name: group.name,
  State: "ACTIVE",
  CreationDate: group.creationDate,
  LastModificationDate: group.lastModificationDate,
});

const summary = (schedule: Schedule) => ({
  Arn: schedule.described.Arn,
  Name: schedule.described.Name,
  GroupName: schedule.described.GroupName,
  State: schedule.described.State,
  CreationDate: schedule.described.CreationDate,
  LastModificationDate: schedule.described.LastModificationDate,
  Target: { Arn: (schedule.described.Target as { Arn: string }).Arn },
});

/** Start and end dates as Scheduler checks them against the current time and each other. */
function readDates(reader: Reader, context: CallContext) {
  const startDate = reader.date("StartDate");
  const endDate = reader.date("EndDate");
  const nowMs = context.now().getTime();
  if (startDate && startDate.getTime() < nowMs - 5 * 60_000) {
    throw fail("The StartDate you specify cannot be earlier than 5 minutes prior to the current time.");
  }
  if (endDate && endDate.getTime() <= nowMs)
    throw fail("The EndDate you specify cannot be earlier than the current time.");
  if (startDate && endDate && endDate.getTime() <= startDate.getTime()) {
    throw fail("The EndDate must be later than the StartDate.");
  }
  return { StartDate: startDate, EndDate: endDate };
}

function readWindow(reader: Reader) {
  const window = reader.object("FlexibleTimeWindow", { required: true });
  const mode = window.string("Mode", { required: true, oneOf: ["OFF", "FLEXIBLE"] });
  const windowMinutes = window.int("MaximumWindowInMinutes", { min: 1, max: 1440 });
  if (mode === "FLEXIBLE" && windowMinutes === undefined) {
    throw fail("MaximumWindowInMinutes is required when FlexibleTimeWindow Mode is FLEXIBLE.");
  }
  if (mode === "OFF" && windowMinutes !== undefined) {
    throw fail("MaximumWindowInMinutes must not be set when FlexibleTimeWindow Mode is OFF.");
  }
  return { Mode: mode, ...(windowMinutes !== undefined && { MaximumWindowInMinutes: windowMinutes }) };
}

/** The whole schedule of a Create or Update request, in the GetSchedule shape. */
function readSchedule(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  const reader = Reader.of(input, fail);
  const name = reader.string("Name", { required: true, ...NAME_RULE });
  const groupName = reader.string("GroupName", NAME_RULE) ?? "default";
  const expression = reader.string("ScheduleExpression", { required: true, min: 1, max: 256 });
  const problem = scheduleExpressionProblem(expression);
  if (problem) throw fail(`Invalid Schedule Expression ${expression}: ${problem}.`);
  const timezone = reader.string("ScheduleExpressionTimezone", { min: 1, max: 50 });
  if (timezone !== undefined && !isTimeZone(timezone))
    throw fail(`Invalid ScheduleExpressionTimezone ${timezone}.`);
  const { StartDate, EndDate } = readDates(reader, context);
  const flexibleTimeWindow = readWindow(reader);
  const target = readTarget(reader, env.world, {
    region: context.region,
    accountId: context.accountId,
    groupName,
  });
  const described = {
    Name: name,
    GroupName: groupName,
    Arn: `arn:aws:scheduler:${context.region}:${context.accountId}:schedule/${groupName}/${name}`,
    ScheduleExpression: expression,
    ScheduleExpressionTimezone: timezone,
    StartDate,
    EndDate,
    Description: reader.string("Description", { max: 512 }),
    State: reader.string("State", { oneOf: ["ENABLED", "DISABLED"] }) ?? "ENABLED",
    KmsKeyArn: reader.string("KmsKeyArn", { min: 1, max: 2048, pattern: KMS_ARN }),
    ActionAfterCompletion: reader.string("ActionAfterCompletion", { oneOf: ["NONE", "DELETE"] }) ?? "NONE",
    FlexibleTimeWindow: flexibleTimeWindow,
    Target: target,
  };
  const clientToken = reader.string("ClientToken", CLIENT_TOKEN);
  return { described, clientToken };
}

/** A schedule's name and group as GetSchedule and DeleteSchedule take them. */
function readScheduleRef(reader: Reader) {
  const name = reader.string("Name", { required: true, ...NAME_RULE });
  const groupName = reader.string("GroupName", NAME_RULE) ?? "default";
  return { name, groupName };
}

const readGroupTags = (reader: Reader) =>
  reader.objects("Tags", { max: 200 }).map((tag) => ({
    Key: tag.string("Key", { required: true, min: 1, max: 128 }),
    Value: tag.string("Value", { required: true, min: 1, max: 256 }),
  }));

/** One page of `items` by MaxResults and NextToken, read after the operation's filters. */
function page<T>(reader: Reader, items: readonly T[], keyOf: (item: T) => string) {
  const max = reader.int("MaxResults", { min: 1, max: 100 }) ?? 100;
  const token = reader.string("NextToken", { min: 1, max: 2048 });
  return paginate(items, keyOf, { token, max, invalidToken: () => fail("Invalid NextToken.") });
}

function createSchedule(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  const { described, clientToken } = readSchedule(env, input, context);
  requireGroup(env.state, context, described.GroupName);
  const key = scheduleKey(context.region, described.GroupName, described.Name);
  const existing = env.state.schedules.get(key);
  if (existing) {
    // A retry of the same request (same ClientToken) succeeds instead of conflicting.
    if (clientToken !== undefined && existing.clientToken === clientToken)
      return { ScheduleArn: existing.described.Arn };
    throw conflict(`Schedule ${described.Name} already exists.`);
  }
  const now = context.now();
  env.state.schedules.set(key, {
    region: context.region,
    described: { ...described, CreationDate: now, LastModificationDate: now },
    clientToken,
  });
  return { ScheduleArn: described.Arn };
}

function getSchedule(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  const { name, groupName } = readScheduleRef(Reader.of(input, fail));
  const schedule = env.state.schedules.get(scheduleKey(context.region, groupName, name));
  if (!schedule) throw notFound(`Schedule ${name} does not exist.`);
  return structuredClone(schedule.described);
}

function updateSchedule(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  const { described } = readSchedule(env, input, context);
  requireGroup(env.state, context, described.GroupName);
  const key = scheduleKey(context.region, described.GroupName, described.Name);
  const existing = env.state.schedules.get(key);
  if (!existing) throw notFound(`Schedule ${described.Name} does not exist.`);
  existing.described = {
    ...described,
    CreationDate: existing.described.CreationDate,
    LastModificationDate: context.now(),
  };
  return { ScheduleArn: described.Arn };
}

function deleteSchedule(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  const reader = Reader.of(input, fail);
  const { name, groupName } = readScheduleRef(reader);
  reader.string("ClientToken", CLIENT_TOKEN);
  if (!env.state.schedules.delete(scheduleKey(context.region, groupName, name))) {
    throw notFound(`Schedule ${name} does not exist.`);
  }
  return {};
}

function listSchedules(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  const reader = Reader.of(input, fail);
  const groupName = reader.string("GroupName", NAME_RULE);
  const prefix = reader.string("NamePrefix", NAME_RULE);
  const state = reader.string("State", { oneOf: ["ENABLED", "DISABLED"] });
  const matching = [...env.state.schedules.values()]
    .filter(
      (s) =>
        s.region === context.region &&
        (groupName === undefined || s.described.GroupName === groupName) &&
        (prefix === undefined || s.described.Name.startsWith(prefix)) &&
        (state === undefined || s.described.State === state),
    )
    .sort((a, b) => (a.described.Arn < b.described.Arn ? -1 : 1));
  const found = page(reader, matching, (s) => s.described.Arn);
  return { Schedules: found.items.map(summary), NextToken: found.nextToken };
}

function createScheduleGroup(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  ensureDefault(env.state, context);
  const reader = Reader.of(input, fail);
  const name = reader.string("Name", { required: true, ...NAME_RULE });
  const tags = readGroupTags(reader);
  reader.string("ClientToken", CLIENT_TOKEN);
  const key = groupKey(context.region, name);
  if (env.state.groups.has(key)) throw conflict(`Schedule group ${name} already exists.`);
  const group = newGroup(context, name, tags);
  env.state.groups.set(key, group);
  return { ScheduleGroupArn: group.arn };
}

function getScheduleGroup(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  const name = Reader.of(input, fail).string("Name", { required: true, ...NAME_RULE });
  return describeGroup(requireGroup(env.state, context, name));
}

function deleteScheduleGroup(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  const reader = Reader.of(input, fail);
  const name = reader.string("Name", { required: true, ...NAME_RULE });
  reader.string("ClientToken", CLIENT_TOKEN);
  deleteGroup(env.state, context, name);
  return {};
}

function listScheduleGroups(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  ensureDefault(env.state, context);
  const reader = Reader.of(input, fail);
  const prefix = reader.string("NamePrefix", NAME_RULE);
  const matching = [...env.state.groups.values()]
    .filter((g) => g.region === context.region && (prefix === undefined || g.name.startsWith(prefix)))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const found = page(reader, matching, (g) => g.name);
  return { ScheduleGroups: found.items.map(describeGroup), NextToken: found.nextToken };
}

/** The group a tagging request names by its ResourceArn. */
function taggedGroup(env: SchedulerEnv, reader: Reader, context: CallContext): Group {
  const arn = reader.string("ResourceArn", { required: true, min: 1, max: 1011 });
  return groupFromArn(env.state, context, arn);
}

function tagResource(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  const reader = Reader.of(input, fail);
  const group = taggedGroup(env, reader, context);
  const added = readGroupTags(reader);
  if (!reader.has("Tags")) throw fail("Tags must not be null.");
  const merged = new Map(group.tags.map((t) => [t.Key, t.Value]));
  for (const tag of added) merged.set(tag.Key, tag.Value);
  if (merged.size > 200) throw fail("A schedule group can have at most 200 tags.");
  group.tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
  return {};
}

function untagResource(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  const reader = Reader.of(input, fail);
  const group = taggedGroup(env, reader, context);
  const keys = reader.strings("TagKeys", { required: true, max: 200 }) ?? [];
  group.tags = group.tags.filter((t) => !keys.includes(t.Key));
  return {};
}

function listTagsForResource(env: SchedulerEnv, input: Record<string, unknown>, context: CallContext) {
  const group = taggedGroup(env, Reader.of(input, fail), context);
  return { Tags: group.tags.map((t) => ({ ...t })) };
}
