import type { FireRequest } from "../services/scheduler/index.js";
import type { FaultKind, Latency } from "./controls.js";
import type { EncodedResponse } from "./protocols/codec.js";
import { Reader } from "./readers.js";
import type { FakeAws } from "./server.js";
import { AwsError } from "./types.js";

/**
 * The test controls over HTTP (`/_fake/…`, JSON in and out), for when fake-aws runs as its own
 * process (`pnpm --filter fake-aws start`) and the test cannot hold the in-process handle.
 *
 *   GET    /_fake/health                       → { ok, url }
 *   GET    /_fake/calls[?service=&mutating=1]  → { calls }
 *   DELETE /_fake/calls
 *   POST   /_fake/reset
 *   GET    /_fake/snapshot
 *   PUT    /_fake/latency      { fixedMs } | { minMs, maxMs } | { quietMs } | {} (off)
 *   POST   /_fake/throttle     { service, operation, ratePerSecond, burst }
 *   DELETE /_fake/throttle
 *   POST   /_fake/fault        { service, operation, kind, nth?, fraction?, times? }
 *   DELETE /_fake/fault
 *   GET    /_fake/clock        → { now }
 *   POST   /_fake/clock        { advanceMs } | { set: ISO 8601 }
 *   POST   /_fake/ecs/exit-code      { target: family | task ARN | task id, exitCode }
 *   POST   /_fake/ecs/phases         { provisioningMs?, pendingMs?, runningMs?, stoppingMs?, family? }
 *   POST   /_fake/ecs/start-failure  { family, reason? }
 *   POST   /_fake/ecs/hang           { family }                 the family's next task runs until stopped
 *   POST   /_fake/ecs/spot-interruption { family, afterMs? }    Spot reclaims the family's next task
 *   POST   /_fake/ecs/exit-codes     { family, exitCodes: [1, 0] }  its next tasks' exit codes, in order
 *   POST   /_fake/ecs/stop-task      { task, reason? }          a person stops the task (UserInitiated)
 *   POST   /_fake/scheduler/fire     { name, group?, at?, executionId?, region?, targetError? } → the invocation
 *   GET    /_fake/scheduler/failures → { failures }
 *   GET    /_fake/events/failures → { failures }               EventBridge deliveries that failed
 *   POST   /_fake/events/settle                                 waits for HTTP deliveries under way
 *   GET    /_fake/sns/published  → { published }
 *   POST   /_fake/sns/confirm    { topicArn, endpoint }         the recipient confirms the subscription
 *   GET    /_fake/sqs/messages?queue=NAME[&region=] → { messages }  bodies, without receiving them
 *   GET    /_fake/pipes/failures → { failures }                pipe deliveries that did not happen
 *   POST   /_fake/pipes/drain                                   RUNNING pipes deliver what their queues hold
 *   GET    /_fake/cloudwatch/metric-data?namespace=&name=[&dimensions={"k":"v"}&region=] → { points }
 *   GET    /_fake/cloudwatch/dashboard?name=[&region=] → { body }  the parsed body; null when none
 */

const FAULT_KINDS: readonly FaultKind[] = ["500", "throttle", "drop", "drop-after"];
const badRequest = (message: string) => new AwsError("InvalidControlRequest", message);

