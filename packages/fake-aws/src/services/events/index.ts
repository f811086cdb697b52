import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import type { ServiceDefinition, ServiceEvent, World } from "../../core/types.js";
import {
  createApiDestination,
  createConnection,
  deleteApiDestination,
  deleteConnection,
  describeApiDestination,
  describeConnection,
  listApiDestinations,
  updateApiDestination,
  updateConnection,
} from "./connections.js";
import { type EventSinks, publish } from "./deliver.js";
import {
  deleteRule,
  describeRule,
  listRuleNamesByTarget,
  listRules,
  listTagsForResource,
  listTargetsByRule,
  putRule,
  putTargets,
  removeTargets,
  tagResource,
  untagResource,
} from "./rules.js";
import { type DeliveryFailure, type EventsEnv, emptyEventsState } from "./state.js";

export type { EventSinks } from "./deliver.js";
export type { DeliveryFailure } from "./state.js";

/**
 * EventBridge: rules with event patterns on the default bus, targets (with input transformers
 * and dead-letter queues), connections and API destinations, and the delivery of the events
 * other fake services publish through `World.publishEvent`.
 */

/** Test controls, on the in-process handle as `aws.events`. */
export interface EventsControls {
  /** Deliveries that did not reach their target, oldest first. */
  failures(): DeliveryFailure[];
  /** Resolves once every HTTP delivery to an API destination started so far has finished. */
  settle(): Promise<void>;
}

const OPERATIONS: Record<string, OperationHandler<EventsEnv>> = {
  PutRule: putRule,
  DescribeRule: describeRule,
  DeleteRule: deleteRule,
  ListRules: listRules,
  PutTargets: putTargets,
  RemoveTargets: removeTargets,
  ListTargetsByRule: listTargetsByRule,
  ListRuleNamesByTarget: listRuleNamesByTarget,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  CreateConnection: createConnection,
  DescribeConnection: describeConnection,
  UpdateConnection: updateConnection,
  DeleteConnection: deleteConnection,
  CreateApiDestination: createApiDestination,
  DescribeApiDestination: describeApiDestination,
  ListApiDestinations: listApiDestinations,
  UpdateApiDestination: updateApiDestination,
  DeleteApiDestination: deleteApiDestination,
};

export interface EventsService {
  service: ServiceDefinition;
  controls: EventsControls;
  /** What `World.publishEvent` calls. */
  publish(event: ServiceEvent): void;
}

export function createEventsService(options: {
  world: World;
  clock: { now(): Date };
  accountId: string;
  sinks: EventSinks;
}): EventsService {
  const env: EventsEnv = { state: emptyEventsState() };
  const pending = new Set<Promise<void>>();
  const service: ServiceDefinition = {
    signingName: "events",
    protocol: "awsJson1_1",
    targetPrefix: "AWSEvents",
    handlers: bindHandlers(env, OPERATIONS),
    mutating: new Set(Object.keys(OPERATIONS).filter((op) => !/^(Describe|List)/.test(op))),
    snapshot: () => ({
      rules: [...env.state.rules.values()].map((r) => ({
        ...r,
        targets: [...r.targets.values()],
        tags: Object.fromEntries(r.tags),
      })),
      connections: [...env.state.connections.values()].map((c) => ({
        name: c.name,
        arn: c.arn,
        type: c.auth.type,
      })),
      apiDestinations: [...env.state.apiDestinations.values()],
    }),
    reset: () => {
      env.state = emptyEventsState();
    },
  };
  return {
    service,
    controls: {
      failures: () => env.state.failures.map((f) => ({ ...f })),
      settle: async () => {
        while (pending.size > 0) await Promise.all([...pending]);
      },
    },
    publish: (event) =>
      publish(
        {
          state: env.state,
          world: options.world,
          sinks: options.sinks,
          accountId: options.accountId,
          now: options.clock.now(),
          pending,
        },
        event,
      ),
  };
}
