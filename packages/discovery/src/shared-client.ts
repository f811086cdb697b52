/**
 * The entry's module-level functions (`discover("api")` with no client in sight): one client,
 * built from the environment on first use, behind all of them.
 */
import {
  createDiscovery,
  type DiscoverOptions,
  type Discovery,
  type DiscoveryOptions,
  type PickOptions,
  type ResolveUrlOptions,
  type ServiceUrlOptions,
} from "./client.js";
import type { DiscoveredInstance, DiscoverResult } from "./types.js";

let shared: Discovery | undefined;

/** The module-level functions' client, built from the environment on first use. */
function sharedDiscovery(): Discovery {
  shared ??= createDiscovery();
  return shared;
}

/**
 * Replaces the client behind the module-level functions, e.g. for a longer TTL; returns it.
 *
 * @example
 * configureDiscovery({ ttlMs: 10_000, namespace: "billing.internal" });
 */
export function configureDiscovery(options: DiscoveryOptions): Discovery {
  shared = createDiscovery(options);
  return shared;
}

/**
 * The instances of a service (healthy ones, or all when none is healthy, by default), cached for
 * 5 s. Throws a `no-instances` DiscoveryError when there are none, unless `allowEmpty`.
 *
 * @example
 * const workers = await discover("worker", { query: { stage: "blue" } });
 * workers.map((w) => `${w.ipv4}:${w.port}`); // ["10.0.1.23:8080", "10.0.2.7:8080"]
 */
export function discover(service: string, options?: DiscoverOptions): Promise<DiscoveredInstance[]> {
  return sharedDiscovery().discover(service, options);
}

/**
 * Like discover, with whether the answer is a stale fallback (Cloud Map throttled or unreachable)
 * and its revision; an empty list is not an error here.
 *
 * @example
 * const { instances, stale } = await discoverDetailed("api");
 * if (stale) console.warn("Cloud Map unreachable: using the last known instances");
 */
export function discoverDetailed(service: string, options?: DiscoverOptions): Promise<DiscoverResult> {
  return sharedDiscovery().discoverDetailed(service, options);
}

/**
 * One instance: `random` (default), `round-robin`, or `weighted` by a numeric attribute
 * (default `weight`, missing = 1).
 *
 * @example
 * const instance = await pick("api", { strategy: "weighted" });
 * await fetch(`http://${instance.ipv4}:${instance.port}/report`);
 */
export function pick(service: string, options?: PickOptions): Promise<DiscoveredInstance> {
  return sharedDiscovery().pick(service, options);
}

/**
 * `scheme://ipv4:port` of a picked instance; the port from the options, else the instance's.
 *
 * @example
 * const base = await resolveUrl("api", { strategy: "round-robin" }); // "http://10.0.1.23:8080"
 * await fetch(`${base}/invoices`);
 */
export function resolveUrl(service: string, options?: ResolveUrlOptions): Promise<string> {
  return sharedDiscovery().resolveUrl(service, options);
}

/**
 * The DNS form, with no API call: `http://<service>.<namespace>:<port>`, resolved by the VPC's
 * resolver to a healthy instance. The namespace defaults to `FLEXJOB_NAMESPACE`.
 *
 * @example
 * serviceUrl("api", 8080); // "http://api.billing.internal:8080"
 * serviceUrl("db", 5432, { scheme: "postgres", namespace: "data.internal" }); // "postgres://db.data.internal:5432"
 */
export function serviceUrl(service: string, port: number, options?: ServiceUrlOptions): string {
  return sharedDiscovery().serviceUrl(service, port, options);
}
