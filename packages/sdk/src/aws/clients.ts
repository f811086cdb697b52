import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { IAMClient } from "@aws-sdk/client-iam";
import { PipesClient } from "@aws-sdk/client-pipes";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ServiceDiscoveryClient } from "@aws-sdk/client-servicediscovery";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";

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
 * Builds each client on first use, so a command that only reads schedules never constructs the
 * ECR or EC2 client, and nothing happens at import time.
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
    ecs: () => new ECSClient(config),
    ecr: () => new ECRClient(config),
    scheduler: () => new SchedulerClient(config),
    iam: () => new IAMClient(config),
    sts: () => new STSClient(config),
    logs: () => new CloudWatchLogsClient(config),
    cloudwatch: () => new CloudWatchClient(config),
    ec2: () => new EC2Client(config),
    events: () => new EventBridgeClient(config),
    sfn: () => new SFNClient(config),
    // A queue URL names its host; the client's own endpoint (region, or AWS_ENDPOINT_URL) is the one to use.
    sqs: () => new SQSClient({ ...config, useQueueUrlAsEndpoint: false }),
    sns: () => new SNSClient(config),
    pipes: () => new PipesClient(config),
    secretsmanager: () => new SecretsManagerClient(config),
    ssm: () => new SSMClient(config),
    servicediscovery: () => {
      // DiscoverInstances is served under a `data-` host prefix, which a custom endpoint lacks.
      const custom =
        options.endpoint ?? process.env.AWS_ENDPOINT_URL_SERVICEDISCOVERY ?? process.env.AWS_ENDPOINT_URL;
      return new ServiceDiscoveryClient({ ...config, ...(custom ? { disableHostPrefix: true } : {}) });
    },
  });
}

type ClientMakers = { [K in Exclude<keyof AwsClients, "region">]: () => AwsClients[K] };

/** Each client a getter that builds it on first read and keeps it: one construction at most. */
function lazyClients(region: string, makers: ClientMakers): AwsClients {
  const clients = { region } as AwsClients;
  for (const [service, make] of Object.entries(makers)) {
    let client: unknown;
    Object.defineProperty(clients, service, { enumerable: true, get: () => (client ??= make()) });
  }
  return clients;
}
