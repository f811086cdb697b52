import {
  DiscoverInstancesCommand,
  DiscoverInstancesRevisionCommand,
  type HttpInstanceSummary,
  type ServiceDiscoveryClient,
} from "@aws-sdk/client-servicediscovery";
import { createServiceDiscoveryClient } from "./cloud-map.js";
import { DiscoveryError } from "./errors.js";
import { FlexjobError } from "./flexjob-error.js";
import { choose, type PickState, type PickStrategy } from "./pick.js";
import { isTransient, type RetryOptions, withRetry } from "./retry.js";
import type {
  AwsCredentials,
  AwsCredentialsProvider,
  DiscoveredInstance,
  DiscoverResult,
  HealthFilter,
} from "./types.js";

/** How a `Discovery` reaches Cloud Map and how long it trusts an answer. */
export interface DiscoveryOptions {
  /** Default `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the SDK's own resolution (profile). */
  region?: string;
  /**
   * Credentials, or an async function returning them (asked again before they expire). Default:
   * the AWS SDK's chain — environment, SSO, shared files, then the task role in ECS/Fargate. The
   * client itself is built on the first lookup, never at import.
   * See https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
   *
   * @example
   * createDiscovery({ credentials: { accessKeyId: "AKIA…", secretAccessKey: "…" } });
   * createDiscovery({ credentials: fromIni({ profile: "dev" }) }); // @aws-sdk/credential-providers
   */
  credentials?: AwsCredentials | AwsCredentialsProvider;
  /**
   * A custom endpoint, e.g. `http://127.0.0.1:4566`; default `AWS_ENDPOINT_URL_SERVICEDISCOVERY`,
   * else `AWS_ENDPOINT_URL`. Host prefixes (`data-…`) are then turned off, as local endpoints need.
   */
  endpoint?: string;
  /** Default namespace; default `FLEXJOB_NAMESPACE`, which flexjob deploy sets in every job. */
  namespace?: string;
  /** Where the defaults above are read, on first use; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** How long an answer is served without asking Cloud Map; default 5000 ms. */
  ttlMs?: number;
  /**
   * After a TTL, only DiscoverInstancesRevision is called while the revision is unchanged; but a
   * health change alone does not move Cloud Map's revision, so the list is fetched in full at
   * least this often; default 30000 ms.
   */
  maxAgeMs?: number;
  retry?: RetryOptions;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); default `Math.random`. Seed it in tests. */
  random?: () => number;
  /** Told about each failed refresh that was answered from the last good list. */
  onStale?: (error: unknown, lookup: { namespace: string; service: string }) => void;
}

/** What to look up. Maps to DiscoverInstances: https://docs.aws.amazon.com/cloud-map/latest/api/API_DiscoverInstances.html */
export interface DiscoverOptions {
  /** The namespace's HTTP name (by default its DNS name), e.g. `billing.internal`. */
  namespace?: string;
  /** Default `HEALTHY_OR_ELSE_ALL`: the healthy instances, or all of them when none is healthy. */
  healthStatus?: HealthFilter;
  /** Only instances with all these attributes (`QueryParameters`). */
  query?: Readonly<Record<string, string>>;
  /** Prefer instances with these attributes, else the rest (`OptionalParameters`). */
  optional?: Readonly<Record<string, string>>;
  /** 1–1000; Cloud Map's default is 100. */
  maxResults?: number;
  /** Resolve to `[]` instead of a `no-instances` DiscoveryError. */
  allowEmpty?: boolean;
}

export interface PickOptions extends DiscoverOptions {
  /** Default `random`. */
  strategy?: PickStrategy;
  /** For `weighted`; default `weight`. */
  weightAttribute?: string;
}

export interface ResolveUrlOptions extends PickOptions {
  /** Default: the instance's `AWS_INSTANCE_PORT`. */
  port?: number;
  /** Default `http`. */
  scheme?: string;
}

export interface ServiceUrlOptions {
  namespace?: string;
  /** Default `http`. */
  scheme?: string;
}

/** A discovery client with its own cache; see createDiscovery. */
export interface Discovery {
  discover(service: string, options?: DiscoverOptions): Promise<DiscoveredInstance[]>;
  discoverDetailed(service: string, options?: DiscoverOptions): Promise<DiscoverResult>;
  pick(service: string, options?: PickOptions): Promise<DiscoveredInstance>;
  resolveUrl(service: string, options?: ResolveUrlOptions): Promise<string>;
  serviceUrl(service: string, port: number, options?: ServiceUrlOptions): string;
  /** Forgets every cached answer. */
  clear(): void;
}

