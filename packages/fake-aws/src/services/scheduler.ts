import { paginate } from "../core/pagination.js";
import { type Fail, Reader } from "../core/readers.js";
import {
  AwsError,
  type CallContext,
  type RestRoute,
  type ServiceDefinition,
  type World,
} from "../core/types.js";
import { isTimeZone, scheduleExpressionProblem } from "./scheduler/expression.js";
import { readTarget } from "./scheduler/target.js";

/**
 * EventBridge Scheduler over restJson1. Every region starts with its `default` group; deleting
 * a group deletes its schedules; UpdateSchedule replaces the whole schedule; schedules cannot be
 * tagged, only groups.
 */

interface Group {
  name: string;
  arn: string;
  region: string;
  creationDate: Date;
  lastModificationDate: Date;
  tags: { Key: string; Value: string }[];
}

interface Schedule {
  region: string;
  /** The GetSchedule shape. */
  described: Record<string, unknown> & { Name: string; GroupName: string; Arn: string; State: string };
  clientToken: string | undefined;
}

const fail: Fail = (message) => new AwsError("ValidationException", message);
const notFound = (message: string) => new AwsError("ResourceNotFoundException", message, 404);
const conflict = (message: string) => new AwsError("ConflictException", message, 409);
const NAME_RULE = {
  min: 1,
  max: 64,
  pattern: /^[0-9a-zA-Z-_.]+$/,
  patternText: "^[0-9a-zA-Z-_.]+$",
} as const;
const GROUP_ARN = /^arn:aws(-[a-z]+)?:scheduler:([a-z0-9-]+):(\d{12}):schedule-group\/([0-9a-zA-Z-_.]+)$/;
const KMS_ARN = /^arn:aws(-[a-z]+)?:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[0-9a-zA-Z-_]*$/;
const CLIENT_TOKEN = { min: 1, max: 64, pattern: /^[a-zA-Z0-9-_]+$/ } as const;

