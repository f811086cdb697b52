import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { PipesClient } from "@aws-sdk/client-pipes";
import type { SchedulerClient } from "@aws-sdk/client-scheduler";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { ServiceDiscoveryClient } from "@aws-sdk/client-servicediscovery";
import type { SFNClient } from "@aws-sdk/client-sfn";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { STSClient } from "@aws-sdk/client-sts";
import { FlexjobError } from "../errors.js";

/** The bare v3 clients flexjob uses, one per service. Tests swap in mocks or point them at fake-aws. */
export interface AwsClients {
  region: string;
  ecs: ECSClient;
  ecr: ECRClient;
  scheduler: SchedulerClient;
  iam: IAMClient;
  sts: STSClient;
  logs: CloudWatchLogsClient;
  cloudwatch: CloudWatchClient;
  ec2: EC2Client;
  events: EventBridgeClient;
  servicediscovery: ServiceDiscoveryClient;
  sfn: SFNClient;
  sqs: SQSClient;
  sns: SNSClient;
  pipes: PipesClient;
  secretsmanager: SecretsManagerClient;
  ssm: SSMClient;
}

/**
 * The one client the Cloud Map adapters use. `AwsClients` satisfies it once it carries a
 * `servicediscovery` client; until then, or in a script, pass `{ servicediscovery: new ServiceDiscoveryClient(…) }`.
 */
export interface DiscoveryClients {
  servicediscovery: ServiceDiscoveryClient;
}

export interface ClientOptions {
  region: string;
  /** Overrides AWS_ENDPOINT_URL for every client (the SDK honours the variables on its own). */
  endpoint?: string;
  /** The SDK's own retry budget per call, default 3 (standard mode, with backoff on throttles). */
  maxAttempts?: number;
}

/**
 * Each service's SDK module, imported on first use: a command loads only the clients it calls, an
 * offline command none, and the Action's bundle splits each service into its own chunk.
 */
const sdkModules = {
  cloudwatch: () => import("./sdk/cloudwatch.js"),
  ec2: () => import("./sdk/ec2.js"),
  ecr: () => import("./sdk/ecr.js"),
  ecs: () => import("./sdk/ecs.js"),
  events: () => import("./sdk/events.js"),
  iam: () => import("./sdk/iam.js"),
  logs: () => import("./sdk/logs.js"),
  pipes: () => import("./sdk/pipes.js"),
  scheduler: () => import("./sdk/scheduler.js"),
  secretsmanager: () => import("./sdk/secretsmanager.js"),
  servicediscovery: () => import("./sdk/servicediscovery.js"),
  sfn: () => import("./sdk/sfn.js"),
  sns: () => import("./sdk/sns.js"),
  sqs: () => import("./sdk/sqs.js"),
  ssm: () => import("./sdk/ssm.js"),
  sts: () => import("./sdk/sts.js"),
} satisfies { [S in AwsService]: () => Promise<unknown> };

/** Every service flexjob calls, for a test or script that wants all of them loaded. */
export const awsServices = Object.keys(sdkModules) as AwsService[];

/** A service flexjob calls: a key of {@link AwsClients}. */
export type AwsService = Exclude<keyof AwsClients, "region">;

/** What flexjob uses of a service's SDK: its client class, commands and paginators. */
export type SdkOf<S extends AwsService> = Awaited<ReturnType<(typeof sdkModules)[S]>>;

/** Called by {@link loadSdk} for the clients {@link createClients} made, so their getters can build `service`'s client. */
const onLoaded = new WeakMap<
  Partial<AwsClients>,
  <S extends AwsService>(service: S, sdk: SdkOf<S>) => void
>();

/**
 * A service's commands, loaded on first use, and `clients[service]` usable from then on. Every
 * call flexjob sends starts here: no module imports an AWS client at its top.
 * @example
 * const { DescribeClustersCommand } = await loadSdk(clients, "ecs");
 * await clients.ecs.send(new DescribeClustersCommand({ clusters: ["flexjob-billing"] }));
 */
export async function loadSdk<S extends AwsService>(
  clients: Partial<AwsClients>,
  service: S,
): Promise<SdkOf<S>> {
  // A script in plain JavaScript can name any string; TypeScript callers cannot.
  if (!Object.hasOwn(sdkModules, service)) throw unknownService(service);
  const sdk = (await sdkModules[service]()) as SdkOf<S>;
  onLoaded.get(clients)?.(service, sdk);
  return sdk;
}

