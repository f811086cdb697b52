import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { type FakeAws, startFakeAws } from "fake-aws";
import {
  type AwsClients,
  awsServices,
  type ClientOptions,
  createClients,
  loadClients,
} from "../src/aws/clients.js";
import { type FlexjobConfig, parseConfig } from "../src/config/index.js";
import type { Deps } from "../src/deps.js";

export const REGION = "eu-west-1";

/** A fake-aws on a random port, and SDK deps whose real clients talk to it and whose sleep moves its clock. */
export async function startWorld(options: { latencyMs?: number } = {}): Promise<{
  aws: FakeAws;
  deps: Deps;
  logs: string[];
}> {
  const aws = await startFakeAws({
    region: REGION,
    clock: { start: "2026-12-01T10:00:00Z" },
    ...(options.latencyMs ? { latency: { fixedMs: options.latencyMs } } : {}),
  });
  // The secret shopConfig reads: tasks that cannot read it fail to start, as in ECS.
  aws.secrets.put("shop/db", { region: REGION, suffix: "AbCdEf" });
  const logs: string[] = [];
  const deps: Deps = {
    clients: await loadedClients({ region: REGION, endpoint: aws.url, maxAttempts: 3 }),
    logger: { info: (message) => logs.push(message), warn: (message) => logs.push(`warn: ${message}`) },
    sleep: async (ms) => {
      aws.clock.advance(ms);
    },
    now: () => aws.clock.now(),
  };
  return { aws, deps, logs };
}

/**
 * Clients with every service loaded, so a test can send its own commands through them; flexjob's
 * functions load what they call (the CLI's tests run them on clients that start with none loaded).
 */
export async function loadedClients(options: ClientOptions): Promise<AwsClients> {
  const clients = createClients(options);
  await loadClients(clients, ...awsServices);
  return clients;
}

/** A realistic app: one sharded job with env and secrets, one plain job. */
export function shopConfig(
  overrides: { report?: Record<string, unknown>; jobs?: Record<string, unknown> } = {},
): FlexjobConfig {
  return parseConfig({
    app: "shop",
    region: REGION,
    jobs: overrides.jobs ?? {
      report: {
        image: "public.ecr.aws/docker/library/busybox:1.37",
        command: ["sh", "-c", "echo report"],
        schedule: "every day at 03:30",
        timezone: "Europe/Berlin",
        tasks: 3,
        env: { LOG_LEVEL: "info" },
        secrets: { DB_URL: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/db-AbCdEf" },
        startRetry: { attempts: 5, maxAge: "2h" },
        ...overrides.report,
      },
      cleanup: {
        image: "public.ecr.aws/docker/library/alpine:3",
        command: "echo cleanup",
        schedule: "rate(1 hour)",
      },
    },
  });
}

/** Fires a schedule as Scheduler would at `scheduledTime`, for this execution id; returns what it started. */
export function fireSchedule(
  aws: FakeAws,
  schedule: { group: string; name: string },
  executionId: string,
  scheduledTime: string,
): { executionArn?: string; error?: unknown } {
  return aws.scheduler.fire({ ...schedule, at: scheduledTime, executionId });
}

/**
 * Moves the fake clock a minute at a time, making a call after each so that every timer on the way
 * (retries, timeouts, task stops) fires in order and its events are delivered.
 */
export async function waitMinutes(aws: FakeAws, deps: Deps, minutes: number): Promise<void> {
  for (let minute = 0; minute < minutes; minute++) {
    aws.clock.advance(60_000);
    await deps.clients.sts.send(new GetCallerIdentityCommand({}));
  }
}
