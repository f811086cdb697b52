import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import type { CloudMapControls } from "../services/cloudmap/index.js";
import type { CloudWatchControls } from "../services/cloudwatch/index.js";
import type { Ec2Controls } from "../services/ec2/index.js";
import type { EcrControls, ImageStore } from "../services/ecr/index.js";
import type { EcsControls } from "../services/ecs/index.js";
import type { EventsControls } from "../services/events/index.js";
import { createRegistry } from "../services/index.js";
import type { LogsControls } from "../services/logs/index.js";
import type { PipesControls } from "../services/pipes/index.js";
import type { SchedulerControls } from "../services/scheduler/index.js";
import type { SecretsControls } from "../services/secrets/index.js";
import type { SnsControls } from "../services/sns/index.js";
import type { SqsControls } from "../services/sqs/index.js";
import { type ClockOptions, createClock, type FakeClock } from "./clock.js";
import { handleControl } from "./control-api.js";
import {
  type CallRecord,
  Chaos,
  type FaultHandle,
  type FaultRule,
  type Latency,
  type ThrottleRule,
} from "./controls.js";
import type { EncodedResponse, IncomingCall } from "./protocols/codec.js";
import { codecs } from "./protocols/index.js";
import { createRandom, deriveSeed } from "./random.js";
import { internalError, throttlingError } from "./service-errors.js";
import { AwsError, type CallContext, type ServiceDefinition, type World } from "./types.js";

export const ACCOUNT_ID = "123456789012";

export interface FakeAwsOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** The region `clientConfig()` uses; requests may sign for any region. Default us-east-1. */
  region?: string;
  /** Delay before every answer; default none. */
  latency?: Latency;
  /** Seeds ids, fraction faults and random latency; default 1. */
  seed?: number;
  clock?: ClockOptions;
  /** Where ECR keeps images (e.g. one backed by a local Docker registry); default in memory. */
  imageStore?: ImageStore;
}

export interface FakeAwsSnapshot {
  now: string;
  services: Record<string, unknown>;
}

