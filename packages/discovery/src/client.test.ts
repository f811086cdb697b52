import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type FakeAws, startFakeAws, type TestInstance } from "fake-aws";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDiscovery, type Discovery, type DiscoveryOptions } from "./client.js";
import { DiscoveryError } from "./errors.js";

const REGION = "eu-west-1";
const NAMESPACE = "shop.internal";

/** mulberry32: a small seeded PRNG, so distributions are asserted exactly, run after run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const endpoint = (id: string, ip: string, extra: Partial<TestInstance> = {}): TestInstance => ({
  id,
  attributes: { AWS_INSTANCE_IPV4: ip, AWS_INSTANCE_PORT: "8080", ...extra.attributes },
  ...(extra.health === undefined ? {} : { health: extra.health }),
});

let aws: FakeAws;
let clock: number;
let sleeps: number[];

beforeAll(async () => {
  aws = await startFakeAws({ region: REGION, clock: { start: "2026-12-05T00:00:00Z" } });
});
afterAll(async () => {
  await aws.close();
});
beforeEach(() => {
  aws.reset();
  clock = 0;
  sleeps = [];
});

function discovery(options: DiscoveryOptions = {}): Discovery {
  return createDiscovery({
    ...aws.clientConfig(),
    namespace: NAMESPACE,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: seeded(42),
    ...options,
  });
}

function register(service: string, instances: TestInstance[], healthCheck: "custom" | "none" = "custom") {
  return aws.cloudmap.registerInstances(
    { namespace: NAMESPACE, service, region: REGION, healthCheck },
    instances,
  );
}

const calls = (operation: string) => aws.callsTo("servicediscovery", operation).length;
const ids = (instances: readonly { id: string }[]) => instances.map((instance) => instance.id);

interface Proxy {
  url: string;
  /** The headers of every request received, in order. */
  headers: IncomingHttpHeaders[];
  /** How many requests were answered with the refusal instead of forwarded. */
  refused: number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of fake-aws: it sees each request's headers (the signature's access key),
 * and answers a request `refuse` returns a body for with that 400 error instead of forwarding it.
 */