const routes: readonly RestRoute[] = [
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

export function createSchedulerService(world: World): ServiceDefinition {
  let groups = new Map<string, Group>();
  let schedules = new Map<string, Schedule>();

  const groupKey = (region: string, name: string) => `${region}\0${name}`;
  const scheduleKey = (region: string, group: string, name: string) => `${region}\0${group}\0${name}`;
  /** The default group exists from the start in each region (it cannot be deleted); made on first sight. */
  const ensureDefault = (context: CallContext): void => {
    const key = groupKey(context.region, "default");
    if (groups.has(key)) return;
    const now = context.now();
    groups.set(key, {
      name: "default",
      arn: groupArn(context, "default"),
      region: context.region,
      creationDate: now,
      lastModificationDate: now,
      tags: [],
    });
  };
  const requireGroup = (context: CallContext, name: string): Group => {
    ensureDefault(context);
    const group = groups.get(groupKey(context.region, name));
    if (!group) throw notFound(`Schedule group ${name} does not exist.`);
    return group;
  };

  const readSchedule = (input: Record<string, unknown>, context: CallContext) => {
    const reader = Reader.of(input, fail);
    const name = reader.string("Name", { required: true, ...NAME_RULE });
    const groupName = reader.string("GroupName", NAME_RULE) ?? "default";
    const expression = reader.string("ScheduleExpression", { required: true, min: 1, max: 256 });
    const problem = scheduleExpressionProblem(expression);
    if (problem) throw fail(`Invalid Schedule Expression ${expression}: ${problem}.`);
    const timezone = reader.string("ScheduleExpressionTimezone", { min: 1, max: 50 });
    if (timezone !== undefined && !isTimeZone(timezone))
      throw fail(`Invalid ScheduleExpressionTimezone ${timezone}.`);
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
    const window = reader.object("FlexibleTimeWindow", { required: true });
    const mode = window.string("Mode", { required: true, oneOf: ["OFF", "FLEXIBLE"] });
    const windowMinutes = window.int("MaximumWindowInMinutes", { min: 1, max: 1440 });
    if (mode === "FLEXIBLE" && windowMinutes === undefined) {
      throw fail("MaximumWindowInMinutes is required when FlexibleTimeWindow Mode is FLEXIBLE.");
    }
    if (mode === "OFF" && windowMinutes !== undefined) {
      throw fail("MaximumWindowInMinutes must not be set when FlexibleTimeWindow Mode is OFF.");
    }
    const target = readTarget(reader, world, {
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
      StartDate: startDate,
      EndDate: endDate,
      Description: reader.string("Description", { max: 512 }),
      State: reader.string("State", { oneOf: ["ENABLED", "DISABLED"] }) ?? "ENABLED",
      KmsKeyArn: reader.string("KmsKeyArn", { min: 1, max: 2048, pattern: KMS_ARN }),
      ActionAfterCompletion: reader.string("ActionAfterCompletion", { oneOf: ["NONE", "DELETE"] }) ?? "NONE",
      FlexibleTimeWindow: {
        Mode: mode,
        ...(windowMinutes !== undefined && { MaximumWindowInMinutes: windowMinutes }),
      },
      Target: target,
    };
    const clientToken = reader.string("ClientToken", CLIENT_TOKEN);
    return { described, clientToken };
  };

  const summary = (schedule: Schedule) => ({
    Arn: schedule.described.Arn,
    Name: schedule.described.Name,
    GroupName: schedule.described.GroupName,
    State: schedule.described.State,
    CreationDate: schedule.described.CreationDate,
    LastModificationDate: schedule.described.LastModificationDate,
    Target: { Arn: (schedule.described.Target as { Arn: string }).Arn },
  });
  const describeGroup = (group: Group) => ({
    Arn: group.arn,
    Name: group.name,
    State: "ACTIVE",
    CreationDate: group.creationDate,
    LastModificationDate: group.lastModificationDate,
  });
  const groupFromArn = (context: CallContext, arn: string): Group => {
    const match = GROUP_ARN.exec(arn);
    if (!match) {
      throw fail(
        `1 validation error detected: Value '${arn}' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:scheduler:[a-z0-9\\-]+:\\d{12}:schedule-group\\/[0-9a-zA-Z-_.]+$`,
      );
    }
    if (match[2] !== context.region || match[3] !== context.accountId)
      throw notFound(`Resource ${arn} does not exist.`);
    ensureDefault(context);
    const group = groups.get(groupKey(context.region, match[4] as string));
    if (!group) throw notFound(`Resource ${arn} does not exist.`);
    return group;
  };
  const readGroupTags = (reader: Reader) =>
    reader.objects("Tags", { max: 200 }).map((tag) => ({
      Key: tag.string("Key", { required: true, min: 1, max: 128 }),
      Value: tag.string("Value", { required: true, min: 1, max: 256 }),
    }));

  const handlers = {
    CreateSchedule(input: Record<string, unknown>, context: CallContext) {
      const { described, clientToken } = readSchedule(input, context);
      requireGroup(context, described.GroupName);
      const key = scheduleKey(context.region, described.GroupName, described.Name);
      const existing = schedules.get(key);
      if (existing) {
        // A retry of the same request (same ClientToken) succeeds instead of conflicting.
        if (clientToken !== undefined && existing.clientToken === clientToken)
          return { ScheduleArn: existing.described.Arn };
        throw conflict(`Schedule ${described.Name} already exists.`);
      }
      const now = context.now();
      schedules.set(key, {
        region: context.region,
        described: { ...described, CreationDate: now, LastModificationDate: now },
        clientToken,
      });
      return { ScheduleArn: described.Arn };
    },
    GetSchedule(input: Record<string, unknown>, context: CallContext) {
      const reader = Reader.of(input, fail);
      const name = reader.string("Name", { required: true, ...NAME_RULE });
      const groupName = reader.string("GroupName", NAME_RULE) ?? "default";
      const schedule = schedules.get(scheduleKey(context.region, groupName, name));
      if (!schedule) throw notFound(`Schedule ${name} does not exist.`);
      return structuredClone(schedule.described);
    },
    UpdateSchedule(input: Record<string, unknown>, context: CallContext) {
      const { described } = readSchedule(input, context);
      requireGroup(context, described.GroupName);
      const key = scheduleKey(context.region, described.GroupName, described.Name);
      const existing = schedules.get(key);
      if (!existing) throw notFound(`Schedule ${described.Name} does not exist.`);
      existing.described = {
        ...described,
        CreationDate: existing.described.CreationDate,
        LastModificationDate: context.now(),
      };
      return { ScheduleArn: described.Arn };
    },
    DeleteSchedule(input: Record<string, unknown>, context: CallContext) {
      const reader = Reader.of(input, fail);
      const name = reader.string("Name", { required: true, ...NAME_RULE });
      const groupName = reader.string("GroupName", NAME_RULE) ?? "default";
      reader.string("ClientToken", CLIENT_TOKEN);
      if (!schedules.delete(scheduleKey(context.region, groupName, name))) {
        throw notFound(`Schedule ${name} does not exist.`);
      }
      return {};
    },
    ListSchedules(input: Record<string, unknown>, context: CallContext) {
      const reader = Reader.of(input, fail);
      const groupName = reader.string("GroupName", NAME_RULE);
      const prefix = reader.string("NamePrefix", NAME_RULE);
      const state = reader.string("State", { oneOf: ["ENABLED", "DISABLED"] });
      const max = reader.int("MaxResults", { min: 1, max: 100 }) ?? 100;
      const token = reader.string("NextToken", { min: 1, max: 2048 });
      const matching = [...schedules.values()]
        .filter(
          (s) =>
            s.region === context.region &&
            (groupName === undefined || s.described.GroupName === groupName) &&
            (prefix === undefined || s.described.Name.startsWith(prefix)) &&
            (state === undefined || s.described.State === state),
        )
        .sort((a, b) => (a.described.Arn < b.described.Arn ? -1 : 1));
      const page = paginate(matching, (s) => s.described.Arn, {
        token,
        max,
        invalidToken: () => fail("Invalid NextToken."),
      });
      return { Schedules: page.items.map(summary), NextToken: page.nextToken };
    },
    CreateScheduleGroup(input: Record<string, unknown>, context: CallContext) {
      ensureDefault(context);
      const reader = Reader.of(input, fail);
      const name = reader.string("Name", { required: true, ...NAME_RULE });
      const tags = readGroupTags(reader);
      reader.string("ClientToken", CLIENT_TOKEN);
      const key = groupKey(context.region, name);
      if (groups.has(key)) throw conflict(`Schedule group ${name} already exists.`);
      const now = context.now();
      const group: Group = {
        name,
        arn: groupArn(context, name),
        region: context.region,
        creationDate: now,
        lastModificationDate: now,
        tags,
      };
      groups.set(key, group);
      return { ScheduleGroupArn: group.arn };
    },
    GetScheduleGroup(input: Record<string, unknown>, context: CallContext) {
      const name = Reader.of(input, fail).string("Name", { required: true, ...NAME_RULE });
      return describeGroup(requireGroup(context, name));
    },
    DeleteScheduleGroup(input: Record<string, unknown>, context: CallContext) {
      const reader = Reader.of(input, fail);
      const name = reader.string("Name", { required: true, ...NAME_RULE });
      reader.string("ClientToken", CLIENT_TOKEN);
      if (name === "default") throw fail("The default schedule group cannot be deleted.");
      requireGroup(context, name);
      groups.delete(groupKey(context.region, name));
      for (const [key, schedule] of schedules) {
        if (schedule.region === context.region && schedule.described.GroupName === name)
          schedules.delete(key);
      }
      return {};
    },
    ListScheduleGroups(input: Record<string, unknown>, context: CallContext) {
      ensureDefault(context);
      const reader = Reader.of(input, fail);
      const prefix = reader.string("NamePrefix", NAME_RULE);
      const max = reader.int("MaxResults", { min: 1, max: 100 }) ?? 100;
      const token = reader.string("NextToken", { min: 1, max: 2048 });
      const matching = [...groups.values()]
        .filter((g) => g.region === context.region && (prefix === undefined || g.name.startsWith(prefix)))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const page = paginate(matching, (g) => g.name, {
        token,
        max,
        invalidToken: () => fail("Invalid NextToken."),
      });
      return { ScheduleGroups: page.items.map(describeGroup), NextToken: page.nextToken };
    },
    TagResource(input: Record<string, unknown>, context: CallContext) {
      const reader = Reader.of(input, fail);
      const group = groupFromArn(
        context,
        reader.string("ResourceArn", { required: true, min: 1, max: 1011 }),
      );
      const added = readGroupTags(reader);
      if (!reader.has("Tags")) throw fail("Tags must not be null.");
      const merged = new Map(group.tags.map((t) => [t.Key, t.Value]));
      for (const tag of added) merged.set(tag.Key, tag.Value);
      if (merged.size > 200) throw fail("A schedule group can have at most 200 tags.");
      group.tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
      return {};
    },
    UntagResource(input: Record<string, unknown>, context: CallContext) {
      const reader = Reader.of(input, fail);
      const group = groupFromArn(
        context,
        reader.string("ResourceArn", { required: true, min: 1, max: 1011 }),
      );
      const keys = reader.strings("TagKeys", { required: true, max: 200 }) ?? [];
      group.tags = group.tags.filter((t) => !keys.includes(t.Key));
      return {};
    },
    ListTagsForResource(input: Record<string, unknown>, context: CallContext) {
      const reader = Reader.of(input, fail);
      const group = groupFromArn(
        context,
        reader.string("ResourceArn", { required: true, min: 1, max: 1011 }),
      );
      return { Tags: group.tags.map((t) => ({ ...t })) };
    },
  };

  return {
    signingName: "scheduler",
    protocol: "restJson1",
    routes,
    handlers,
    mutating: new Set([
      "CreateSchedule",
      "UpdateSchedule",
      "DeleteSchedule",
      "CreateScheduleGroup",
      "DeleteScheduleGroup",
      "TagResource",
      "UntagResource",
    ]),
    snapshot: () => ({
      scheduleGroups: [...groups.values()].map((g) => ({ ...describeGroup(g), Tags: g.tags })),
      schedules: [...schedules.values()].map((s) => structuredClone(s.described)),
    }),
    reset: () => {
      groups = new Map();
      schedules = new Map();
    },
  };
}

function groupArn(context: CallContext, name: string): string {
  return `arn:aws:scheduler:${context.region}:${context.accountId}:schedule-group/${name}`;
}