/** The in-process handle tests drive fake-aws with. */
export interface FakeAws {
  /** `http://127.0.0.1:PORT`: the `endpoint` for SDK clients, or `AWS_ENDPOINT_URL`. */
  readonly url: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** `{ endpoint, region, credentials }` for any `@aws-sdk/client-*` constructor. */
  clientConfig(region?: string): {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Every call received, in arrival order (live array). */
  readonly calls: readonly CallRecord[];
  clearCalls(): void;
  /** Calls to mutating operations, whatever their outcome; optionally of one service. */
  mutatingCalls(service?: string): CallRecord[];
  /** Calls to one service, optionally one operation. */
  callsTo(service: string, operation?: string): CallRecord[];
  /** `undefined` turns latency off. */
  setLatency(latency: Latency | undefined): void;
  /** Token bucket per operation (`"*"`: each operation of the service); returns a remover. */
  throttle(service: string, operation: string, rule: ThrottleRule): () => void;
  clearThrottles(): void;
  fault(rule: FaultRule): FaultHandle;
  clearFaults(): void;
  /** All state, calls, faults, throttles, latency and the clock back to the start. */
  reset(): void;
  snapshot(): FakeAwsSnapshot;
  readonly clock: FakeClock;
  /** ECS task life cycles: exit codes, phase durations, start failures. */
  readonly ecs: EcsControls;
  /** ECR: push images as `docker push` would. */
  readonly ecr: EcrControls;
  /** CloudWatch Logs: write and read what tasks printed. */
  readonly logs: LogsControls;
  /** EC2: the default VPC's ids, extra VPCs, subnets and security groups. */
  readonly ec2: Ec2Controls;
  readonly cloudmap: CloudMapControls;
  /** Secrets Manager secrets and SSM parameters that tasks read at start. */
  readonly secrets: SecretsControls;
  /** EventBridge Scheduler: fire a schedule's target as its time comes; the starts that failed. */
  readonly scheduler: SchedulerControls;
  /** EventBridge: failed deliveries, and waiting for HTTP deliveries to API destinations. */
  readonly events: EventsControls;
  /** SNS: what was published, and confirming email subscriptions. */
  readonly sns: SnsControls;
  /** SQS: what a queue holds. */
  readonly sqs: SqsControls;
  /** EventBridge Pipes: deliveries that failed, and draining the queues of RUNNING pipes now. */
  readonly pipes: PipesControls;
  /** CloudWatch: the data points a metric holds, and a dashboard's body. */
  readonly cloudwatch: CloudWatchControls;
  /** Cross-service existence checks, as services see them. */
  readonly world: World;
  close(): Promise<void>;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=[^/\s,]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;
/** Operations AWS serves under a host prefix; such a request may reach nothing else. */
const HOST_PREFIXED: Record<string, { service: string; operations: readonly string[] }> = {
  "data-": { service: "servicediscovery", operations: ["DiscoverInstances", "DiscoverInstancesRevision"] },
};

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const seed = options.seed ?? 1;
  const region = options.region ?? "us-east-1";
  const clock = createClock(options.clock);
  const registry = createRegistry({
    clock,
    seed,
    region,
    ...(options.imageStore !== undefined && { imageStore: options.imageStore }),
  });
  let chaos = new Chaos(createRandom(deriveSeed(seed, "chaos")), options.latency);
  let requestCounter = 0;
  const requestIdPrefix = createRandom(deriveSeed(seed, "request-ids")).hex(8);
  const nextRequestId = () => {
    requestCounter += 1;
    return `${requestIdPrefix}-0000-4000-8000-${requestCounter.toString(16).padStart(12, "0")}`;
  };

  const handle: FakeAws = {
    url: "",
    port: 0,
    region,
    accountId: ACCOUNT_ID,
    clientConfig: (r = region) => ({
      endpoint: handle.url,
      region: r,
      credentials: { accessKeyId: "AKIAFAKEFAKEFAKEFAKE", secretAccessKey: "fake-secret" },
    }),
    get calls() {
      return chaos.calls;
    },
    clearCalls: () => {
      chaos.calls.length = 0;
    },
    mutatingCalls: (service) =>
      chaos.calls.filter((c) => c.mutating && (service === undefined || c.service === service)),
    callsTo: (service, operation) =>
      chaos.calls.filter(
        (c) => c.service === service && (operation === undefined || c.operation === operation),
      ),
    setLatency: (latency) => chaos.setLatency(latency),
    throttle: (service, operation, rule) => chaos.throttle(service, operation, rule),
    clearThrottles: () => chaos.clearThrottles(),
    fault: (rule) => chaos.fault(rule),
    clearFaults: () => chaos.clearFaults(),
    reset: () => {
      chaos = new Chaos(createRandom(deriveSeed(seed, "chaos")), options.latency);
      clock.reset();
      for (const service of registry.services.values()) service.reset();
    },
    snapshot: () => {
      settleAll();
      return {
        now: clock.now().toISOString(),
        services: Object.fromEntries(
          [...registry.services].map(([name, service]) => [name, service.snapshot()]),
        ),
      };
    },
    clock,
    ecs: registry.ecs,
    ecr: registry.ecr,
    logs: registry.logs,
    ec2: registry.ec2,
    cloudmap: registry.cloudmap,
    secrets: registry.secrets,
    scheduler: registry.scheduler,
    events: registry.events,
    sns: registry.sns,
    sqs: registry.sqs,
    pipes: registry.pipes,
    cloudwatch: registry.cloudwatch,
    world: registry.world,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };

  /** Work that runs on its own (Step Functions executions) catches up with the clock first. */
  const settleAll = () => {
    for (const service of registry.services.values()) service.settle?.();
  };

  const context = (signedRegion: string): CallContext => ({
    region: signedRegion,
    accountId: ACCOUNT_ID,
    now: clock.now,
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    if (path.startsWith("/_fake/")) {
      // With its query string: routes such as /_fake/calls?service= read it.
      send(res, await handleControl(handle, req.method ?? "GET", url, body));
      return;
    }
    const requestId = nextRequestId();
    const auth = AUTHORIZATION.exec(req.headers.authorization ?? "");
    if (!auth) {
      send(
        res,
        bareError(
          403,
          "MissingAuthenticationTokenException",
          "Missing or malformed SigV4 Authorization header",
          requestId,
        ),
      );
      return;
    }
    const signedRegion = auth[1] as string;
    const service = registry.services.get(auth[2] as string);
    if (!service) {
      send(
        res,
        bareError(400, "UnrecognizedClientException", `fake-aws does not serve ${auth[2]}`, requestId),
      );
      return;
    }
    const codec = codecs[service.protocol];
    const call: IncomingCall = {
      method: req.method ?? "GET",
      path,
      query: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)),
      headers: req.headers,
      body,
    };
    let operation: string;
    let input: Record<string, unknown>;
    try {
      ({ operation, input } = codec.decode(service, call));
      checkHostPrefix(req.headers.host ?? "", service, operation);
    } catch (error) {
      send(res, codec.error(service, asAwsError(error, service), requestId));
      return;
    }

    const record: CallRecord = {
      service: service.signingName,
      operation,
      region: signedRegion,
      input,
      outcome: "ok",
      mutating: service.mutating.has(operation),
      at: clock.now(),
      requestId,
      arrived: chaos.nextEvent(),
    };
    chaos.record(record);
    // Fault and throttle decisions are made synchronously in arrival order, so a seeded run repeats.
    const fault = chaos.pickFault(service.signingName, operation);
    let failure: AwsError | undefined;
    if (fault === "throttle") failure = throttlingError(service.signingName);
    else if (fault === "500") failure = internalError(service.signingName);
    else if (fault !== "drop" && !chaos.admit(service.signingName, operation)) {
      failure = throttlingError(service.signingName);
    }
    await chaos.delay();
    if (fault === "drop") {
      record.outcome = "drop";
      req.socket.destroy();
      return;
    }

    let response: EncodedResponse;
    if (failure) {
      response = codec.error(service, failure, requestId);
      record.outcome = failure.code;
    } else {
      const handler = service.handlers[operation];
      try {
        settleAll();
        if (!handler) throw unknownOperation(service, operation);
        const output = await handler(input, context(signedRegion));
        response = codec.success(service, operation, output, requestId);
      } catch (error) {
        const awsError = asAwsError(error, service);
        record.outcome = awsError.code;
        response = codec.error(service, awsError, requestId);
      }
    }
    if (fault === "drop-after") {
      record.responseDropped = true;
      req.socket.destroy();
      return;
    }
    record.answered = chaos.nextEvent();
    send(res, response);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      // The SDK gzips large bodies of operations with AWS's requestCompression trait (PutMetricData).
      let body: string;
      try {
        body = (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
      } catch {
        send(
          res,
          bareError(
            400,
            "SerializationException",
            "The gzip request body cannot be decompressed",
            "fake-aws",
          ),
        );
        return;
      }
      dispatch(req, res, body).catch((error: unknown) => {
        send(res, bareError(500, "InternalFailure", `fake-aws failed: ${String(error)}`, "fake-aws"));
      });
    });
  });
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  Object.assign(handle, {
    port: address.port,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
  });
  return handle;
}

