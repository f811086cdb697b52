/**
 * The contract between fake-aws's protocol layer (src/core) and its services (src/services).
 * A service is plain state plus handlers: handlers receive the request's members as a plain
 * object (already decoded from the wire protocol) and return the response members as a plain
 * object in the service's wire shape; the protocol layer does all encoding and error framing.
 *
 * Input, as the core decodes it:
 * - awsJson1_1: the parsed JSON body.
 * - restJson1: the JSON body, plus path labels and mapped query parameters as strings (a query
 *   parameter listed in `multiValueQuery` is always a `string[]`).
 * - awsQuery / ec2Query: the form body without `Action`/`Version`, nested by its dotted keys:
 *   numeric segments are 1-based list positions (`Filter.1.Value.2=x` → `Filter[0].Value[1]`),
 *   awsQuery's `member` segment is dropped (`Tags.member.1.Key` → `Tags[0].Key`), and
 *   `X.entry.N.key`/`.value` pairs become an object map. Every scalar is a string ("10",
 *   "true"); an empty list arrives as `""`. `readers.ts` has small typed readers for all this.
 *
 * Output: `undefined` members are omitted; `Date` values become epoch seconds in JSON and ISO
 * 8601 in XML. awsQuery output is wrapped in `<XResponse><XResult>`, ec2Query output in
 * `<XResponse xmlns><requestId>`; an array becomes `<member>` children (awsQuery) or `<item>`
 * children (ec2Query) of its member's element.
 */

/** The wire protocols fake-aws speaks, one per AWS service family. */
export type Protocol = "awsJson1_0" | "awsJson1_1" | "restJson1" | "awsQuery" | "ec2Query";

/** Everything a handler may know about the call besides its input. */
export interface CallContext {
  /** The region the client signed for (from the SigV4 credential scope), e.g. `us-east-1`. */
  region: string;
  /** The fixed fake account id, `123456789012`. */
  accountId: string;
  /** The fake clock: tests can move it; handlers never call `Date.now()` themselves. */
  now(): Date;
}

/** An error AWS would answer with: the code is the SDK exception name, e.g. `ConflictException`. */
export class AwsError extends Error {
  /** Modeled members of the error shape besides the message, e.g. Cloud Map's `NamespaceId`. */
  members: Record<string, unknown> = {};

  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Whether AWS reports it as the caller's fault (4xx) or its own (5xx). */
    readonly fault: "client" | "server" = status >= 500 ? "server" : "client",
  ) {
    super(message);
  }
}

/** Kinds of resource one service's validation may need to find in another's state. */
export type ResourceKind =
  | "iam-role"
  | "ecs-cluster"
  | "ecs-task-definition"
  | "log-group"
  | "vpc"
  | "subnet"
  | "security-group"
  | "ecr-repository"
  | "cloudmap-namespace";

/**
 * Cross-service lookups ("the RoleArn of a schedule must exist"). The core builds it from every
 * service's `owns`, so services never import each other.
 */
