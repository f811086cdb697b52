import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { paginate } from "../../core/pagination.js";
import { Reader } from "../../core/readers.js";
import type { CallContext, Handler, RestRoute } from "../../core/types.js";
import {
  CURRENT_STATES,
  checkEnrichment,
  checkSource,
  checkTags,
  checkTarget,
  NAME_RULE,
  readLogConfiguration,
  readSourceParameters,
  readTags,
  readTargetParameters,
  roleArnRule,
  STATES,
  sourceRule,
  targetRule,
} from "./input.js";
import {
  conflict,
  type DesiredState,
  describePipe,
  findPipeByArn,
  notFound,
  type Pipe,
  type PipesEnv,
  pipeKey,
  pipeSummary,
  requirePipe,
  validation,
} from "./state.js";

/**
 * EventBridge Pipes' request handlers (restJson1). UpdatePipe changes only the members it is
 * given, except that each service's parameters object it gives replaces the old one whole, as
 * the API reference says; the source cannot change.
 * https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_UpdatePipe.html
 */

export const ROUTES: readonly RestRoute[] = [
  { operation: "CreatePipe", method: "POST", path: "/v1/pipes/{Name}" },
  { operation: "DescribePipe", method: "GET", path: "/v1/pipes/{Name}" },
  { operation: "UpdatePipe", method: "PUT", path: "/v1/pipes/{Name}" },
  { operation: "DeletePipe", method: "DELETE", path: "/v1/pipes/{Name}" },
  {
    operation: "ListPipes",
    method: "GET",
    path: "/v1/pipes",
    query: {
      NamePrefix: "NamePrefix",
      DesiredState: "DesiredState",
      CurrentState: "CurrentState",
      SourcePrefix: "SourcePrefix",
      TargetPrefix: "TargetPrefix",
      NextToken: "NextToken",
      Limit: "Limit",
    },
  },
  { operation: "StartPipe", method: "POST", path: "/v1/pipes/{Name}/start" },
  { operation: "StopPipe", method: "POST", path: "/v1/pipes/{Name}/stop" },
  { operation: "TagResource", method: "POST", path: "/tags/{resourceArn}" },
  {
    operation: "UntagResource",
    method: "DELETE",
    path: "/tags/{resourceArn}",
    query: { tagKeys: "tagKeys" },
    multiValueQuery: ["tagKeys"],
  },
  { operation: "ListTagsForResource", method: "GET", path: "/tags/{resourceArn}" },
];

const OPERATIONS: Record<string, OperationHandler<PipesEnv>> = {
  CreatePipe: createPipe,
  DescribePipe: (env, input, ctx) => describePipe(requirePipe(env.state, ctx.region, readName(input))),
  UpdatePipe: updatePipe,
  DeletePipe: deletePipe,
  ListPipes: listPipes,
  StartPipe: (env, input, ctx) => setDesired(env, input, ctx, "RUNNING"),
  StopPipe: (env, input, ctx) => setDesired(env, input, ctx, "STOPPED"),
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: (env, input) => ({ tags: Object.fromEntries(pipeByArn(env, input).tags) }),
};

export function pipesHandlers(env: PipesEnv): Record<string, Handler> {
  return bindHandlers(env, OPERATIONS);
}

const reader = (input: Record<string, unknown>) => Reader.of(input, validation);
const readName = (input: Record<string, unknown>) =>
  reader(input).string("Name", { required: true, ...NAME_RULE });

function createPipe(env: PipesEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = reader(input);
  const name = r.string("Name", { required: true, ...NAME_RULE });
  const description = r.string("Description", { min: 0, max: 512 });
  const desiredState = (r.string("DesiredState", { oneOf: STATES }) ?? "RUNNING") as DesiredState;
  const roleArn = r.string("RoleArn", { required: true, ...roleArnRule });
  const source = r.string("Source", { required: true, ...sourceRule });
  const target = r.string("Target", { required: true, ...targetRule });
  checkEnrichment(r);
  checkSource(source, ctx);
  checkTarget(target, ctx);
  const sourceParameters = readSourceParameters(r);
  const targetParameters = readTargetParameters(r);
  const logConfiguration = readLogConfiguration(r);
  const kmsKeyIdentifier = r.string("KmsKeyIdentifier", { min: 0, max: 2048 });
  const tags = readTags(r);
  if (env.state.pipes.has(pipeKey(ctx.region, name))) throw conflict(name);
  const now = ctx.now();
  const pipe: Pipe = {
    region: ctx.region,
    name,
    arn: `arn:aws:pipes:${ctx.region}:${ctx.accountId}:pipe/${name}`,
    desiredState,
    currentState: desiredState,
    source,
    sourceParameters,
    target,
    roleArn,
    tags,
    creationTime: now,
    lastModifiedTime: now,
    ...(description !== undefined && { description }),
    ...(targetParameters !== undefined && { targetParameters }),
    ...(logConfiguration !== undefined && { logConfiguration }),
    ...(kmsKeyIdentifier !== undefined && { kmsKeyIdentifier }),
  };
  env.state.pipes.set(pipeKey(ctx.region, name), pipe);
  return pipeSummary(pipe, "CREATING");
}

