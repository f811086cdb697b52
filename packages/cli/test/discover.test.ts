import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AwsClients, createClients } from "@flexjob/sdk";
import { type FakeAws, startFakeAws } from "fake-aws";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const REGION = "eu-west-1";

let aws: FakeAws;
let dir: string;

/** Runs `flexjob discover …` in-process through main(), against fake-aws. */
function discover(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string>; clients?: (region: string) => AwsClients } = {},
): ReturnType<typeof runCli> {
  return runCli(["discover", ...argv], {
    cwd: options.cwd ?? dir,
    env: options.env ?? {},
    now: () => aws.clock.now(),
    sleep: async (ms) => {
      aws.clock.advance(ms);
    },
    clients: options.clients ?? ((region) => createClients({ region, endpoint: aws.url })),
  });
}

beforeAll(async () => {
  aws = await startFakeAws({ region: REGION, clock: { start: "2026-12-05T00:00:00Z" } });
});
afterAll(() => aws.close());
beforeEach(async () => {
  aws.reset();
  dir = await mkdtemp(join(tmpdir(), "flexjob-cli-discover-"));
  aws.cloudmap.registerInstances({ namespace: "shop.internal", service: "api", region: REGION }, [
    {
      id: "api-2",
      attributes: { AWS_INSTANCE_IPV4: "10.0.1.24", AWS_INSTANCE_PORT: "8080" },
      health: "UNHEALTHY",
    },
    {
      id: "api-1",
      attributes: { AWS_INSTANCE_IPV4: "10.0.1.23", AWS_INSTANCE_PORT: "8080", stage: "blue", weight: "3" },
    },
  ]);
});

describe("flexjob discover", () => {
  it("lists the instances of a service in the namespace flexjob.yml names", async () => {
    await writeFile(
      join(dir, "flexjob.yml"),
      "app: shop\nregion: eu-west-1\ndiscovery:\n  namespace: shop.internal\njobs:\n  report:\n    image: busybox\n    schedule: every day at 03:30\n",
    );
    const result = await discover(["api"]);
    expect(result).toEqual({
      code: 0,
      stdout:
        "api.shop.internal: 1 instance (health filter HEALTHY_OR_ELSE_ALL)\n" +
        "  api-1  10.0.1.23:8080  HEALTHY  stage=blue weight=3\n",
      stderr: "",
    });
  });

  it("defaults to <app>.internal and filters by --health", async () => {
    await writeFile(
      join(dir, "flexjob.yml"),
      "app: shop\nregion: eu-west-1\njobs:\n  report:\n    image: busybox\n    schedule: every day at 03:30\n",
    );
    const all = await discover(["api", "--health", "ALL"]);
    expect(all.stdout).toBe(
      "api.shop.internal: 2 instances (health filter ALL)\n" +
        "  api-1  10.0.1.23:8080  HEALTHY    stage=blue weight=3\n" +
        "  api-2  10.0.1.24:8080  UNHEALTHY\n",
    );
    const unhealthy = await discover(["api", "--health", "UNHEALTHY"]);
    expect(unhealthy.stdout).toContain("  api-2  10.0.1.24:8080  UNHEALTHY");
  });

  it("prints JSON with --json", async () => {
    const result = await discover(["api", "--namespace", "shop.internal", "--json"], {
      env: { AWS_REGION: REGION },
    });
    expect(JSON.parse(result.stdout)).toEqual({
      namespace: "shop.internal",
      service: "api",
      healthStatus: "HEALTHY_OR_ELSE_ALL",
      instances: [
        {
          id: "api-1",
          ipv4: "10.0.1.23",
          port: 8080,
          attributes: {
            AWS_INSTANCE_IPV4: "10.0.1.23",
            AWS_INSTANCE_PORT: "8080",
            stage: "blue",
            weight: "3",
          },
          healthStatus: "HEALTHY",
        },
      ],
    });
  });

  it("uses FLEXJOB_NAMESPACE outside a flexjob repository, with its own client for a custom endpoint", async () => {
    const result = await discover(["api"], {
      env: { AWS_REGION: REGION, FLEXJOB_NAMESPACE: "shop.internal", AWS_ENDPOINT_URL: aws.url },
      clients: (region) => createClients({ region, endpoint: aws.url }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("api.shop.internal: 1 instance");
  });

  it("says when no namespace is known, exit 2", async () => {
    const result = await discover(["api"], { env: { AWS_REGION: REGION } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: no Cloud Map namespace: no flexjob.yml here, no --namespace and no FLEXJOB_NAMESPACE\n" +
        "  fix: pass --namespace billing.internal (for example), or run it where flexjob.yml is\n",
    );
  });

  it("names an unknown service, exit 2, and prints an empty list as such", async () => {
    const env = { AWS_REGION: REGION, FLEXJOB_NAMESPACE: "shop.internal" };
    const unknown = await discover(["web"], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: Cloud Map namespace "shop.internal" has no service "web"');
    aws.cloudmap.registerInstances({ namespace: "shop.internal", service: "empty", region: REGION }, []);
    const empty = await discover(["empty"], { env });
    expect(empty).toMatchObject({
      code: 0,
      stdout: "empty.shop.internal: no instances (health filter HEALTHY_OR_ELSE_ALL)\n",
    });
  });

  it("rejects an unknown --health value, exit 2", async () => {
    const result = await discover(["api", "--health", "GOOD"], { env: { AWS_REGION: REGION } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("HEALTHY, UNHEALTHY, ALL, HEALTHY_OR_ELSE_ALL");
  });
});