export interface World {
  exists(kind: ResourceKind, idOrArn: string, region: string): boolean;
  /**
   * Whether the role's trust policy lets the service principal (e.g. `scheduler.amazonaws.com`)
   * assume it; false when the role does not exist. With a request context (`aws:SourceArn`,
   * `aws:SourceAccount`), the trust's conditions must hold for it too. Optional so hand-made test
   * worlds stay small.
   */
  roleTrusts?(roleArn: string, servicePrincipal: string, context?: Record<string, string>): boolean;
  /**
   * Whether the role (by ARN) may make the request: its inline and attached policies, capped by
   * its permissions boundary; false when the role does not exist. Optional: a world without it
   * checks no permission.
   */
  roleAllows?(roleArn: string, request: PermissionRequest): boolean;
  /** The secret or parameter a task definition's `valueFrom` names in `region`, if it exists. */
  findSecret?(valueFrom: string, region: string): StoredSecret | undefined;
  /**
   * An event from an AWS service (ECS task stops, Step Functions status changes) onto the
   * default event bus of `region`: EventBridge wraps it in the envelope and delivers it to the
   * targets of every matching rule. Optional: a world without EventBridge drops events.
   */
  publishEvent?(event: ServiceEvent): void;
  /**
   * Another service sends a message to an SQS queue (by ARN), e.g. Scheduler to its dead-letter
   * queue. With a `principal` (a service acting on a resource policy, like EventBridge), the
   * queue policy must allow it `sqs:SendMessage` from `sourceArn`; without one, the caller has
   * already checked the role it acts as. Returns why it failed, or undefined once queued.
   */
  sendToQueue?(message: QueueDelivery): string | undefined;
  /** ECS as Step Functions' integrations call it, on a role's behalf. */
  ecs?: EcsInternals;
  /** SQS as a service polling a queue consumes it (EventBridge Pipes); the caller has checked its role. */
  sqs?: SqsInternals;
  /** Step Functions as Scheduler's universal target calls it. */
  sfn?: SfnInternals;
  /** CloudWatch as Step Functions' `aws-sdk:cloudwatch:putMetricData` integration calls it. */
  cloudwatch?: CloudWatchInternals;
}

/**
 * CloudWatch operations other services make: the API's own handlers, input and output in
 * CloudWatch's wire shape (PascalCase), at `context.now()`; a refused call throws the API's AwsError.
 */
export interface CloudWatchInternals {
  putMetricData(input: Record<string, unknown>, context: CallContext): Record<string, unknown>;
}

/** StartExecution as the API runs it (Scheduler's `aws-sdk:sfn:startExecution` target). */
export interface SfnInternals {
  startExecution(
    request: { stateMachineArn: string; name?: string; input?: string },
    context: CallContext,
  ): { executionArn: string; startDate: Date };
}

/**
 * ECS operations other services make (Step Functions' `ecs:runTask.sync`, `aws-sdk:ecs:*`):
 * the API's own handlers, with input and output in ECS's wire shape, at `context.now()`,
 * which may be a moment an execution reached before the fake clock's now.
 */
export interface EcsInternals {
  runTask(input: Record<string, unknown>, context: CallContext): Record<string, unknown>;
  stopTask(input: Record<string, unknown>, context: CallContext): Record<string, unknown>;
  listTasks(input: Record<string, unknown>, context: CallContext): Record<string, unknown>;
  /** The task as DescribeTasks shows it at `atMs`; undefined once ECS has forgotten it. */
  describeTask(taskArn: string, atMs: number): Record<string, unknown> | undefined;
  /** When the task is STOPPED as things stand (a StopTask may bring it forward); Infinity while it hangs. */
  stoppedAtMs(taskArn: string): number | undefined;
}

/** A queue's messages as a consumer in another service receives and deletes them. */
export interface SqsInternals {
  /** Receives up to `max` visible messages, as ReceiveMessage with every attribute; undefined when there is no such queue. */
  receive(queueArn: string, max: number): ReceivedMessage[] | undefined;
  deleteMessage(queueArn: string, receiptHandle: string): void;
  /** Calls `listener` with a queue's ARN each time a message is queued in it, so consumers need no polling timer. */
  onQueued(listener: (queueArn: string) => void): void;
}

/** A received message in SQS's wire names. */
export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
  MD5OfBody: string;
  /** System attributes: ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp. */
  Attributes: Record<string, string>;
  MessageAttributes?: Record<string, MessageAttributeValue>;
  MD5OfMessageAttributes?: string;
}

export interface QueueDelivery {
  queueArn: string;
  body: string;
  principal?: string;
  sourceArn?: string;
  /** The message's own attributes, checked as SendMessage checks them (e.g. Scheduler's `ERROR_CODE`). */
  messageAttributes?: Record<string, MessageAttributeValue>;
}