/**
 * Loads the named services' clients, for a script that sends its own commands through clients
 * {@link createClients} made (flexjob's own functions load what they call).
 * @example
 * const clients = createClients({ region: "eu-west-1" });
 * await loadClients(clients, "ecs");
 * await clients.ecs.send(new ListClustersCommand({}));
 */
export async function loadClients(clients: AwsClients, ...services: AwsService[]): Promise<void> {
  await Promise.all(services.map((service) => loadSdk(clients, service)));
}

/**
 * Builds each client on first use, so a command that only reads schedules never constructs the
 * ECR or EC2 client, and nothing happens at import time. A client is built from its service's SDK
 * module, which flexjob's functions load as they need it; a script reading a client directly
 * loads it first with {@link loadClients}.
 * @example
 * const clients = createClients({ region: "eu-west-1" });
 * await deploy(config, {}, { clients, logger: console, sleep: realSleep, now: () => new Date() });
 */
export function createClients(options: ClientOptions): AwsClients {
  const config = {
    region: options.region,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  };
  return lazyClients(options.region, {
    cloudwatch: (sdk) => new sdk.CloudWatchClient(config),
    ec2: (sdk) => new sdk.EC2Client(config),
    ecr: (sdk) => new sdk.ECRClient(config),
    ecs: (sdk) => new sdk.ECSClient(config),
    events: (sdk) => new sdk.EventBridgeClient(config),
    iam: (sdk) => new sdk.IAMClient(config),
    logs: (sdk) => new sdk.CloudWatchLogsClient(config),
    pipes: (sdk) => new sdk.PipesClient(config),
    scheduler: (sdk) => new sdk.SchedulerClient(config),
    secretsmanager: (sdk) => new sdk.SecretsManagerClient(config),
    servicediscovery: (sdk) => {
      // DiscoverInstances is served under a `data-` host prefix, which a custom endpoint lacks.
      const custom =
        options.endpoint ?? process.env.AWS_ENDPOINT_URL_SERVICEDISCOVERY ?? process.env.AWS_ENDPOINT_URL;
      return new sdk.ServiceDiscoveryClient({ ...config, ...(custom ? { disableHostPrefix: true } : {}) });
    },
    sfn: (sdk) => new sdk.SFNClient(config),
    sns: (sdk) => new sdk.SNSClient(config),
    // A queue URL names its host; the client's own endpoint (region, or AWS_ENDPOINT_URL) is the one to use.
    sqs: (sdk) => new sdk.SQSClient({ ...config, useQueueUrlAsEndpoint: false }),
    ssm: (sdk) => new sdk.SSMClient(config),
    sts: (sdk) => new sdk.STSClient(config),
  });
}

type ClientMakers = { [S in AwsService]: (sdk: SdkOf<S>) => AwsClients[S] };

/**
 * Each client a getter that builds it on first read, from its SDK module once loaded, and keeps
 * it: one construction at most.
 */
function lazyClients(region: string, makers: ClientMakers): AwsClients {
  const clients = { region } as AwsClients;
  const loaded = new Map<AwsService, unknown>();
  const built = new Map<AwsService, unknown>();
  for (const service of Object.keys(makers) as AwsService[]) {
    Object.defineProperty(clients, service, {
      enumerable: true,
      get: () => {
        if (!built.has(service)) {
          if (!loaded.has(service)) throw notLoaded(service);
          const make = makers[service] as (sdk: unknown) => unknown;
          built.set(service, make(loaded.get(service)));
        }
        return built.get(service);
      },
    });
  }
  onLoaded.set(clients, (service, sdk) => {
    loaded.set(service, sdk);
  });
  return clients;
}

function unknownService(service: string): FlexjobError {
  return new FlexjobError(`${JSON.stringify(service)} is not an AWS service flexjob loads`, {
    code: "INPUT_INVALID",
    fault: "user",
    remedy: `name one of ${awsServices.join(", ")}`,
  });
}

function notLoaded(service: AwsService): FlexjobError {
  return new FlexjobError(`the ${service} client was read before its SDK module was loaded`, {
    code: "INPUT_INVALID",
    fault: "user",
    remedy: `await loadClients(clients, "${service}") before reading clients.${service}; flexjob's own functions load what they call`,
  });
}
