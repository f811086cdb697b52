import { AwsError } from "../../core/types.js";

/**
 * EventBridge's state: rules on the default bus with their targets, connections and API
 * destinations, and the deliveries that failed. Plain data and the lookups that throw as
 * EventBridge would; reading requests and shaping responses is the handlers' work.
 */

export interface InputTransformer {
  inputPathsMap: Record<string, string>;
  inputTemplate: string;
}

export interface Target {
  id: string;
  arn: string;
  roleArn?: string;
  input?: string;
  inputPath?: string;
  inputTransformer?: InputTransformer;
  deadLetterArn?: string;
}

export interface Rule {
  region: string;
  name: string;
  arn: string;
  eventPattern?: string;
  scheduleExpression?: string;
  state: "ENABLED" | "DISABLED";
  description?: string;
  roleArn?: string;
  /** In insertion order, by id. */
  targets: Map<string, Target>;
  tags: Map<string, string>;
}

export type ConnectionAuth =
  | { type: "API_KEY"; name: string; value: string }
  | { type: "BASIC"; username: string; password: string };

export interface Connection {
  region: string;
  name: string;
  arn: string;
  description?: string;
  auth: ConnectionAuth;
  secretArn: string;
  creationTime: Date;
  lastModifiedTime: Date;
}

export interface ApiDestination {
  region: string;
  name: string;
  arn: string;
  description?: string;
  connectionArn: string;
  endpoint: string;
  httpMethod: string;
  rateLimitPerSecond?: number;
  creationTime: Date;
  lastModifiedTime: Date;
}

/** A delivery that did not reach its target, for tests (`aws.events.failures()`). */
export interface DeliveryFailure {
  rule: string;
  targetId: string;
  targetArn: string;
  eventId: string;
  reason: string;
}

export interface EventsState {
  /** By `region/name`. */
  rules: Map<string, Rule>;
  connections: Map<string, Connection>;
  apiDestinations: Map<string, ApiDestination>;
  failures: DeliveryFailure[];
  /** Counter for ids (events, connection secrets), so a run repeats. */
  serial: number;
}

export interface EventsEnv {
  state: EventsState;
}

export const emptyEventsState = (): EventsState => ({
  rules: new Map(),
  connections: new Map(),
  apiDestinations: new Map(),
  failures: [],
  serial: 0,
});

export const keyOf = (region: string, name: string) => `${region}/${name}`;

export const validation = (message: string) => new AwsError("ValidationException", message);
export const notFound = (message: string) => new AwsError("ResourceNotFoundException", message);

export const ruleArn = (region: string, account: string, name: string) =>
  `arn:aws:events:${region}:${account}:rule/${name}`;

/** A name or an ARN of `kind` (`rule`, `connection`, `api-destination`) → its name. */
export function nameOf(ref: string, kind: string): string {
  const arn = new RegExp(`^arn:aws:events:[a-z0-9-]+:[0-9]{12}:${kind}/([^/]+)`).exec(ref);
  return arn?.[1] ?? ref;
}

export function requireRule(state: EventsState, region: string, name: string): Rule {
  const rule = state.rules.get(keyOf(region, name));
  if (!rule) throw notFound(`Rule ${name} does not exist on EventBus default.`);
  return rule;
}

export function requireConnection(state: EventsState, region: string, ref: string): Connection {
  const name = nameOf(ref, "connection");
  const connection = state.connections.get(keyOf(region, name));
  if (!connection)
    throw notFound(`Failed to describe the connection(s). Connection '${name}' does not exist.`);
  return connection;
}

export function requireApiDestination(state: EventsState, region: string, ref: string): ApiDestination {
  const name = nameOf(ref, "api-destination");
  const destination = state.apiDestinations.get(keyOf(region, name));
  if (!destination) {
    throw notFound(`Failed to describe the api-destination(s). An api-destination '${name}' does not exist.`);
  }
  return destination;
}

/** A fresh id in UUID form, derived from a counter so a seeded run repeats. */
export function nextId(state: EventsState, prefix: string): string {
  state.serial += 1;
  const n = state.serial.toString(16).padStart(12, "0");
  return `${prefix.padEnd(8, "0").slice(0, 8)}-0000-4000-8000-${n}`;
}
