/** fake-aws: a stateful local stand-in for the AWS APIs flexjob uses. Test infrastructure only. */
export type { ClockOptions, FakeClock } from "./core/clock.js";
export type {
  CallRecord,
  FaultHandle,
  FaultKind,
  FaultRule,
  Latency,
  ThrottleRule,
} from "./core/controls.js";
export { roundTrips } from "./core/round-trips.js";
export {
  ACCOUNT_ID,
  type FakeAws,
  type FakeAwsOptions,
  type FakeAwsSnapshot,
  startFakeAws,
} from "./core/server.js";
export { AwsError } from "./core/types.js";
export type {
  CloudMapControls,
  OperationFailure,
  OperationTiming,
  OperationType,
  TestInstance,
} from "./services/cloudmap/index.js";
export type { CloudWatchControls, StoredDataPoint } from "./services/cloudwatch/index.js";
export type { DefaultVpcInfo, Ec2Controls } from "./services/ec2/index.js";
export type { EcrControls, ImageStore, PushedImage, PushImage } from "./services/ecr/index.js";
export { createRegistryImageStore, type RegistryImageStoreOptions } from "./services/ecr/registry-store.js";
export type { EcsControls, EcsPhases } from "./services/ecs/index.js";
export type { DeliveryFailure, EventsControls } from "./services/events/index.js";
export {
  type AuthorizationRequest,
  authorize,
  type Decision,
  evaluate,
  isAllowed,
  type PrincipalPolicies,
} from "./services/iam/evaluate.js";
export type { LogLine, LogsControls } from "./services/logs/index.js";
export type { PipeFailure, PipesControls } from "./services/pipes/index.js";
export type { FireRequest, Invocation, SchedulerControls } from "./services/scheduler/index.js";
export type { SecretOptions, SecretsControls } from "./services/secrets/index.js";
export type { PublishedMessage, SnsControls } from "./services/sns/index.js";
export type { SqsControls } from "./services/sqs/index.js";