/** An SQS message attribute in SQS's wire shape: `BinaryValue` is base64. */
export interface MessageAttributeValue {
  /** `String`, `Number` or `Binary`, optionally with a custom suffix (`String.url`). */
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** What a service emits; EventBridge adds id, version, time and the account when absent. */
export interface ServiceEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  resources: string[];
  region: string;
  account?: string;
  /** When it happened (e.g. when the task stopped); default the clock's now at publishing. */
  time?: Date;
}

/** A call a role makes on someone's behalf, as IAM authorizes it. */
export interface PermissionRequest {
  /** `service:Operation`, e.g. `ecr:BatchGetImage`. */
  action: string;
  /** The resource ARN, `*` for actions that take none. */
  resource: string;
  /** Condition keys, e.g. `kms:ViaService`. */
  context?: Record<string, string>;
}

/** A Secrets Manager secret or an SSM parameter, as ECS reads one at task start. */
export interface StoredSecret {
  service: "secretsmanager" | "ssm";
  /** The full ARN: a secret's ends in "-" and 6 random characters. */
  arn: string;
  region: string;
  /** The customer managed KMS key it is encrypted with; undefined for the AWS managed key. */
  kmsKeyArn?: string;
}

export type Handler = (input: Record<string, unknown>, context: CallContext) => unknown | Promise<unknown>;

/** For restJson1 services: how an HTTP method and path map onto an operation. */
export interface RestRoute {
  operation: string;
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  /** Path template with `{Name}` labels that become input members, e.g. `/schedules/{Name}`. */
  path: string;
  /** Query string parameter → input member name. */
  query?: Record<string, string>;
  /** HTTP status of a success, default 200. */
  successStatus?: number;
  /** Query parameters (by wire name) that are lists: their input member is always a `string[]`. */
  multiValueQuery?: readonly string[];
}

export interface ServiceDefinition {
  /** The signing name / endpoint id, e.g. `ecs`, `scheduler`, `servicediscovery`, `logs`. */
  signingName: string;
  protocol: Protocol;
  /** awsJson1_0 / awsJson1_1: the `X-Amz-Target` prefix before the dot, e.g. `AmazonEC2ContainerServiceV20141113`. */
  targetPrefix?: string;
  /**
   * awsJson services that also speak awsQuery (CloudWatch): each error code's Query name, which
   * the `x-amzn-query-error` header carries so query-compatible SDK clients set `Code` from it.
   */
  queryErrorCodes?: Readonly<Record<string, string>>;
  /** awsQuery / ec2Query: the API version the SDK sends, e.g. `2010-05-08`. */
  apiVersion?: string;
  /** awsQuery / ec2Query: XML namespace of responses. */
  xmlNamespace?: string;
  routes?: readonly RestRoute[];
  handlers: Record<string, Handler>;
  /** Operations that change state (for the call log's "mutating" flag). */
  mutating: ReadonlySet<string>;
  /** Answers `World.exists` for the kinds of resource this service keeps. */
  owns?: Partial<Record<ResourceKind, (idOrArn: string, region: string) => boolean>>;
  /** All of the service's state as plain JSON, for snapshots. */
  snapshot(): unknown;
  /** Back to the starting state. */
  reset(): void;
  /** Catches up work that runs on its own on the fake clock (executions); run before every call. */
  settle?(): void;
}

/** One event a service writes into a log group, on behalf of `sourceArn` (e.g. an EventBridge rule). */
export interface LogsDelivery {
  principal: string;
  sourceArn: string;
  groupArn: string;
  stream: string;
  message: string;
  timestamp: number;
}

/** A named, tagged resource whose settings are attributes, as SNS keeps a topic and SQS a queue. */
export interface AttributedResource {
  region: string;
  name: string;
  arn: string;
  /** As created or set, with the service's defaults filled in. */
  attributes: Map<string, string>;
  /** The attributes the create call was given, for its idempotency check. */
  createdWith: Record<string, string>;
  tags: Map<string, string>;
}