interface Lookup {
  key: string;
  namespace: string;
  service: string;
  health: HealthFilter;
  query: Readonly<Record<string, string>> | undefined;
  optional: Readonly<Record<string, string>> | undefined;
  maxResults: number | undefined;
}

interface Entry {
  result: DiscoverResult | undefined;
  /** When the result was last confirmed current (or, when stale, last tried). */
  checkedAt: number;
  inFlight: Promise<DiscoverResult> | undefined;
  pick: PickState;
}

const attributesText = (attributes: Readonly<Record<string, string>> | undefined): string =>
  attributes === undefined
    ? ""
    : Object.keys(attributes)
        .sort()
        .map((key) => `${key}=${attributes[key]}`)
        .join("&");

const byId = (a: DiscoveredInstance, b: DiscoveredInstance) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function toInstance(summary: HttpInstanceSummary): DiscoveredInstance {
  const attributes = summary.Attributes ?? {};
  const port = attributes.AWS_INSTANCE_PORT === undefined ? undefined : Number(attributes.AWS_INSTANCE_PORT);
  const health = summary.HealthStatus;
  return {
    id: summary.InstanceId ?? "",
    ipv4: attributes.AWS_INSTANCE_IPV4,
    port: port !== undefined && Number.isInteger(port) ? port : undefined,
    attributes,
    healthStatus: health === "HEALTHY" || health === "UNHEALTHY" ? health : "UNKNOWN",
  };
}

/**
 * A discovery client with its own cache and injected world. The module-level `discover`, `pick`,
 * … use one built from the environment; build your own for other settings or in tests.
 *
 * @example
 * const discovery = createDiscovery({ namespace: "billing.internal", ttlMs: 2000 });
 * const url = await discovery.resolveUrl("api", { strategy: "round-robin" }); // "http://10.0.1.23:8080"
 */
export function createDiscovery(options: DiscoveryOptions = {}): Discovery {
  checkCredentials(options.credentials);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  let client: ServiceDiscoveryClient | undefined;
  const reader = cloudMapReader({
    client: () => {
      client ??= createServiceDiscoveryClient(options);
      return client;
    },
    retry: options.retry ?? {},
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    random,
    now,
    maxAgeMs: options.maxAgeMs ?? 30_000,
  });
  const cache = lookupCache(reader, { now, ttlMs: options.ttlMs ?? 5_000, onStale: options.onStale });
  const namespaceOf = (given: string | undefined, service: string): string =>
    namespaceFor(given ?? options.namespace ?? (options.env ?? process.env).FLEXJOB_NAMESPACE, service);
  const lookupOf = (service: string, given: DiscoverOptions): Lookup =>
    lookupFor(namespaceOf(given.namespace, service), service, given);

  const pick = async (service: string, given: PickOptions = {}): Promise<DiscoveredInstance> => {
    const lookup = lookupOf(service, given);
    const entry = cache.entryFor(lookup);
    const cached = cache.resolve(lookup, entry);
    // A warm cache answers without awaiting a promise: pick() is called per request.
    const result = cached instanceof Promise ? await cached : cached;
    if (result.instances.length === 0) throw noInstances(lookup);
    const weightAttribute = given.weightAttribute ?? "weight";
    const chosen = choose(result.instances, given.strategy ?? "random", entry.pick, random, weightAttribute);
    if (chosen === undefined) {
      throw new DiscoveryError(
        "no-instances",
        `every instance of service "${service}" in "${lookup.namespace}" has ${weightAttribute} 0 (${describeLookup(lookup)})`,
        { remedy: "give at least one instance a positive weight, or pick with another strategy" },
      );
    }
    return chosen;
  };

  return {
    discoverDetailed: async (service, given = {}) => cache.resolve(lookupOf(service, given)),
    async discover(service, given = {}) {
      const lookup = lookupOf(service, given);
      const result = await cache.resolve(lookup);
      if (result.instances.length === 0 && !given.allowEmpty) throw noInstances(lookup);
      return [...result.instances];
    },
    pick,
    async resolveUrl(service, given = {}) {
      return instanceUrl(await pick(service, given), service, given);
    },
    serviceUrl(service, port, given = {}) {
      return `${given.scheme ?? "http"}://${service}.${namespaceOf(given.namespace, service)}:${port}`;
    },
    clear() {
      cache.clear();
    },
  };
}

/**
 * Fixed credentials need both keys; a JavaScript caller's mistake is named here, at construction,
 * not at the first lookup as the SDK's "Resolved credential object is not valid". Values are
 * never shown: a secret access key is a secret.
 */