async function proxyTo(
  target: string,
  refuse: (headers: IncomingHttpHeaders) => object | undefined,
): Promise<Proxy> {
  const proxy = { headers: [] as IncomingHttpHeaders[], refused: 0 };
  const server: Server = createServer((incoming, answer) => {
    proxy.headers.push(incoming.headers);
    const refusal = refuse(incoming.headers);
    if (refusal !== undefined) {
      proxy.refused++;
      incoming.resume();
      answer.writeHead(400, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify(refusal));
      return;
    }
    const forward = request(
      `${target}${incoming.url ?? "/"}`,
      { method: incoming.method, headers: incoming.headers },
      (reply) => {
        answer.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(answer);
      },
    );
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

describe("discover", () => {
  it("returns typed instances, sorted by id", async () => {
    register("api", [endpoint("b", "10.0.1.2", { attributes: { weight: "3" } }), endpoint("a", "10.0.1.1")]);
    expect(await discovery().discover("api")).toEqual([
      {
        id: "a",
        ipv4: "10.0.1.1",
        port: 8080,
        attributes: { AWS_INSTANCE_IPV4: "10.0.1.1", AWS_INSTANCE_PORT: "8080" },
        healthStatus: "HEALTHY",
      },
      {
        id: "b",
        ipv4: "10.0.1.2",
        port: 8080,
        attributes: { AWS_INSTANCE_IPV4: "10.0.1.2", AWS_INSTANCE_PORT: "8080", weight: "3" },
        healthStatus: "HEALTHY",
      },
    ]);
  });

  it("honours every health filter", async () => {
    register("api", [endpoint("up", "10.0.1.1"), endpoint("down", "10.0.1.2", { health: "UNHEALTHY" })]);
    register("sick", [endpoint("s1", "10.0.2.1", { health: "UNHEALTHY" })]);
    const d = discovery();
    expect(ids(await d.discover("api", { healthStatus: "HEALTHY" }))).toEqual(["up"]);
    expect(ids(await d.discover("api", { healthStatus: "UNHEALTHY" }))).toEqual(["down"]);
    expect(ids(await d.discover("api", { healthStatus: "ALL" }))).toEqual(["down", "up"]);
    expect(ids(await d.discover("api"))).toEqual(["up"]);
    expect(ids(await d.discover("sick"))).toEqual(["s1"]);
    expect(
      aws.callsTo("servicediscovery", "DiscoverInstances").map((call) => call.input.HealthStatus),
    ).toEqual(["HEALTHY", "UNHEALTHY", "ALL", "HEALTHY_OR_ELSE_ALL", "HEALTHY_OR_ELSE_ALL"]);
    const error = await d.discover("sick", { healthStatus: "HEALTHY" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect((error as DiscoveryError).failure).toBe("no-instances");
    expect((error as DiscoveryError).message).toBe(
      'service "sick" in "shop.internal" has no instances matching health filter HEALTHY',
    );
    expect((error as DiscoveryError).remedy).toContain("HEALTHY_OR_ELSE_ALL");
    expect(await d.discover("sick", { healthStatus: "HEALTHY", allowEmpty: true })).toEqual([]);
  });

  it("passes query, optional parameters and maxResults, and names them when nothing matches", async () => {
    register("api", [
      endpoint("blue-1", "10.0.1.1", { attributes: { stage: "blue" } }),
      endpoint("green-1", "10.0.1.2", { attributes: { stage: "green" } }),
    ]);
    const d = discovery();
    expect(ids(await d.discover("api", { query: { stage: "blue" } }))).toEqual(["blue-1"]);
    expect(ids(await d.discover("api", { optional: { stage: "green" } }))).toEqual(["green-1"]);
    expect(ids(await d.discover("api", { optional: { stage: "red" } }))).toEqual(["blue-1", "green-1"]);
    expect(await d.discover("api", { maxResults: 1 })).toHaveLength(1);
    expect(aws.callsTo("servicediscovery", "DiscoverInstances").map((call) => call.input)).toEqual([
      expect.objectContaining({ QueryParameters: { stage: "blue" } }),
      expect.objectContaining({ OptionalParameters: { stage: "green" } }),
      expect.objectContaining({ OptionalParameters: { stage: "red" } }),
      expect.objectContaining({ MaxResults: 1 }),
    ]);
    await expect(d.discover("api", { query: { stage: "red" }, healthStatus: "ALL" })).rejects.toThrow(
      'service "api" in "shop.internal" has no instances matching health filter ALL, query stage=red',
    );
  });

  it("says which namespace or service does not exist", async () => {
    register("api", [endpoint("a", "10.0.1.1")]);
    const missingNamespace = await discovery({ namespace: "nope.internal" })
      .discover("api")
      .catch((e: unknown) => e as DiscoveryError);
    expect(missingNamespace).toMatchObject({
      failure: "namespace-not-found",
      fault: "user",
      message: 'Cloud Map namespace "nope.internal" does not exist (looking up service "api")',
    });
    const missingService = await discovery()
      .discover("web")
      .catch((e: unknown) => e as DiscoveryError);
    expect(missingService).toMatchObject({
      failure: "service-not-found",
      message: 'Cloud Map namespace "shop.internal" has no service "web"',
    });
  });

  it("needs a namespace: the option, FLEXJOB_NAMESPACE, or a clear error", async () => {
    register("api", [endpoint("a", "10.0.1.1")]);
    const none = createDiscovery({ ...aws.clientConfig(), env: {}, now: () => clock });
    await expect(none.pick("api")).rejects.toMatchObject({ failure: "no-namespace" });
    expect(() => none.serviceUrl("api", 8080)).toThrow('no Cloud Map namespace to look up service "api" in');
    const fromEnv = createDiscovery({
      ...aws.clientConfig(),
      env: { FLEXJOB_NAMESPACE: NAMESPACE },
      now: () => clock,
    });
    expect(ids(await fromEnv.discover("api"))).toEqual(["a"]);
    expect(fromEnv.serviceUrl("api", 8080)).toBe("http://api.shop.internal:8080");
  });

  it("signs with the credentials given, asking a provider once for credentials that do not expire", async () => {
    register("api", [endpoint("a", "10.0.1.1")]);
    const proxy = await proxyTo(aws.url, () => undefined);
    try {
      let asked = 0;
      const credentials = async () => {
        asked++;
        return { accessKeyId: "AKIAFROMPROVIDER", secretAccessKey: "provided-secret" };
      };
      const d = createDiscovery({ region: REGION, endpoint: proxy.url, namespace: NAMESPACE, credentials });
      expect(asked).toBe(0);
      await d.discover("api");
      d.clear();
      await d.discover("api");
      expect(asked).toBe(1);
      const fixed = createDiscovery({
        region: REGION,
        endpoint: proxy.url,
        namespace: NAMESPACE,
        credentials: { accessKeyId: "AKIAFIXED", secretAccessKey: "fixed-secret", sessionToken: "token" },
      });
      await fixed.discover("api");
      const keys = proxy.headers.map(
        (headers) => /Credential=(\w+)\//.exec(headers.authorization ?? "")?.[1],
      );
      expect(keys).toEqual(["AKIAFROMPROVIDER", "AKIAFROMPROVIDER", "AKIAFIXED"]);
      expect(proxy.headers[2]?.["x-amz-security-token"]).toBe("token");
    } finally {
      await proxy.close();
    }
  });

  it("refuses credentials without both keys when it is built, naming what is missing and never a value", () => {
    const bad = (credentials: unknown) => () =>
      createDiscovery({ region: REGION, credentials } as DiscoveryOptions);
    expect(bad({ accessKeyId: "AKIAONLY" })).toThrow(
      "credentials has no secretAccessKey (the value is not shown)",
    );
    expect(bad({ secretAccessKey: "s3cret-value", accessKeyId: "" })).toThrow(
      "credentials has no accessKeyId (the value is not shown)",
    );
    expect(bad("AKIA:s3cret-value")).toThrow("credentials has no accessKeyId and no secretAccessKey");
    try {
      bad({ secretAccessKey: "s3cret-value" })();
    } catch (error) {
      expect(error).toMatchObject({ code: "INPUT_INVALID", fault: "user" });
      expect(String((error as Error).message) + String((error as { remedy?: string }).remedy)).not.toContain(
        "s3cret-value",
      );
    }
    expect(bad(async () => ({ accessKeyId: "AKIAX", secretAccessKey: "y" }))).not.toThrow();
  });

  it("builds its own client for a custom endpoint, with host prefixes off, and nothing before the first call", async () => {
    register("api", [endpoint("a", "10.0.1.1")]);
    const env = { AWS_REGION: REGION, AWS_ENDPOINT_URL: aws.url, FLEXJOB_NAMESPACE: NAMESPACE };
    const viaEnv = createDiscovery({ env });
    expect(aws.calls).toHaveLength(0);
    expect(ids(await viaEnv.discover("api"))).toEqual(["a"]);
    const viaOption = createDiscovery({
      env: { AWS_REGION: REGION },
      endpoint: aws.url,
      namespace: NAMESPACE,
    });
    expect(ids(await viaOption.discover("api"))).toEqual(["a"]);
    const serviceSpecific = createDiscovery({
      env: {
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL_SERVICEDISCOVERY: aws.url,
        AWS_ENDPOINT_URL: "http://127.0.0.1:1",
      },
      namespace: NAMESPACE,
    });
    expect(ids(await serviceSpecific.discover("api"))).toEqual(["a"]);
  });
});

describe("the cache", () => {
  it("serves repeated calls with one API call per TTL, then checks only the revision", async () => {
    register("api", [endpoint("a", "10.0.1.1")]);
    const d = discovery();
    for (let i = 0; i < 10; i++) await d.pick("api");
    clock = 4_999;
    await d.discover("api");
    expect(calls("DiscoverInstances")).toBe(1);
    expect(calls("DiscoverInstancesRevision")).toBe(0);

    clock = 5_000;
    for (let i = 0; i < 10; i++) await d.pick("api");
    expect(calls("DiscoverInstancesRevision")).toBe(1);
    expect(calls("DiscoverInstances")).toBe(1);

    clock = 10_000;
    await d.pick("api");
    expect(calls("DiscoverInstancesRevision")).toBe(2);
    expect(calls("DiscoverInstances")).toBe(1);
  });

  it("keeps a cache per filter set", async () => {
    register("api", [endpoint("a", "10.0.1.1", { attributes: { stage: "blue" } })]);
    const d = discovery();
    await d.discover("api");
    await d.discover("api", { query: { stage: "blue" } });
    await d.discover("api", { query: { stage: "blue" } });
    await d.discover("api", { healthStatus: "ALL" });
    expect(calls("DiscoverInstances")).toBe(3);
  });

  it("picks up a revision change", async () => {
    register("api", [endpoint("a", "10.0.1.1")]);
    const d = discovery();
    expect(ids(await d.discover("api"))).toEqual(["a"]);
    register("api", [endpoint("b", "10.0.1.2")]);
    clock = 2_000;
    expect(ids(await d.discover("api"))).toEqual(["a"]);
    clock = 5_000;
    expect(ids(await d.discover("api"))).toEqual(["a", "b"]);
    expect(calls("DiscoverInstancesRevision")).toBe(1);
    expect(calls("DiscoverInstances")).toBe(2);
  });

  it("fetches in full after maxAge even when the revision is unchanged", async () => {
    register("api", [endpoint("a", "10.0.1.1")]);
    const d = discovery({ maxAgeMs: 20_000 });
    await d.discover("api");
    for (const at of [5_000, 10_000, 15_000, 20_000]) {
      clock = at;
      await d.discover("api");
    }
    expect(calls("DiscoverInstancesRevision")).toBe(3);
    expect(calls("DiscoverInstances")).toBe(2);
  });

  it("makes one request for 100 concurrent picks", async () => {
    register("api", [endpoint("a", "10.0.1.1"), endpoint("b", "10.0.1.2")]);
    const d = discovery();
    const picked = await Promise.all(Array.from({ length: 100 }, () => d.pick("api")));
    expect(picked).toHaveLength(100);
    expect(aws.callsTo("servicediscovery")).toHaveLength(1);
    clock = 5_000;
    await Promise.all(Array.from({ length: 100 }, () => d.pick("api")));
    expect(aws.callsTo("servicediscovery").map((call) => call.operation)).toEqual([
      "DiscoverInstances",
      "DiscoverInstancesRevision",
    ]);
  });

  it("falls back to the last good list, marked stale, while Cloud Map throttles", async () => {
    register("api", [endpoint("a", "10.0.1.1")]);
    const d = discovery();
    const fresh = await d.discoverDetailed("api");
    expect(fresh).toMatchObject({ stale: false, fetchedAt: 0 });

    const removeThrottle = aws.throttle("servicediscovery", "*", { ratePerSecond: 0, burst: 1 });
    clock = 5_000;
    expect((await d.discoverDetailed("api")).stale).toBe(false); // the bucket's one token
    clock = 10_000;
    const throttled = await d.discoverDetailed("api");
    expect(throttled).toEqual({ ...fresh, stale: true });
    const revisionCalls = aws.callsTo("servicediscovery", "DiscoverInstancesRevision");
    expect(revisionCalls.map((call) => call.outcome)).toEqual([
      "ok",
      "ThrottlingException",
      "ThrottlingException",
      "ThrottlingException",
      "ThrottlingException",
    ]);
    // Backoff with jitter: d/2..d for d = 100, 200, 400 ms.
    expect(sleeps).toHaveLength(3);
    for (const [index, ms] of sleeps.entries()) {
      expect(ms).toBeGreaterThanOrEqual(50 * 2 ** index);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** index);
    }
    expect(ids(await d.discover("api"))).toEqual(["a"]);
    expect(await d.pick("api")).toMatchObject({ id: "a" });

    // Within the next TTL the stale list is served without asking again.
    clock = 12_000;
    expect((await d.discoverDetailed("api")).stale).toBe(true);
    expect(calls("DiscoverInstancesRevision")).toBe(5);

    removeThrottle();
    clock = 15_000;
    expect((await d.discoverDetailed("api")).stale).toBe(false);
  });

  it("falls back to the last good list when the connection drops, and retries past a single drop", async () => {
    register("api", [endpoint("a", "10.0.1.1")]);
    const stale: unknown[] = [];
    const d = discovery({ onStale: (error) => stale.push(error) });
    await d.discover("api");

    aws.fault({
      service: "servicediscovery",
      operation: "DiscoverInstancesRevision",
      kind: "drop",
      times: 1,
    });
    clock = 5_000;
    expect((await d.discoverDetailed("api")).stale).toBe(false);
    expect(stale).toEqual([]);

    aws.fault({ service: "servicediscovery", operation: "*", kind: "drop", times: 4 });
    clock = 10_000;
    const dropped = await d.discoverDetailed("api");
    expect(dropped.stale).toBe(true);
    expect(ids(dropped.instances)).toEqual(["a"]);
    expect(stale).toHaveLength(1);
  });

  it("fails clearly when Cloud Map is unreachable and nothing is cached", async () => {
    register("api", [endpoint("a", "10.0.1.1")]);
    aws.fault({ service: "servicediscovery", operation: "*", kind: "throttle" });
    const error = (await discovery()
      .pick("api")
      .catch((e: unknown) => e)) as DiscoveryError;
    expect(error).toMatchObject({ failure: "unavailable", fault: "aws" });
    expect(error.message).toContain(
      'Cloud Map did not answer for service "api" in "shop.internal": ThrottlingException',
    );
    expect(calls("DiscoverInstances")).toBe(4);
  });

  it("falls back to DiscoverInstances when the role may not call DiscoverInstancesRevision", async () => {
    register("api", [endpoint("a", "10.0.1.1")]);
    const proxy = await proxyTo(aws.url, (headers) =>
      headers["x-amz-target"] === "Route53AutoNaming_v20170314.DiscoverInstancesRevision"
        ? { __type: "AccessDeniedException", message: "not authorized" }
        : undefined,
    );
    try {
      const d = discovery({ endpoint: proxy.url });
      await d.discover("api");
      clock = 5_000;
      expect(ids(await d.discover("api"))).toEqual(["a"]);
      expect(calls("DiscoverInstances")).toBe(2);
      expect(proxy.refused).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});

describe("pick and URLs", () => {
  it("round-robin takes each instance in turn", async () => {
    register("api", [endpoint("c", "10.0.1.3"), endpoint("a", "10.0.1.1"), endpoint("b", "10.0.1.2")]);
    const d = discovery();
    const picked: string[] = [];
    for (let i = 0; i < 300; i++) picked.push((await d.pick("api", { strategy: "round-robin" })).id);
    expect(picked.slice(0, 6)).toEqual(["a", "b", "c", "a", "b", "c"]);
    expect(picked.filter((id) => id === "a")).toHaveLength(100);
    expect(picked.filter((id) => id === "b")).toHaveLength(100);
    expect(picked.filter((id) => id === "c")).toHaveLength(100);
  });

  it("weighted picks follow the weight attribute (1:3 over 4000 picks within ±5%), missing = 1, 0 = never", async () => {
    register("api", [
      endpoint("light", "10.0.1.1", { attributes: { weight: "1" } }),
      endpoint("heavy", "10.0.1.2", { attributes: { weight: "3" } }),
    ]);
    register("mixed", [
      endpoint("plain", "10.0.2.1"),
      endpoint("double", "10.0.2.2", { attributes: { capacity: "2" } }),
      endpoint("drained", "10.0.2.3", { attributes: { capacity: "0" } }),
    ]);
    const d = discovery();
    const count = async (service: string, picks: number, weightAttribute?: string) => {
      const counts: Record<string, number> = {};
      for (let i = 0; i < picks; i++) {
        const { id } = await d.pick(service, {
          strategy: "weighted",
          ...(weightAttribute && { weightAttribute }),
        });
        counts[id] = (counts[id] ?? 0) + 1;
      }
      return counts;
    };
    const weighted = await count("api", 4000);
    expect(Math.abs((weighted.light ?? 0) - 1000)).toBeLessThanOrEqual(50);
    expect(Math.abs((weighted.heavy ?? 0) - 3000)).toBeLessThanOrEqual(150);

    const mixed = await count("mixed", 3000, "capacity");
    expect(mixed.drained).toBeUndefined();
    expect(Math.abs((mixed.plain ?? 0) - 1000)).toBeLessThanOrEqual(50);
    expect(Math.abs((mixed.double ?? 0) - 2000)).toBeLessThanOrEqual(100);
  });

  it("random picks spread evenly", async () => {
    register("api", [endpoint("a", "10.0.1.1"), endpoint("b", "10.0.1.2")]);
    const d = discovery();
    let a = 0;
    for (let i = 0; i < 2000; i++) if ((await d.pick("api")).id === "a") a++;
    expect(Math.abs(a - 1000)).toBeLessThanOrEqual(50);
  });

  it("resolves a picked instance's URL, and the DNS form without any call", async () => {
    register("api", [endpoint("a", "10.0.1.23")]);
    register("bare", [{ id: "x", attributes: { AWS_INSTANCE_IPV4: "10.0.3.1" } }]);
    const d = discovery();
    expect(await d.resolveUrl("api")).toBe("http://10.0.1.23:8080");
    expect(await d.resolveUrl("api", { port: 9090, scheme: "https" })).toBe("https://10.0.1.23:9090");
    await expect(d.resolveUrl("bare")).rejects.toMatchObject({ failure: "no-address" });
    expect(await d.resolveUrl("bare", { port: 80 })).toBe("http://10.0.3.1:80");
    aws.clearCalls();
    expect(d.serviceUrl("api", 8080)).toBe("http://api.shop.internal:8080");
    expect(d.serviceUrl("db", 5432, { scheme: "postgres", namespace: "data.internal" })).toBe(
      "postgres://db.data.internal:5432",
    );
    expect(aws.calls).toHaveLength(0);
  });

  it("refuses a weighted pick when every weight is 0", async () => {
    register("api", [endpoint("a", "10.0.1.1", { attributes: { weight: "0" } })]);
    await expect(discovery().pick("api", { strategy: "weighted" })).rejects.toThrow(
      'every instance of service "api" in "shop.internal" has weight 0',
    );
  });
});
