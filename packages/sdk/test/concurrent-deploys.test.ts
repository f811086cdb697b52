import { DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand } from "@aws-sdk/client-ecs";
import { GetRolePolicyCommand } from "@aws-sdk/client-iam";
import { GetScheduleCommand, ListSchedulesCommand } from "@aws-sdk/client-scheduler";
import type { FakeAws } from "fake-aws";
import { afterEach, describe, expect, it } from "vitest";
import type { AwsClients } from "../src/aws/clients.js";
import { type FlexjobConfig, parseConfig } from "../src/config/index.js";
import { deploy } from "../src/deploy/deploy.js";
import type { Deps } from "../src/deps.js";
import { loadedClients, REGION, shopConfig, startWorld } from "./harness.js";

const ACCOUNT = "123456789012";
const CLUSTER = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/shop`;
const SCHEDULER_ROLE = "shop-flexjob-scheduler";
const EXECUTION_ROLE = "shop-flexjob-execution";

let aws: FakeAws | undefined;
afterEach(() => aws?.close());

/** Config A (jobs a1, a2) and config B (b1, b2) of the same app, each job with its own secret. */
function appConfig(jobs: string[]): FlexjobConfig {
  return parseConfig({
    app: "shop",
    region: REGION,
    jobs: Object.fromEntries(
      jobs.map((job) => [
        job,
        {
          image: "public.ecr.aws/docker/library/busybox:1.37",
          command: ["sh", "-c", `echo ${job}`],
          schedule: "rate(1 hour)",
          secrets: { TOKEN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:shop/${job}-AbCdEf` },
        },
      ]),
    ),
  });
}

/**
 * Deterministic interleavings: every AWS call of the deploys under test waits here, and only one
 * runs at a time. When nothing is running and the deploys have issued all they will issue, a
 * seeded PRNG picks which waiting call goes next, so one seed is one exact interleaving.
 */
class Interleaver {
  private waiting: (() => void)[] = [];
  private running = false;
  private picking = false;
  private state: number;

  constructor(seed: number) {
    this.state = seed;
  }

  /** Gives a deploy its own clients, each call gated by this interleaver. */
  async clients(endpoint: string): Promise<AwsClients> {
    const clients = await loadedClients({ region: REGION, endpoint, maxAttempts: 3 });
    const gate =
      <Args, Result>(next: (args: Args) => Promise<Result>) =>
      async (args: Args): Promise<Result> => {
        await new Promise<void>((resolve) => {
          this.waiting.push(resolve);
          this.pick();
        });
        try {
          return await next(args);
        } finally {
          this.running = false;
          this.pick();
        }
      };
    const at = { step: "initialize", priority: "high", name: "interleave" } as const;
    clients.ecs.middlewareStack.add(gate, at);
    clients.scheduler.middlewareStack.add(gate, at);
    clients.iam.middlewareStack.add(gate, at);
    clients.sts.middlewareStack.add(gate, at);
    clients.ec2.middlewareStack.add(gate, at);
    clients.logs.middlewareStack.add(gate, at);
    return clients;
  }

  private pick(): void {
    if (this.picking || this.running) return;
    this.picking = true;
    // A few macrotask turns let every deploy reach its next call before the choice is made.
    settle(5).then(() => {
      this.picking = false;
      if (this.running || this.waiting.length === 0) return;
      const [go] = this.waiting.splice(Math.floor(this.random() * this.waiting.length), 1);
      this.running = true;
      go?.();
    });
  }

  /** mulberry32: small, seedable, the same sequence everywhere. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

async function settle(turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
}

function depsWith(clients: AwsClients, world: Deps): Deps {
  return { ...world, clients };
}

// --- a small IAM evaluator: Allow statements, `*`/`?` wildcards, StringEquals/StringLike/ArnLike ---

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function allows(
  document: { Statement: Statement[] },
  action: string,
  resource: string,
  context: Record<string, string>,
) {
  return document.Statement.some(
    (statement) =>
      statement.Effect === "Allow" &&
      listOf(statement.Action).some((pattern) => wildcard(pattern, action, true)) &&
      listOf(statement.Resource).some((pattern) => wildcard(pattern, resource)) &&
      Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
        Object.entries(keys).every(([key, expected]) => {
          const actual = context[key];
          if (actual === undefined) return false;
          return listOf(expected).some((value) =>
            operator === "StringEquals" ? value === actual : wildcard(value, actual),
          );
        }),
      ),
  );
}

async function rolePolicy(clients: AwsClients, role: string, name: string) {
  const { PolicyDocument } = await clients.iam.send(
    new GetRolePolicyCommand({ RoleName: role, PolicyName: name }),
  );
  return JSON.parse(decodeURIComponent(PolicyDocument ?? "{}")) as { Statement: Statement[] };
}

/**
 * What makes a schedule start its task: the scheduler role may run the exact revision it targets
 * on the app's cluster and pass that revision's roles, and the execution role may read its secrets.
 * Returns every gap, so a failure names the job that would never start.
 */
async function gapsOf(clients: AwsClients): Promise<string[]> {
  const scheduler = await rolePolicy(clients, SCHEDULER_ROLE, "flexjob-scheduler");
  const execution = await rolePolicy(clients, EXECUTION_ROLE, "flexjob-execution");
  const { Schedules = [] } = await clients.scheduler.send(
    new ListSchedulesCommand({ GroupName: "flexjob-shop" }),
  );
  const gaps: string[] = [];
  for (const { Name } of Schedules) {
    const schedule = await clients.scheduler.send(
      new GetScheduleCommand({ GroupName: "flexjob-shop", Name }),
    );
    const arn = schedule.Target?.EcsParameters?.TaskDefinitionArn ?? "";
    if (!allows(scheduler, "ecs:RunTask", arn, { "ecs:cluster": CLUSTER }))
      gaps.push(`${Name}: ecs:RunTask ${arn}`);
    const { taskDefinition } = await clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn }),
    );
    if (taskDefinition?.status !== "ACTIVE") gaps.push(`${Name}: ${arn} is ${taskDefinition?.status}`);
    const passed = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };
    for (const role of [taskDefinition?.executionRoleArn, taskDefinition?.taskRoleArn]) {
      if (role !== undefined && !allows(scheduler, "iam:PassRole", role, passed))
        gaps.push(`${Name}: pass ${role}`);
    }
    for (const secret of taskDefinition?.containerDefinitions?.[0]?.secrets ?? []) {
      const valueFrom = secret.valueFrom ?? "";
      if (!allows(execution, "secretsmanager:GetSecretValue", valueFrom, {}))
        gaps.push(`${Name}: read ${valueFrom}`);
    }
  }
  return gaps.sort();
}

