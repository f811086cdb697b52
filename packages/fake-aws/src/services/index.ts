import type { FakeClock } from "../core/clock.js";
import type { ResourceKind, ServiceDefinition, World } from "../core/types.js";
import { type CloudMapControls, createCloudMapService } from "./cloudmap/index.js";
import { type CloudWatchControls, createCloudWatchService } from "./cloudwatch/index.js";
import { createEc2Service, type Ec2Controls } from "./ec2/index.js";
import { createEcrService, type EcrControls, type ImageStore } from "./ecr/index.js";
import { createEcsService, type EcsControls } from "./ecs/index.js";
import { createEventsService, type EventsControls } from "./events/index.js";
import { createIamService } from "./iam/index.js";
import { createLogsService, type LogsControls } from "./logs/index.js";
import { createPipesService, type PipesControls } from "./pipes/index.js";
import { createSchedulerService, type SchedulerControls } from "./scheduler/index.js";
import { createSecretsService, type SecretsControls } from "./secrets/index.js";
import { createSnsService, type SnsControls } from "./sns/index.js";
import { createSqsService, type SqsControls } from "./sqs/index.js";
import { createSfnService } from "./stepfunctions/index.js";
import { createStsService } from "./sts.js";

/** Every service fake-aws speaks, and the World that lets them look into each other's state. */
export interface Registry {
  /** By signing name. */
  services: Map<string, ServiceDefinition>;
  world: World;
  ecs: EcsControls;
  ecr: EcrControls;
  logs: LogsControls;
  ec2: Ec2Controls;
  cloudmap: CloudMapControls;
  secrets: SecretsControls;
  scheduler: SchedulerControls;
  events: EventsControls;
  sns: SnsControls;
  sqs: SqsControls;
  pipes: PipesControls;
  cloudwatch: CloudWatchControls;
}

export interface RegistryOptions {
  clock: FakeClock;
  seed: number;
  /** The region test controls create resources in when they are given none; default us-east-1. */
  region?: string;
  /** Where ECR keeps images; default in memory. */
  imageStore?: ImageStore;
}

export function createRegistry(options: RegistryOptions): Registry {
  const region = options.region ?? "us-east-1";
  const accountId = "123456789012";
  const services = new Map<string, ServiceDefinition>();
  let roleTrusts: NonNullable<World["roleTrusts"]> = () => false;
  let roleAllows: NonNullable<World["roleAllows"]> = () => false;
  let findSecret: NonNullable<World["findSecret"]> = () => undefined;
  let publishEvent: NonNullable<World["publishEvent"]> = () => undefined;
  // Services receive the World before it can answer; it reads the registry only when asked.
  const world: World = {
    exists(kind: ResourceKind, idOrArn: string, region: string): boolean {
      for (const service of services.values()) {
        const owns = service.owns?.[kind];
        if (owns?.(idOrArn, region)) return true;
      }
      return false;
    },
    roleTrusts: (roleArn, servicePrincipal, context) => roleTrusts(roleArn, servicePrincipal, context),
    roleAllows: (roleArn, request) => roleAllows(roleArn, request),
    findSecret: (valueFrom, region) => findSecret(valueFrom, region),
    publishEvent: (event) => publishEvent(event),
  };
  const ecs = createEcsService(world, options);
  world.ecs = ecs.internals;
  const sfn = createSfnService(world, { clock: options.clock });
  world.sfn = sfn.internals;
  const scheduler = createSchedulerService(world, {
    clock: options.clock,
    region,
    accountId,
  });
  const iam = createIamService(options);
  roleTrusts = iam.controls.roleTrusts;
  roleAllows = iam.controls.roleAllows;
  const secrets = createSecretsService({ seed: options.seed, region });
  findSecret = secrets.find;
  const ecr = createEcrService(world, {
    clock: options.clock,
    seed: options.seed,
    ...(options.imageStore !== undefined && { imageStore: options.imageStore }),
  });
  const logs = createLogsService(world, { clock: options.clock });
  const ec2 = createEc2Service(world);
  const cloudmap = createCloudMapService(world, { clock: options.clock, seed: options.seed });
  const sns = createSnsService({ accountId });
  const sqs = createSqsService({ accountId, clock: options.clock, region });
  world.sendToQueue = sqs.receive;
  world.sqs = sqs.internals;
  // EventBridge reaches its targets' services through their receivers, each checking its own policy.
  const events = createEventsService({
    world,
    clock: options.clock,
    accountId,
    sinks: { logs: logs.receive, sns: sns.receive, sqs: sqs.receive },
  });
  publishEvent = events.publish;
  const pipes = createPipesService(world, { clock: options.clock, accountId });
  const cloudwatch = createCloudWatchService({ region });
  world.cloudwatch = cloudwatch.internals;
  for (const service of [
    ecs.service,
    iam.service,
    scheduler.service,
    createStsService(),
    ecr,
    cloudmap,
    logs,
    ec2,
    secrets.service,
    secrets.ssmService,
    events.service,
    sns.service,
    sqs.service,
    sfn.service,
    pipes.service,
    cloudwatch.service,
  ]) {
    services.set(service.signingName, service);
  }
  return {
    services,
    world,
    ecs: ecs.controls,
    ecr: ecr.controls,
    logs: logs.controls,
    ec2: ec2.controls,
    cloudmap: cloudmap.controls,
    secrets: secrets.controls,
    scheduler: scheduler.controls,
    events: events.controls,
    sns: sns.controls,
    sqs: sqs.controls,
    pipes: pipes.controls,
    cloudwatch: cloudwatch.controls,
  };
}