function send(res: ServerResponse, response: EncodedResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}

function bareError(status: number, code: string, message: string, requestId: string): EncodedResponse {
  return {
    status,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId, "x-amzn-errortype": code },
    body: JSON.stringify({ __type: code, message }),
  };
}

function checkHostPrefix(host: string, service: ServiceDefinition, operation: string): void {
  for (const [prefix, allowed] of Object.entries(HOST_PREFIXED)) {
    if (!host.startsWith(prefix)) continue;
    if (allowed.service !== service.signingName || !allowed.operations.includes(operation)) {
      throw new AwsError("UnknownOperationException", `${operation} is not served on a ${prefix} host`, 404);
    }
  }
}

function unknownOperation(service: ServiceDefinition, operation: string): AwsError {
  return service.protocol === "awsQuery" || service.protocol === "ec2Query"
    ? new AwsError("InvalidAction", `The action ${operation} is not valid for this web service.`)
    : new AwsError(
        "UnknownOperationException",
        `fake-aws does not implement ${service.signingName} ${operation}`,
      );
}

function asAwsError(error: unknown, service: ServiceDefinition): AwsError {
  if (error instanceof AwsError) return error;
  // A bug in the fake itself: answer as the service's internal error so it is visible, not hidden.
  return internalError(
    service.signingName,
    `fake-aws handler failed: ${error instanceof Error ? error.stack : String(error)}`,
  );
}
