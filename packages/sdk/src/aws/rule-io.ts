import type { Target } from "@aws-sdk/client-eventbridge";
import { tagList } from "../naming.js";
import { canonicalJsonText } from "../plan/canonical-json.js";
import { tolerating, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";

/**
 * The EventBridge calls every flexjob rule on the default bus makes, whatever its targets: the
 * run-history rules (event-rule.ts) and the alert rules (alert-rule.ts). Each kind says only how a
 * target reads back and how it is written.
 */
/** Every call the functions below make on a rule: what a deploy role needs on the rules it manages. */
export const RULE_ACTIONS = [
  "events:DeleteRule",
  "events:DescribeRule",
  "events:ListTagsForResource",
  "events:ListTargetsByRule",
  "events:PutRule",
  "events:PutTargets",
  "events:RemoveTargets",
  "events:TagResource",
];

export interface RuleWrite<T extends { id: string }> {
  name: string;
  description: string;
  /** Canonical JSON, so the same pattern always compares equal. */
  eventPattern: string;
  targets: T[];
  tags: Record<string, string>;
}

export interface RuleRead<T extends { id: string }> extends RuleWrite<T> {
  arn: string;
  state: string;
}

/** A rule with its targets (as `target` reads them, by id) and tags; undefined when there is none. */
export async function readRule<T extends { id: string }>(
  clients: AwsClients,
  name: string,
  target: (live: Target) => T,
): Promise<RuleRead<T> | undefined> {
  const { DescribeRuleCommand, ListTagsForResourceCommand, ListTargetsByRuleCommand } = await loadSdk(
    clients,
    "events",
  );
  try {
    const rule = await tolerating(
      clients.events.send(new DescribeRuleCommand({ Name: name })),
      "ResourceNotFoundException",
    );
    if (rule?.Arn === undefined) return undefined;
    const [{ Targets = [] }, { Tags = [] }] = await Promise.all([
      clients.events.send(new ListTargetsByRuleCommand({ Rule: name })),
      clients.events.send(new ListTagsForResourceCommand({ ResourceARN: rule.Arn })),
    ]);
    return {
      name,
      arn: rule.Arn,
      description: rule.Description ?? "",
      eventPattern: canonicalJsonText(rule.EventPattern ?? ""),
      state: rule.State ?? "ENABLED",
      targets: Targets.map(target).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      tags: Object.fromEntries(Tags.map((tag) => [tag.Key ?? "", tag.Value ?? ""])),
    };
  } catch (error) {
    throw wrapAwsError(error, `reading EventBridge rule ${name}`);
  }
}

/**
 * PutRule creates or replaces the rule whole (enabled); stale targets go, the wanted ones are put
 * as `request` writes them, and flexjob's tags follow. Either a create or an update converges.
 */
export async function writeRule<T extends { id: string }>(
  clients: AwsClients,
  spec: RuleWrite<T>,
  live: RuleRead<T> | undefined,
  request: (target: T) => Target | Promise<Target>,
): Promise<string> {
  const { PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, TagResourceCommand } = await loadSdk(
    clients,
    "events",
  );
  const { RuleArn: arn = live?.arn ?? "" } = await clients.events.send(
    new PutRuleCommand({
      Name: spec.name,
      Description: spec.description,
      EventPattern: spec.eventPattern,
      State: "ENABLED",
      ...(live === undefined && { Tags: tagList(spec.tags) }),
    }),
  );
  const wanted = new Set(spec.targets.map((target) => target.id));
  const stale = (live?.targets ?? []).filter((target) => !wanted.has(target.id));
  if (stale.length > 0) {
    await clients.events.send(
      new RemoveTargetsCommand({ Rule: spec.name, Ids: stale.map((target) => target.id) }),
    );
  }
  const targets = await Promise.all(spec.targets.map(request));
  await clients.events.send(new PutTargetsCommand({ Rule: spec.name, Targets: targets }));
  if (live !== undefined && Object.entries(spec.tags).some(([key, value]) => live.tags[key] !== value)) {
    await clients.events.send(new TagResourceCommand({ ResourceARN: arn, Tags: tagList(spec.tags) }));
  }
  return arn;
}

/** Deletes a rule, its targets first: EventBridge refuses to delete a rule that still has any. */
export async function deleteRule(
  clients: AwsClients,
  name: string,
  known: readonly { id: string }[] | undefined,
): Promise<void> {
  const { DeleteRuleCommand, RemoveTargetsCommand } = await loadSdk(clients, "events");
  const targets =
    known ?? (await readRule(clients, name, (target) => ({ id: target.Id ?? "" })))?.targets ?? [];
  if (targets.length > 0) {
    await tolerating(
      clients.events.send(new RemoveTargetsCommand({ Rule: name, Ids: targets.map((target) => target.id) })),
      "ResourceNotFoundException",
    );
  }
  await tolerating(clients.events.send(new DeleteRuleCommand({ Name: name })), "ResourceNotFoundException");
}
