import {
  AwsError,
  type LogsDelivery,
  type PermissionRequest,
  type ServiceEvent,
  type World,
} from "../../core/types.js";
import { matchesPattern, parsePattern } from "./pattern.js";
import {
  type ApiDestination,
  type Connection,
  type EventsState,
  keyOf,
  nameOf,
  nextId,
  type Rule,
  type Target,
} from "./state.js";
import { targetInput } from "./transform.js";

/**
 * Delivery of an event on the default bus: EventBridge builds the envelope, matches it against
 * every enabled rule of its region and hands each target its input. Logs, SNS and SQS are
 * reached through sinks the registry wires in (services never import each other); each checks
 * its own resource policy. An API destination gets a real HTTP request; a state machine an
 * execution, started as the target's role.
 */

export const EVENTS_PRINCIPAL = "events.amazonaws.com";

/** A target service's answer: why it refused, or undefined once delivered. */
export type SinkResult = string | undefined;

export interface EventSinks {
  logs?(delivery: LogsDelivery, region: string): SinkResult;
  sns?(delivery: { topicArn: string; message: string; principal: string; sourceArn: string }): SinkResult;
  sqs?(delivery: { queueArn: string; body: string; principal: string; sourceArn: string }): SinkResult;
}

export interface DeliveryContext {
  state: EventsState;
  /** For the role an API destination or state machine target is invoked with, and Step Functions. */
  world: Pick<World, "roleTrusts" | "roleAllows" | "sfn">;
  sinks: EventSinks;
  accountId: string;
  now: Date;
  /** HTTP deliveries still under way, so tests can wait for them (`aws.events.settle()`). */
  pending: Set<Promise<void>>;
}

/** The envelope every EventBridge event has; `time` to the second, as AWS writes it. */
export function envelope(state: EventsState, event: ServiceEvent, accountId: string, now: Date) {
  return {
    version: "0",
    id: nextId(state, "e0"),
    "detail-type": event.detailType,
    source: event.source,
    account: event.account ?? accountId,
    time: `${(event.time ?? now).toISOString().slice(0, 19)}Z`,
    region: event.region,
    resources: [...event.resources],
    detail: structuredClone(event.detail),
  };
}

export function publish(ctx: DeliveryContext, event: ServiceEvent): void {
  const full = envelope(ctx.state, event, ctx.accountId, ctx.now);
  for (const rule of ctx.state.rules.values()) {
    if (rule.region !== event.region || rule.state !== "ENABLED" || rule.eventPattern === undefined) continue;
    if (!matchesPattern(parsePattern(rule.eventPattern), full)) continue;
    for (const target of rule.targets.values()) {
      deliver(ctx, rule, target, full);
    }
  }
}

function deliver(
  ctx: DeliveryContext,
  rule: Rule,
  target: Target,
  event: Record<string, unknown> & { id: string },
) {
  const input = targetInput(target, event, rule);
  const fail = (reason: string) => {
    ctx.state.failures.push({
      rule: rule.name,
      targetId: target.id,
      targetArn: target.arn,
      eventId: event.id,
      reason,
    });
    if (target.deadLetterArn !== undefined) {
      ctx.sinks.sqs?.({
        queueArn: target.deadLetterArn,
        body: JSON.stringify(event),
        principal: EVENTS_PRINCIPAL,
        sourceArn: rule.arn,
      });
    }
  };
  const service = target.arn.split(":")[2];
  const common = { principal: EVENTS_PRINCIPAL, sourceArn: rule.arn };
  let result: SinkResult = `fake-aws does not deliver to ${target.arn}`;
  if (service === "logs" && ctx.sinks.logs) {
    const timestamp = ctx.now.getTime();
    result = ctx.sinks.logs(
      { ...common, groupArn: target.arn, stream: event.id, message: input, timestamp },
      rule.region,
    );
  } else if (service === "sns" && ctx.sinks.sns) {
    result = ctx.sinks.sns({ ...common, topicArn: target.arn, message: input });
  } else if (service === "sqs" && ctx.sinks.sqs) {
    result = ctx.sinks.sqs({ ...common, queueArn: target.arn, body: input });
  } else if (service === "states" && target.arn.includes(":stateMachine:")) {
    result = startExecution(ctx, rule, target, input);
  } else if (service === "events" && target.arn.includes(":api-destination/")) {
    const refused = roleProblem(ctx, target, { action: "events:InvokeApiDestination", resource: target.arn });
    if (refused !== undefined) {
      fail(refused);
      return;
    }
    const sending = invoke(ctx, rule, target.arn, input)
      .then((reason) => {
        if (reason !== undefined) fail(reason);
      })
      .finally(() => ctx.pending.delete(sending));
    ctx.pending.add(sending);
    return;
  }
  if (result !== undefined) fail(result);
}

