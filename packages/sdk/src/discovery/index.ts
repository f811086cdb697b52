/**
 * @flexjob/sdk/discovery — find the services a job calls, from inside the running job. Small on
 * purpose: only the Cloud Map client and a few local modules (no ECS, ECR or Scheduler client, no
 * config parser), and nothing happens at import time.
 *
 * ```ts
 * import { resolveUrl, serviceUrl } from "@flexjob/sdk/discovery";
 * const api = await resolveUrl("api");          // "http://10.0.1.23:8080", via DiscoverInstances
 * const viaDns = serviceUrl("api", 8080);        // "http://api.billing.internal:8080", no API call
 * ```
 */

// DiscoveryError is a FlexjobError: exported so `instanceof FlexjobError` works from this entry alone.
export * from "../public-errors.js";
// client.js is the entry's client API as it stands (the factory, the interface and its options).
export * from "./client.js";
export { DiscoveryError, type DiscoveryFailure } from "./errors.js";
export type { PickStrategy } from "./pick.js";
export type { RetryOptions } from "./retry.js";
export {
  configureDiscovery,
  discover,
  discoverDetailed,
  pick,
  resolveUrl,
  serviceUrl,
} from "./shared-client.js";
export type { DiscoveredInstance, DiscoverResult, HealthFilter } from "./types.js";
