import { describe, expect, it, vi } from "vitest";
import { isFlexjobError } from "../errors.js";
import { createClients, loadClients, loadSdk } from "./clients.js";

// Counts constructions per service without changing what the clients do.
const built = vi.hoisted(() => new Map<string, number>());
vi.mock("@aws-sdk/client-ecr", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@aws-sdk/client-ecr")>();
  class ECRClient extends actual.ECRClient {
    constructor(...args: ConstructorParameters<typeof actual.ECRClient>) {
      super(...args);
      built.set("ecr", (built.get("ecr") ?? 0) + 1);
    }
  }
  return { ...actual, ECRClient };
});

describe("createClients", () => {
  it("builds a client on its first read only, once, and with the region and endpoint given", async () => {
    const clients = createClients({ region: "eu-west-1", endpoint: "http://127.0.0.1:4566" });
    await loadClients(clients, "ecr");
    expect(built.get("ecr")).toBeUndefined();
    const first = clients.ecr;
    expect(clients.ecr).toBe(first);
    expect(built.get("ecr")).toBe(1);
    expect(clients.region).toBe("eu-west-1");
    expect(await first.config.region()).toBe("eu-west-1");
    expect(await first.config.maxAttempts()).toBe(3);
    const endpoint = await first.config.endpoint?.();
    expect(endpoint?.hostname).toBe("127.0.0.1");
  });

  it("turns off the host prefix of Cloud Map's DiscoverInstances under a custom endpoint", async () => {
    const custom = createClients({ region: "eu-west-1", endpoint: "http://127.0.0.1:4566" });
    await loadClients(custom, "servicediscovery");
    expect(custom.servicediscovery.config.disableHostPrefix).toBe(true);
    const real = createClients({ region: "eu-west-1" });
    await loadSdk(real, "servicediscovery");
    vi.stubEnv("AWS_ENDPOINT_URL", "");
    vi.stubEnv("AWS_ENDPOINT_URL_SERVICEDISCOVERY", "");
    expect(real.servicediscovery.config.disableHostPrefix).toBe(false);
    vi.unstubAllEnvs();
  });

  it("refuses a client read before its module is loaded, naming the call that loads it", async () => {
    const clients = createClients({ region: "eu-west-1" });
    let thrown: unknown;
    try {
      void clients.ecs;
    } catch (error) {
      thrown = error;
    }
    expect(isFlexjobError(thrown) && thrown.code).toBe("INPUT_INVALID");
    expect(isFlexjobError(thrown) && thrown.remedy).toContain('await loadClients(clients, "ecs")');
    // Loading one service makes that client readable, and no other.
    await loadClients(clients, "ecs");
    expect(clients.ecs.config.serviceId).toBe("ECS");
    expect(() => clients.ec2).toThrow(/ec2 client was read before/);
  });

  it("hands back the service's commands, and leaves clients it did not make as they are", async () => {
    const own = { region: "eu-west-1" } as Parameters<typeof loadSdk>[0];
    const { DescribeClustersCommand } = await loadSdk(own, "ecs");
    expect(new DescribeClustersCommand({}).input).toEqual({});
    expect(Object.keys(own)).toEqual(["region"]);
  });

  it("names the services it knows when a script asks for another", async () => {
    const clients = createClients({ region: "eu-west-1" });
    const error = await loadClients(clients, "dynamodb" as never).catch((caught: unknown) => caught);
    expect(isFlexjobError(error) && [error.code, error.message]).toEqual([
      "INPUT_INVALID",
      '"dynamodb" is not an AWS service flexjob loads',
    ]);
    expect(isFlexjobError(error) && error.remedy).toMatch(/^name one of cloudwatch, ec2, .*sts$/);
  });
});