function checkCredentials(credentials: unknown): void {
  if (credentials === undefined || typeof credentials === "function") return;
  const given = (typeof credentials === "object" && credentials !== null ? credentials : {}) as Record<
    string,
    unknown
  >;
  const missing = ["accessKeyId", "secretAccessKey"].filter(
    (key) => typeof given[key] !== "string" || given[key] === "",
  );
  if (missing.length === 0) return;
  throw new FlexjobError(`credentials has no ${missing.join(" and no ")} (the value is not shown)`, {
    code: "INPUT_INVALID",
    fault: "user",
    remedy:
      "pass { accessKeyId, secretAccessKey, sessionToken? }, or an async function that returns them, or leave credentials out for the AWS SDK's default chain",
  });
}

function namespaceFor(namespace: string | undefined, service: string): string {
  if (namespace === undefined || namespace === "") {
    throw new DiscoveryError("no-namespace", `no Cloud Map namespace to look up service "${service}" in`, {
      remedy:
        'pass { namespace: "billing.internal" }, or set FLEXJOB_NAMESPACE (flexjob deploy sets it in every job when flexjob.yml has discovery:)',
    });
  }
  return namespace;
}

/** The lookup, keyed by everything that changes Cloud Map's answer: one cache entry per key. */
function lookupFor(namespace: string, service: string, given: DiscoverOptions): Lookup {
  const health = given.healthStatus ?? "HEALTHY_OR_ELSE_ALL";
  const key = `${namespace}\0${service}\0${health}\0${attributesText(given.query)}\0${attributesText(given.optional)}\0${given.maxResults ?? ""}`;
  return {
    key,
    namespace,
    service,
    health,
    query: given.query,
    optional: given.optional,
    maxResults: given.maxResults,
  };
}

function describeLookup(lookup: Lookup): string {
  return `health filter ${lookup.health}${lookup.query === undefined ? "" : `, query ${attributesText(lookup.query)}`}${lookup.optional === undefined ? "" : `, optional ${attributesText(lookup.optional)}`}`;
}

function noInstances(lookup: Lookup): DiscoveryError {
  return new DiscoveryError(
    "no-instances",
    `service "${lookup.service}" in "${lookup.namespace}" has no instances matching ${describeLookup(lookup)}`,
    {
      remedy:
        lookup.health === "HEALTHY"
          ? 'register instances or wait for them to report healthy; healthStatus: "HEALTHY_OR_ELSE_ALL" falls back to unhealthy ones'
          : "register instances (ECS services register their tasks; registerInstance adds others), or relax the query",
    },
  );
}

function instanceUrl(instance: DiscoveredInstance, service: string, given: ResolveUrlOptions): string {
  const port = given.port ?? instance.port;
  if (instance.ipv4 === undefined || port === undefined) {
    const missing = instance.ipv4 === undefined ? "AWS_INSTANCE_IPV4" : "AWS_INSTANCE_PORT";
    throw new DiscoveryError(
      "no-address",
      `instance ${instance.id} of service "${service}" has no ${missing}`,
      {
        remedy:
          missing === "AWS_INSTANCE_PORT"
            ? "pass { port } to resolveUrl, or register the instance with a port"
            : "register the instance with an IPv4 address, or read its attributes from discover()",
      },
    );
  }
  return `${given.scheme ?? "http"}://${instance.ipv4}:${port}`;
}

function translateError(error: unknown, lookup: Lookup): DiscoveryError {
  if (error instanceof DiscoveryError) return error;
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "NamespaceNotFound") {
    return new DiscoveryError(
      "namespace-not-found",
      `Cloud Map namespace "${lookup.namespace}" does not exist (looking up service "${lookup.service}")`,
      {
        cause: error,
        remedy:
          "check the name: it is the namespace's HTTP name, by default its DNS name (discovery.namespace in flexjob.yml, default <app>.internal), in this account and region; flexjob deploy creates it when flexjob.yml has discovery:",
      },
    );
  }
  if (name === "ServiceNotFound") {
    return new DiscoveryError(
      "service-not-found",
      `Cloud Map namespace "${lookup.namespace}" has no service "${lookup.service}"`,
      {
        cause: error,
        remedy: `check the service name; "aws servicediscovery list-services" lists them, and ensureService creates one`,
      },
    );
  }
  if (isTransient(error)) {
    return new DiscoveryError(
      "unavailable",
      `Cloud Map did not answer for service "${lookup.service}" in "${lookup.namespace}": ${name}: ${message}`,
      {
        cause: error,
        remedy: "try again shortly; answers are served from the cache once one has succeeded",
      },
    );
  }
  const denied = /AccessDenied|not authorized/i.test(`${name} ${message}`);
  return new DiscoveryError(
    "aws-error",
    `looking up service "${lookup.service}" in "${lookup.namespace}": ${name}: ${message}`,
    {
      cause: error,
      remedy: denied
        ? "the job's task role needs servicediscovery:DiscoverInstances (flexjob deploy grants it when flexjob.yml has discovery:)"
        : "check the AWS error above",
    },
  );
}