export async function handleControl(
  aws: FakeAws,
  method: string,
  path: string,
  body: string,
): Promise<EncodedResponse> {
  const [route, query = ""] = path.split("?") as [string, string?];
  try {
    const input = parseBody(body);
    const out = await run(
      aws,
      `${method} ${route}`,
      Reader.of(input, badRequest),
      new URLSearchParams(query),
    );
    return json(200, out ?? { ok: true });
  } catch (error) {
    if (error instanceof AwsError)
      return json(error.code === "NotFound" ? 404 : 400, { error: error.code, message: error.message });
    return json(400, {
      error: "InvalidControlRequest",
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

function run(aws: FakeAws, route: string, input: Reader, query: URLSearchParams): unknown {
  switch (route) {
    case "GET /_fake/health":
      return { ok: true, url: aws.url };
    case "GET /_fake/calls": {
      const service = query.get("service");
      const mutating = query.get("mutating") === "1" || query.get("mutating") === "true";
      return {
        calls: aws.calls.filter(
          (c) => (service === null || c.service === service) && (!mutating || c.mutating),
        ),
      };
    }
    case "DELETE /_fake/calls":
      aws.clearCalls();
      return undefined;
    case "POST /_fake/reset":
      aws.reset();
      return undefined;
    case "GET /_fake/snapshot":
      return aws.snapshot();
    case "PUT /_fake/latency":
      aws.setLatency(readLatency(input));
      return undefined;
    case "POST /_fake/throttle":
      aws.throttle(
        input.string("service", { required: true }),
        input.string("operation", { required: true }),
        {
          ratePerSecond: input.int("ratePerSecond", { required: true, min: 0 }),
          burst: input.int("burst", { required: true, min: 1 }),
        },
      );
      return undefined;
    case "DELETE /_fake/throttle":
      aws.clearThrottles();
      return undefined;
    case "POST /_fake/fault": {
      const nth = input.int("nth", { min: 1 });
      const times = input.int("times", { min: 1 });
      const fraction = input.raw("fraction");
      if (fraction !== undefined && typeof fraction !== "number")
        throw badRequest("fraction must be a number");
      aws.fault({
        service: input.string("service", { required: true }),
        operation: input.string("operation", { required: true }),
        kind: input.string("kind", { required: true, oneOf: FAULT_KINDS }) as FaultKind,
        ...(nth !== undefined && { nth }),
        ...(times !== undefined && { times }),
        ...(fraction !== undefined && { fraction }),
      });
      return undefined;
    }
    case "DELETE /_fake/fault":
      aws.clearFaults();
      return undefined;
    case "GET /_fake/clock":
      return { now: aws.clock.now().toISOString() };
    case "POST /_fake/clock": {
      const advanceMs = input.int("advanceMs");
      const set = input.string("set");
      const now =
        advanceMs !== undefined
          ? aws.clock.advance(advanceMs)
          : set !== undefined
            ? aws.clock.set(set)
            : undefined;
      if (now === undefined) throw badRequest("give advanceMs or set");
      return { now: now.toISOString() };
    }
    case "POST /_fake/ecs/exit-code":
      aws.ecs.setExitCode(
        input.string("target", { required: true }),
        input.int("exitCode", { required: true }),
      );
      return undefined;
    case "POST /_fake/ecs/phases": {
      const phases: Record<string, number> = {};
      for (const name of ["provisioningMs", "pendingMs", "runningMs", "stoppingMs"]) {
        const value = input.int(name, { min: 0 });
        if (value !== undefined) phases[name] = value;
      }
      aws.ecs.setPhases(phases, input.string("family"));
      return undefined;
    }
    case "POST /_fake/ecs/start-failure":
      aws.ecs.setStartFailure(input.string("family", { required: true }), input.string("reason"));
      return undefined;
    case "POST /_fake/ecs/hang":
      aws.ecs.hangNext(input.string("family", { required: true }));
      return undefined;
    case "POST /_fake/ecs/spot-interruption":
      aws.ecs.interruptNext(input.string("family", { required: true }), input.int("afterMs", { min: 0 }));
      return undefined;
    case "POST /_fake/ecs/exit-codes":
      aws.ecs.setExitCodes(input.string("family", { required: true }), readExitCodes(input));
      return undefined;
    case "POST /_fake/ecs/stop-task":
      aws.ecs.stopTask(input.string("task", { required: true }), input.string("reason"));
      return undefined;
    case "POST /_fake/scheduler/fire":
      return aws.scheduler.fire(readFire(input));
    case "GET /_fake/scheduler/failures":
      return { failures: aws.scheduler.failures() };
    case "GET /_fake/events/failures":
      return { failures: aws.events.failures() };
    case "POST /_fake/events/settle":
      return aws.events.settle().then(() => undefined);
    case "GET /_fake/sns/published":
      return { published: aws.sns.published() };
    case "POST /_fake/sns/confirm":
      aws.sns.confirmSubscription(
        input.string("topicArn", { required: true }),
        input.string("endpoint", { required: true }),
      );
      return undefined;
    case "GET /_fake/sqs/messages":
      return {
        messages: aws.sqs.messages(query.get("queue") ?? "", { region: query.get("region") ?? aws.region }),
      };
    case "GET /_fake/pipes/failures":
      return { failures: aws.pipes.failures() };
    case "POST /_fake/pipes/drain":
      aws.pipes.drain();
      return undefined;
    case "GET /_fake/cloudwatch/metric-data":
      return {
        points: aws.cloudwatch.metricData(
          query.get("namespace") ?? "",
          query.get("name") ?? "",
          readDimensions(query.get("dimensions")),
          { region: query.get("region") ?? aws.region },
        ),
      };
    case "GET /_fake/cloudwatch/dashboard":
      return {
        body:
          aws.cloudwatch.dashboard(query.get("name") ?? "", { region: query.get("region") ?? aws.region }) ??
          null,
      };
    default:
      throw new AwsError("NotFound", `no control route ${route}`);
  }
}

/** A metric's dimensions as a JSON object of names to values; none when absent. */
function readDimensions(text: string | null): Record<string, string> {
  if (text === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest("dimensions must be a JSON object of names to values");
  }
  const entries = typeof parsed === "object" && parsed !== null ? Object.entries(parsed) : undefined;
  if (entries === undefined || Array.isArray(parsed) || entries.some(([, v]) => typeof v !== "string")) {
    throw badRequest("dimensions must be a JSON object of names to values");
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** JSON numbers only: `Number` would make `true`, `null` or `"1"` an exit code. */
function readExitCodes(input: Reader): number[] {
  return input.list("exitCodes", { required: true }).map((code, index) => {
    if (typeof code !== "number") throw badRequest(`Value at 'exitCodes.${index + 1}' must be a number`);
    return code;
  });
}

function readFire(input: Reader): FireRequest {
  const group = input.string("group");
  const at = input.date("at");
  const executionId = input.string("executionId");
  const region = input.string("region");
  const targetError = input.string("targetError", { oneOf: ["throttle", "internal"] }) as
    | FireRequest["targetError"]
    | undefined;
  return {
    name: input.string("name", { required: true }),
    ...(group !== undefined && { group }),
    ...(at !== undefined && { at }),
    ...(executionId !== undefined && { executionId }),
    ...(region !== undefined && { region }),
    ...(targetError !== undefined && { targetError }),
  };
}

function readLatency(input: Reader): Latency | undefined {
  const fixedMs = input.int("fixedMs", { min: 0 });
  if (fixedMs !== undefined) return { fixedMs };
  const quietMs = input.int("quietMs", { min: 0 });
  if (quietMs !== undefined) return { quietMs };
  const minMs = input.int("minMs", { min: 0 });
  const maxMs = input.int("maxMs", { min: 0 });
  if (minMs === undefined && maxMs === undefined) return undefined;
  if (minMs === undefined || maxMs === undefined) throw badRequest("give both minMs and maxMs");
  return { minMs, maxMs };
}

function parseBody(body: string): unknown {
  if (body.trim() === "") return {};
  try {
    return JSON.parse(body);
  } catch {
    throw badRequest("the body must be JSON");
  }
}

function json(status: number, value: unknown): EncodedResponse {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}
