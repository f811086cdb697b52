import { paginate } from "../../core/pagination.js";
import { Reader } from "../../core/readers.js";
import { AwsError, type CallContext } from "../../core/types.js";
import { parsePattern } from "./pattern.js";
import {
  type EventsEnv,
  type InputTransformer,
  keyOf,
  nameOf,
  type Rule,
  requireRule,
  ruleArn,
  type Target,
  validation,
} from "./state.js";

/** Rules on the default event bus, their targets and tags. */

const NAME = { min: 1, max: 64, pattern: /^[.\-_A-Za-z0-9]+$/, patternText: "[\\.\\-_A-Za-z0-9]+" };
/** EventBridge's quota: at most 5 targets per rule. */
export const MAX_TARGETS_PER_RULE = 5;
const PATH_KEY = /^[A-Za-z0-9_-]+$/;

function readBus(r: Reader, ctx: CallContext): void {
  const bus = r.string("EventBusName", { min: 1, max: 1600 });
  const isDefault =
    bus === undefined ||
    bus === "default" ||
    bus === `arn:aws:events:${ctx.region}:${ctx.accountId}:event-bus/default`;
  if (!isDefault) throw new AwsError("ResourceNotFoundException", `Event bus ${bus} does not exist.`);
}

export function putRule(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const name = r.string("Name", { required: true, ...NAME });
  readBus(r, ctx);
  const eventPattern = r.string("EventPattern", { max: 4096 });
  const scheduleExpression = r.string("ScheduleExpression", { max: 256 });
  const state = r.string("State", { oneOf: ["ENABLED", "DISABLED"] }) as Rule["state"] | undefined;
  const description = r.string("Description", { max: 512 });
  const roleArn = r.string("RoleArn", { min: 1, max: 1600 });
  const tags = readTags(r, "Tags");
  if (eventPattern === undefined && scheduleExpression === undefined) {
    throw validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
  }
  if (eventPattern !== undefined) parsePattern(eventPattern);
  const existing = env.state.rules.get(keyOf(ctx.region, name));
  const rule: Rule = {
    region: ctx.region,
    name,
    arn: ruleArn(ctx.region, ctx.accountId, name),
    ...(eventPattern !== undefined && { eventPattern }),
    ...(scheduleExpression !== undefined && { scheduleExpression }),
    state: state ?? "ENABLED",
    ...(description !== undefined && { description }),
    ...(roleArn !== undefined && { roleArn }),
    targets: existing?.targets ?? new Map(),
    // Tags given to PutRule apply only when it creates the rule.
    tags: existing?.tags ?? new Map(tags.map((t) => [t.Key, t.Value])),
  };
  env.state.rules.set(keyOf(ctx.region, name), rule);
  return { RuleArn: rule.arn };
}

export function describeRule(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const name = r.string("Name", { required: true, ...NAME });
  readBus(r, ctx);
  return { ...ruleOut(requireRule(env.state, ctx.region, name)), CreatedBy: ctx.accountId };
}

const ruleOut = (rule: Rule) => ({
  Name: rule.name,
  Arn: rule.arn,
  EventPattern: rule.eventPattern,
  ScheduleExpression: rule.scheduleExpression,
  State: rule.state,
  Description: rule.description,
  RoleArn: rule.roleArn,
  EventBusName: "default",
});

export function deleteRule(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const name = r.string("Name", { required: true, ...NAME });
  readBus(r, ctx);
  const rule = env.state.rules.get(keyOf(ctx.region, name));
  if (!rule) return {};
  if (rule.targets.size > 0) throw validation("Rule can't be deleted since it has targets.");
  env.state.rules.delete(keyOf(ctx.region, name));
  return {};
}

