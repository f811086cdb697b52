/**
 * @flexjob/discovery — find the services a job calls, from inside the running job. Its own package
 * so a job's image holds only the Cloud Map client: no ECS, ECR, EC2 or Scheduler client, no config
 * parser. Nothing happens at import time. `@flexjob/sdk/discovery` re-exports all of it.
 *
 * ```ts
 * import { resolveUrl, serviceUrl } from "@flexjob/discovery";
 * const api = await resolveUrl("api");          // "http://10.0.1.23:8080", via DiscoverInstances
 * const viaDns = serviceUrl("api", 8080);        // "http://api.billing.internal:8080", no API call
 * ```
 */

// client.js is the entry's client API as it stands (the factory, the interface and its options).
export * from "./client.js";
export { DiscoveryError, type DiscoveryFailure } from "./errors.js";
// DiscoveryError is a FlexjobError: exported so `instanceof FlexjobError` works from this package alone.
export {
  type Fault,
  type FieldIssue,
  FlexjobError,
  type FlexjobErrorCode,
  type FlexjobErrorOptions,
  isFlexjobError,
  type SourceLocation,
} from "./flexjob-error.js";
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
export type {
  AwsCredentials,
  AwsCredentialsProvider,
  DiscoveredInstance,
  DiscoverResult,
  HealthFilter,
} from "./types.js";
