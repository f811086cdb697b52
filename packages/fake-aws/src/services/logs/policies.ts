import { Reader } from "../../core/readers.js";
import { resourcePolicyAllows } from "../../core/resource-policy.js";
import { AwsError, type CallContext, type LogsDelivery } from "../../core/types.js";
import {
  ascii,
  findGroup,
  groupArn,
  invalid,
  type LogsEnv,
  type LogsState,
  type ResourcePolicy,
  store,
} from "./state.js";

/**
 * Account-level resource policies (what lets AWS services such as EventBridge write into log
 * groups), and the delivery of an event by such a service, checked against them.
 */

/** AWS's quotas: 10 policies per account per Region (not adjustable), 5,120 characters each. */
export const MAX_POLICIES_PER_REGION = 10;
export const MAX_POLICY_CHARS = 5120;

function policiesIn(state: LogsState, region: string): Map<string, ResourcePolicy> {
  let policies = state.policies.get(region);
  if (!policies) {
    policies = new Map();
    state.policies.set(region, policies);
  }
  return policies;
}

const policyOut = (p: ResourcePolicy) => ({
  policyName: p.name,
  policyDocument: p.document,
  lastUpdatedTime: p.lastUpdatedTime,
});

export function putResourcePolicy(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const name = r.string("policyName", { required: true, min: 1 });
  const document = r.string("policyDocument", { required: true, min: 1, max: MAX_POLICY_CHARS });
  try {
    JSON.parse(document);
  } catch {
    throw invalid(`Policy document of policy '${name}' is not valid JSON.`);
  }
  const policies = policiesIn(env.state, ctx.region);
  if (!policies.has(name) && policies.size >= MAX_POLICIES_PER_REGION) {
    throw new AwsError(
      "LimitExceededException",
      `Resource limit exceeded: an account can have at most ${MAX_POLICIES_PER_REGION} resource policies per Region.`,
    );
  }
  const policy = { name, document, lastUpdatedTime: ctx.now().getTime() };
  policies.set(name, policy);
  return { resourcePolicy: policyOut(policy) };
}

export function describeResourcePolicies(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  r.int("limit", { min: 1, max: 50 });
  const policies = [...policiesIn(env.state, ctx.region).values()].sort((a, b) => ascii(a.name, b.name));
  return { resourcePolicies: policies.map(policyOut) };
}

export function deleteResourcePolicy(env: LogsEnv, input: Record<string, unknown>, ctx: CallContext) {
  const name = Reader.of(input, invalid).string("policyName", { required: true, min: 1 });
  if (!policiesIn(env.state, ctx.region).delete(name)) {
    throw new AwsError("ResourceNotFoundException", `Policy with name [${name}] does not exist`);
  }
  return {};
}

/**
 * A service principal writes one event into a log group (by ARN), as EventBridge does for a
 * Logs target: the resource policies must allow it both `logs:CreateLogStream` and
 * `logs:PutLogEvents` on the group. Returns why it failed, or undefined once stored.
 */
export function receiveServiceEvent(
  state: LogsState,
  delivery: LogsDelivery,
  at: { region: string; accountId: string; nowMs: number },
): string | undefined {
  const group = findGroup(state, delivery.groupArn, at.region, at.accountId);
  if (!group) return `log group ${delivery.groupArn} does not exist`;
  const documents = [...policiesIn(state, at.region).values()].map((p) => p.document);
  const resource = `${groupArn(group, at.accountId)}:*`;
  for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
    const context = { "aws:SourceArn": delivery.sourceArn, "aws:SourceAccount": at.accountId };
    const call = { principal: delivery.principal, action, resource, context };
    const onGroup = { ...call, resource: groupArn(group, at.accountId) };
    if (!resourcePolicyAllows(documents, call) && !resourcePolicyAllows(documents, onGroup)) {
      return `no resource policy allows ${delivery.principal} ${action} on ${groupArn(group, at.accountId)}`;
    }
  }
  let stream = group.streams.get(delivery.stream);
  if (!stream) {
    stream = { name: delivery.stream, creationTime: at.nowMs, events: [], lastIngestionTime: undefined };
    group.streams.set(delivery.stream, stream);
  }
  store(state, group, stream, [{ timestamp: delivery.timestamp, message: delivery.message }], at.nowMs);
  return undefined;
}
