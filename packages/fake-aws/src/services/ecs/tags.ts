import type { CallContext } from "../../core/types.js";
import { AwsError } from "../../core/types.js";
import { type EcsEnv, type EcsTag, invalidParameter, read } from "./state.js";

/** ECS tags: `[{ key, value }]`, at most 50 per resource, keys not under the reserved `aws:` prefix. */

const TAG_KEY = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

export function readTags(input: Record<string, unknown>, member = "tags"): EcsTag[] {
  const tags = read(input)
    .objects(member, { max: 50 })
    .map((tag) => {
      const key = tag.string("key", { required: true, min: 1, max: 128, pattern: TAG_KEY });
      const value = tag.string("value", { max: 256, pattern: TAG_KEY }) ?? "";
      if (key.toLowerCase().startsWith("aws:")) {
        throw invalidParameter(`Tag keys beginning with 'aws:' are reserved for system use: ${key}`);
      }
      return { key, value };
    });
  return tags;
}

/** Applies tags over existing ones (same key replaces), enforcing the 50-tag limit on the result. */
export function mergeTags(existing: EcsTag[], added: EcsTag[]): EcsTag[] {
  const merged = new Map(existing.map((t) => [t.key, t.value]));
  for (const tag of added) merged.set(tag.key, tag.value);
  if (merged.size > 50) throw invalidParameter("A resource can have at most 50 tags.");
  return [...merged].map(([key, value]) => ({ key, value }));
}

function taggable(env: EcsEnv, arn: string, context: CallContext): { tags: EcsTag[] } | undefined {
  if (!arn.startsWith(`arn:aws:ecs:${context.region}:${context.accountId}:`)) return undefined;
  return env.state.clusters.get(arn) ?? env.state.taskDefinitions.get(arn) ?? env.state.tasks.get(arn);
}

export function tagHandlers(env: EcsEnv) {
  return {
    TagResource(input: Record<string, unknown>, context: CallContext) {
      const arn = read(input).string("resourceArn", { required: true });
      const resource = taggable(env, arn, context);
      if (!resource)
        throw new AwsError("ResourceNotFoundException", "The specified resource could not be found.");
      const tags = readTags(input);
      if (tags.length === 0) throw invalidParameter("Tags must contain at least one tag.");
      resource.tags = mergeTags(resource.tags, tags);
      return {};
    },
    UntagResource(input: Record<string, unknown>, context: CallContext) {
      const reader = read(input);
      const arn = reader.string("resourceArn", { required: true });
      const keys = reader.strings("tagKeys", { required: true }) ?? [];
      const resource = taggable(env, arn, context);
      if (!resource)
        throw new AwsError("ResourceNotFoundException", "The specified resource could not be found.");
      resource.tags = resource.tags.filter((t) => !keys.includes(t.key));
      return {};
    },
    ListTagsForResource(input: Record<string, unknown>, context: CallContext) {
      const arn = read(input).string("resourceArn", { required: true });
      const resource = taggable(env, arn, context);
      if (!resource) throw invalidParameter("The specified resource is not found.");
      return { tags: resource.tags.map((t) => ({ ...t })) };
    },
  };
}