/** The two Cloud Map reads a lookup makes, retried; remembers when the revision call is denied. */
interface CloudMapReader {
  fetchInstances(lookup: Lookup): Promise<DiscoverResult>;
  /** Whether the cached list is still current by Cloud Map's revision; false when it cannot tell (too old, or not allowed to ask). */
  unchanged(lookup: Lookup, cached: DiscoverResult): Promise<boolean>;
}

function cloudMapReader(world: {
  client: () => ServiceDiscoveryClient;
  retry: RetryOptions;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  maxAgeMs: number;
}): CloudMapReader {
  const { retry, sleep, random, now } = world;
  /** Set once DiscoverInstancesRevision is denied (a role granting DiscoverInstances only). */
  let revisionDenied = false;
  return {
    async fetchInstances(lookup) {
      const out = await withRetry(
        () =>
          world.client().send(
            new DiscoverInstancesCommand({
              NamespaceName: lookup.namespace,
              ServiceName: lookup.service,
              HealthStatus: lookup.health,
              ...(lookup.query === undefined ? {} : { QueryParameters: { ...lookup.query } }),
              ...(lookup.optional === undefined ? {} : { OptionalParameters: { ...lookup.optional } }),
              ...(lookup.maxResults === undefined ? {} : { MaxResults: lookup.maxResults }),
            }),
          ),
        retry,
        sleep,
        random,
      );
      // Cloud Map answers in random order; sorted, round-robin is a stable rotation.
      const instances = (out.Instances ?? []).map(toInstance).sort(byId);
      return { instances, stale: false, revision: out.InstancesRevision, fetchedAt: now() };
    },
    async unchanged(lookup, cached) {
      if (revisionDenied || cached.revision === undefined || now() - cached.fetchedAt >= world.maxAgeMs)
        return false;
      try {
        const { InstancesRevision } = await withRetry(
          () =>
            world.client().send(
              new DiscoverInstancesRevisionCommand({
                NamespaceName: lookup.namespace,
                ServiceName: lookup.service,
              }),
            ),
          retry,
          sleep,
          random,
        );
        return InstancesRevision === cached.revision;
      } catch (error) {
        const name = error instanceof Error ? error.name : "";
        if (/AccessDenied/i.test(name)) {
          revisionDenied = true;
          return false;
        }
        throw error;
      }
    },
  };
}

/** Answers per lookup key, each refreshed at most once per TTL however many callers wait on it. */
function lookupCache(
  reader: CloudMapReader,
  settings: { now: () => number; ttlMs: number; onStale: DiscoveryOptions["onStale"] },
) {
  const { now, ttlMs } = settings;
  const cache = new Map<string, Entry>();

  const refresh = async (lookup: Lookup, entry: Entry): Promise<DiscoverResult> => {
    const cached = entry.result;
    try {
      if (cached !== undefined && (await reader.unchanged(lookup, cached))) {
        entry.result = cached.stale ? { ...cached, stale: false } : cached;
      } else {
        entry.result = await reader.fetchInstances(lookup);
      }
      entry.checkedAt = now();
      return entry.result;
    } catch (error) {
      if (cached === undefined || !isTransient(error)) throw translateError(error, lookup);
      // Serve the last good list for another TTL rather than fail, or hammer a throttled API.
      entry.result = cached.stale ? cached : { ...cached, stale: true };
      entry.checkedAt = now();
      settings.onStale?.(error, { namespace: lookup.namespace, service: lookup.service });
      return entry.result;
    }
  };

  const entryFor = (lookup: Lookup): Entry => {
    let entry = cache.get(lookup.key);
    if (entry === undefined) {
      entry = {
        result: undefined,
        checkedAt: 0,
        inFlight: undefined,
        pick: { cursor: 0, weights: undefined },
      };
      cache.set(lookup.key, entry);
    }
    return entry;
  };

  /** The answer for a lookup: cached within the TTL; otherwise one refresh shared by every caller. */
  const resolve = (lookup: Lookup, entry = entryFor(lookup)): DiscoverResult | Promise<DiscoverResult> => {
    if (entry.result !== undefined && now() - entry.checkedAt < ttlMs) return entry.result;
    if (entry.inFlight !== undefined) return entry.inFlight;
    const own = entry;
    own.inFlight = refresh(lookup, own).finally(() => {
      own.inFlight = undefined;
    });
    return own.inFlight;
  };

  return { entryFor, resolve, clear: () => cache.clear() };
}