/**
 * EventBridge invokes an API destination or starts a state machine only as the target's role:
 * one it may assume (for the rule, when `trustContext` says so), allowed the request.
 */
function roleProblem(
  ctx: DeliveryContext,
  target: Target,
  request: PermissionRequest,
  trustContext?: Record<string, string>,
): string | undefined {
  if (target.roleArn === undefined) {
    const kind =
      request.action === "states:StartExecution"
        ? "state machines are started"
        : "API destinations are invoked";
    return `target ${target.id} has no RoleArn: ${kind} with a role`;
  }
  if (!(ctx.world.roleTrusts?.(target.roleArn, EVENTS_PRINCIPAL, trustContext) ?? true)) {
    return `role ${target.roleArn} does not trust ${EVENTS_PRINCIPAL}`;
  }
  if (!(ctx.world.roleAllows?.(target.roleArn, request) ?? true)) {
    return `role ${target.roleArn} is not allowed ${request.action} on ${request.resource}`;
  }
  return undefined;
}

/**
 * A state machine target: StartExecution as the target's role, with the (transformed) event as
 * the execution's input; Step Functions' refusal (a missing machine, input that is not JSON) is
 * the delivery's failure.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-iam-roles.html
 */
function startExecution(ctx: DeliveryContext, rule: Rule, target: Target, input: string): SinkResult {
  const refused = roleProblem(
    ctx,
    target,
    { action: "states:StartExecution", resource: target.arn },
    { "aws:SourceAccount": ctx.accountId, "aws:SourceArn": rule.arn },
  );
  if (refused !== undefined) return refused;
  const sfn = ctx.world.sfn;
  if (sfn === undefined) return "fake-aws has no Step Functions in this world";
  try {
    sfn.startExecution(
      { stateMachineArn: target.arn, input },
      { region: rule.region, accountId: ctx.accountId, now: () => ctx.now },
    );
    return undefined;
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return `Step Functions refused StartExecution: ${error.code}: ${error.message}`;
  }
}

/** POSTs (or whatever the destination's method is) the input with the connection's credentials. */
async function invoke(
  ctx: DeliveryContext,
  rule: Rule,
  arn: string,
  body: string,
): Promise<string | undefined> {
  const destination = ctx.state.apiDestinations.get(keyOf(rule.region, nameOf(arn, "api-destination")));
  if (!destination || destination.arn !== arn) return `API destination ${arn} does not exist`;
  const connection = [...ctx.state.connections.values()].find((c) => c.arn === destination.connectionArn);
  if (!connection) return `connection ${destination.connectionArn} does not exist`;
  try {
    const response = await fetch(destination.endpoint, request(destination, connection, body));
    await response.arrayBuffer();
    return response.ok ? undefined : `${destination.endpoint} answered HTTP ${response.status}`;
  } catch (error) {
    return `${destination.endpoint} could not be reached: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function request(destination: ApiDestination, connection: Connection, body: string): RequestInit {
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "user-agent": "Amazon/EventBridge/ApiDestinations",
  };
  if (connection.auth.type === "API_KEY") headers[connection.auth.name.toLowerCase()] = connection.auth.value;
  else {
    const basic = Buffer.from(`${connection.auth.username}:${connection.auth.password}`).toString("base64");
    headers.authorization = `Basic ${basic}`;
  }
  const hasBody = !["GET", "HEAD"].includes(destination.httpMethod);
  return { method: destination.httpMethod, headers, ...(hasBody && { body }) };
}