export function listRules(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const prefix = r.string("NamePrefix", NAME);
  readBus(r, ctx);
  const limit = r.int("Limit", { min: 1, max: 100 }) ?? 100;
  const token = r.string("NextToken", { min: 1, max: 2048 });
  const rules = [...env.state.rules.values()]
    .filter((rule) => rule.region === ctx.region && (prefix === undefined || rule.name.startsWith(prefix)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = paginate(rules, (rule) => rule.name, {
    token,
    max: limit,
    invalidToken: () => validation("The NextToken provided is invalid."),
  });
  return { Rules: page.items.map(ruleOut), NextToken: page.nextToken };
}

export function putTargets(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const rule = requireRule(env.state, ctx.region, r.string("Rule", { required: true, ...NAME }));
  readBus(r, ctx);
  const targets = r.objects("Targets", { min: 1, max: 10 }).map(readTarget);
  const ids = new Set([...rule.targets.keys(), ...targets.map((t) => t.id)]);
  if (ids.size > MAX_TARGETS_PER_RULE) {
    throw new AwsError(
      "LimitExceededException",
      `The requested resource exceeds the maximum number allowed: rule ${rule.name} may have at most ${MAX_TARGETS_PER_RULE} targets.`,
    );
  }
  for (const target of targets) rule.targets.set(target.id, target);
  return { FailedEntryCount: 0, FailedEntries: [] };
}

function readTarget(t: Reader): Target {
  const id = t.string("Id", { required: true, ...NAME });
  const arn = t.string("Arn", { required: true, min: 1, max: 1600 });
  const roleArn = t.string("RoleArn", { min: 1, max: 1600 });
  const inputText = t.string("Input", { max: 8192 });
  const inputPath = t.string("InputPath", { max: 256 });
  const transformer = t.object("InputTransformer");
  const inputTransformer = transformer && readTransformer(transformer);
  const given = [inputText, inputPath, inputTransformer].filter((x) => x !== undefined).length;
  if (given > 1) {
    throw validation(`Target ${id}: only one of Input, InputPath and InputTransformer may be given.`);
  }
  // EventBridge reaches a state machine only through a role, so PutTargets requires one for it.
  if (roleArn === undefined && /^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:/.test(arn)) {
    throw validation(`RoleArn is required for target ${arn}.`);
  }
  const deadLetterArn = t.object("DeadLetterConfig")?.string("Arn", { min: 1, max: 1600 });
  if (deadLetterArn !== undefined && !/^arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[\w-]+$/.test(deadLetterArn)) {
    throw validation(`Target ${id}: DeadLetterConfig Arn ${deadLetterArn} is not an SQS queue ARN.`);
  }
  return {
    id,
    arn,
    ...(roleArn !== undefined && { roleArn }),
    ...(inputText !== undefined && { input: inputText }),
    ...(inputPath !== undefined && { inputPath }),
    ...(inputTransformer !== undefined && { inputTransformer }),
    ...(deadLetterArn !== undefined && { deadLetterArn }),
  };
}

function readTransformer(t: Reader): InputTransformer {
  const inputPathsMap = t.stringMap("InputPathsMap") ?? {};
  const inputTemplate = t.string("InputTemplate", { required: true, min: 1, max: 8192 });
  if (Object.keys(inputPathsMap).length > 100) {
    throw validation("InputPathsMap may have at most 100 entries.");
  }
  for (const [key, path] of Object.entries(inputPathsMap)) {
    if (!PATH_KEY.test(key) || key === "aws.events.event" || !path.startsWith("$")) {
      throw validation(
        `InputPathsMap entry ${key}: ${path} is not valid: keys are [A-Za-z0-9_-]+, paths start with $.`,
      );
    }
  }
  return { inputPathsMap, inputTemplate };
}

export function removeTargets(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const rule = requireRule(env.state, ctx.region, r.string("Rule", { required: true, ...NAME }));
  readBus(r, ctx);
  r.bool("Force");
  const ids = r.strings("Ids", { required: true, min: 1, max: 100 }) ?? [];
  for (const id of ids) rule.targets.delete(id);
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export function listTargetsByRule(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const rule = requireRule(env.state, ctx.region, r.string("Rule", { required: true, ...NAME }));
  readBus(r, ctx);
  r.int("Limit", { min: 1, max: 100 });
  return {
    Targets: [...rule.targets.values()].map((t) => ({
      Id: t.id,
      Arn: t.arn,
      RoleArn: t.roleArn,
      Input: t.input,
      InputPath: t.inputPath,
      InputTransformer: t.inputTransformer && {
        InputPathsMap: t.inputTransformer.inputPathsMap,
        InputTemplate: t.inputTransformer.inputTemplate,
      },
      DeadLetterConfig: t.deadLetterArn === undefined ? undefined : { Arn: t.deadLetterArn },
    })),
  };
}

/**
 * The names of the rules on the bus that have a target with exactly this ARN, by name, 100 a page
 * at most. A target no rule has gives an empty list, not an error.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListRuleNamesByTarget.html
 */
export function listRuleNamesByTarget(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const targetArn = r.string("TargetArn", { required: true, min: 1, max: 1600 });
  readBus(r, ctx);
  const limit = r.int("Limit", { min: 1, max: 100 }) ?? 100;
  const token = r.string("NextToken", { min: 1, max: 2048 });
  const names = [...env.state.rules.values()]
    .filter(
      (rule) => rule.region === ctx.region && [...rule.targets.values()].some((t) => t.arn === targetArn),
    )
    .map((rule) => rule.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const page = paginate(names, (name) => name, {
    token,
    max: limit,
    invalidToken: () => validation("The NextToken provided is invalid."),
  });
  return { RuleNames: page.items, NextToken: page.nextToken };
}

function readTags(r: Reader, name: string): { Key: string; Value: string }[] {
  return r.objects(name, { max: 50 }).map((t) => ({
    Key: t.string("Key", { required: true, min: 1, max: 128 }),
    Value: t.string("Value", { required: true, max: 256 }),
  }));
}

function taggedRule(env: EventsEnv, r: Reader, ctx: CallContext): Rule {
  const arn = r.string("ResourceARN", { required: true, min: 1, max: 1600 });
  return requireRule(env.state, ctx.region, nameOf(arn, "rule"));
}

export function tagResource(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const rule = taggedRule(env, r, ctx);
  for (const tag of readTags(r, "Tags")) rule.tags.set(tag.Key, tag.Value);
  return {};
}

export function untagResource(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, validation);
  const rule = taggedRule(env, r, ctx);
  for (const key of r.strings("TagKeys", { required: true }) ?? []) rule.tags.delete(key);
  return {};
}

export function listTagsForResource(env: EventsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const rule = taggedRule(env, Reader.of(input, validation), ctx);
  return { Tags: [...rule.tags].map(([Key, Value]) => ({ Key, Value })) };
}