function updatePipe(env: PipesEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = reader(input);
  const pipe = requirePipe(env.state, ctx.region, r.string("Name", { required: true, ...NAME_RULE }));
  const description = r.string("Description", { min: 0, max: 512 });
  const desiredState = r.string("DesiredState", { oneOf: STATES }) as DesiredState | undefined;
  const roleArn = r.string("RoleArn", { required: true, ...roleArnRule });
  const target = r.string("Target", targetRule);
  checkEnrichment(r);
  if (target !== undefined) checkTarget(target, ctx);
  const sourceParameters = readSourceParameters(r, pipe.sourceParameters);
  const targetParameters = readTargetParameters(r, pipe.targetParameters);
  const logConfiguration = readLogConfiguration(r);
  const kmsKeyIdentifier = r.string("KmsKeyIdentifier", { min: 0, max: 2048 });
  Object.assign(pipe, {
    roleArn,
    sourceParameters,
    lastModifiedTime: ctx.now(),
    ...(description !== undefined && { description }),
    ...(desiredState !== undefined && { desiredState, currentState: desiredState }),
    ...(target !== undefined && { target }),
    ...(targetParameters !== undefined && { targetParameters }),
    ...(logConfiguration !== undefined && { logConfiguration }),
    ...(kmsKeyIdentifier !== undefined && { kmsKeyIdentifier }),
  });
  delete pipe.stateReason;
  return pipeSummary(pipe, "UPDATING");
}

function deletePipe(env: PipesEnv, input: Record<string, unknown>, ctx: CallContext) {
  const pipe = requirePipe(env.state, ctx.region, readName(input));
  env.state.pipes.delete(pipeKey(ctx.region, pipe.name));
  return pipeSummary(pipe, "DELETING");
}

function setDesired(env: PipesEnv, input: Record<string, unknown>, ctx: CallContext, state: DesiredState) {
  const pipe = requirePipe(env.state, ctx.region, readName(input));
  if (pipe.desiredState !== state) {
    Object.assign(pipe, { desiredState: state, currentState: state, lastModifiedTime: ctx.now() });
  }
  return pipeSummary(pipe, state === "RUNNING" ? "STARTING" : "STOPPING");
}

function listPipes(env: PipesEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = reader(input);
  const namePrefix = r.string("NamePrefix", { min: 1, max: 64, pattern: NAME_RULE.pattern });
  const desired = r.string("DesiredState", { oneOf: STATES });
  const current = r.string("CurrentState", { oneOf: CURRENT_STATES });
  const sourcePrefix = r.string("SourcePrefix", { min: 1, max: 1600 });
  const targetPrefix = r.string("TargetPrefix", { min: 1, max: 1600 });
  const limit = r.int("Limit", { min: 1, max: 100 }) ?? 100;
  const pipes = [...env.state.pipes.values()]
    .filter(
      (p) =>
        p.region === ctx.region &&
        (namePrefix === undefined || p.name.startsWith(namePrefix)) &&
        (desired === undefined || p.desiredState === desired) &&
        (current === undefined || p.currentState === current) &&
        (sourcePrefix === undefined || p.source.startsWith(sourcePrefix)) &&
        (targetPrefix === undefined || p.target.startsWith(targetPrefix)),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  const page = paginate(pipes, (p) => p.name, {
    token: r.string("NextToken", { min: 1, max: 2048 }),
    max: limit,
    invalidToken: () => validation("The NextToken is not valid."),
  });
  return {
    Pipes: page.items.map((p) => ({
      ...pipeSummary(p, p.currentState),
      StateReason: p.stateReason,
      Source: p.source,
      Target: p.target,
    })),
    NextToken: page.nextToken,
  };
}

function pipeByArn(env: PipesEnv, input: Record<string, unknown>): Pipe {
  const arn = reader(input).string("resourceArn", { required: true, min: 1, max: 1600 });
  const pipe = findPipeByArn(env.state, arn);
  if (!pipe) throw notFound(arn.split("/").pop() ?? arn);
  return pipe;
}

function tagResource(env: PipesEnv, input: Record<string, unknown>) {
  const pipe = pipeByArn(env, input);
  const tags = reader(input).stringMap("tags");
  if (tags === undefined)
    throw validation(
      "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
  checkTags({ ...Object.fromEntries(pipe.tags), ...tags }, "tags");
  for (const [key, value] of Object.entries(tags)) pipe.tags.set(key, value);
  return {};
}

function untagResource(env: PipesEnv, input: Record<string, unknown>) {
  const pipe = pipeByArn(env, input);
  for (const key of reader(input).strings("tagKeys", { required: true, max: 50 }) ?? [])
    pipe.tags.delete(key);
  return {};
}