/** Content hash → how many ACTIVE revisions of `family` carry it. */
async function activeByHash(clients: AwsClients, family: string): Promise<Record<string, number>> {
  const { taskDefinitionArns = [] } = await clients.ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: family, status: "ACTIVE" }),
  );
  const counts: Record<string, number> = {};
  for (const arn of taskDefinitionArns) {
    const { tags = [] } = await clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] }),
    );
    const hash = tags.find((tag) => tag.key === "flexjob:spec-hash")?.value ?? "(none)";
    counts[hash] = (counts[hash] ?? 0) + 1;
  }
  return counts;
}

const SEEDS = Array.from({ length: 16 }, (_, index) => index + 1);

describe("two concurrent deploys of different configs of one app", () => {
  it.each(SEEDS)("leave every live schedule runnable by the roles (interleaving %i)", async (seed) => {
    const world = await startWorld();
    aws = world.aws;
    const interleaver = new Interleaver(seed);
    const results = await Promise.allSettled([
      deploy(appConfig(["a1", "a2"]), {}, depsWith(await interleaver.clients(world.aws.url), world.deps)),
      deploy(appConfig(["b1", "b2"]), {}, depsWith(await interleaver.clients(world.aws.url), world.deps)),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled"]);
    const { Schedules = [] } = await world.deps.clients.scheduler.send(
      new ListSchedulesCommand({ GroupName: "flexjob-shop" }),
    );
    expect(Schedules.map((schedule) => schedule.Name).sort()).toEqual([
      "shop-a1",
      "shop-a2",
      "shop-b1",
      "shop-b2",
    ]);
    expect(await gapsOf(world.deps.clients)).toEqual([]);
  });

  it("under fake-aws's random latency, too, every live schedule stays runnable", async () => {
    const world = await startWorld();
    aws = world.aws;
    for (const seed of [1, 2, 3]) {
      world.aws.reset();
      world.aws.setLatency({ minMs: 0, maxMs: 4 + seed });
      await Promise.all([
        deploy(appConfig(["a1", "a2"]), {}, world.deps),
        deploy(appConfig(["b1", "b2"]), {}, world.deps),
      ]);
      expect(await gapsOf(world.deps.clients)).toEqual([]);
    }
  });

  it("a second deploy with nothing changed still sends no mutating call", async () => {
    const world = await startWorld();
    aws = world.aws;
    await deploy(appConfig(["a1", "a2"]), {}, world.deps);
    world.aws.clearCalls();
    const again = await deploy(appConfig(["a1", "a2"]), {}, world.deps);
    expect(again.changed).toBe(false);
    expect(world.aws.mutatingCalls()).toEqual([]);
  });
});

describe("registering a task definition", () => {
  it("adopts the revision a lost response registered instead of registering a duplicate", async () => {
    const world = await startWorld();
    aws = world.aws;
    const fault = world.aws.fault({
      service: "ecs",
      operation: "RegisterTaskDefinition",
      kind: "drop-after",
      nth: 1,
    });
    await deploy(shopConfig(), {}, world.deps);
    expect(fault.triggered).toBe(1);
    expect(world.aws.calls.filter((call) => call.operation === "RegisterTaskDefinition")).toHaveLength(2);
    const counts = [
      ...Object.values(await activeByHash(world.deps.clients, "shop-report")),
      ...Object.values(await activeByHash(world.deps.clients, "shop-cleanup")),
    ];
    expect(counts).toEqual([1, 1]);
    expect(await gapsOf(world.deps.clients)).toEqual([]);
  });

  it.each(SEEDS.slice(0, 8))(
    "by two concurrent deploys of the same config leaves one ACTIVE revision per content (interleaving %i)",
    async (seed) => {
      const world = await startWorld();
      aws = world.aws;
      const interleaver = new Interleaver(seed);
      const results = await Promise.allSettled([
        deploy(shopConfig(), {}, depsWith(await interleaver.clients(world.aws.url), world.deps)),
        deploy(shopConfig(), {}, depsWith(await interleaver.clients(world.aws.url), world.deps)),
      ]);
      expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled"]);
      for (const family of ["shop-report", "shop-cleanup"]) {
        expect(Object.values(await activeByHash(world.deps.clients, family))).toEqual([1]);
      }
      expect(await gapsOf(world.deps.clients)).toEqual([]);
      world.aws.clearCalls();
      await deploy(shopConfig(), {}, world.deps);
      expect(world.aws.mutatingCalls()).toEqual([]);
    },
  );
});
