/**
 * @flexjob/sdk/discovery — find the services a job calls, from inside the running job. The helper
 * itself is the `@flexjob/discovery` package (only the Cloud Map client, nothing at import time);
 * this entry re-exports it whole, so code written against the SDK's subpath keeps working. A job
 * that needs nothing else installs `@flexjob/discovery` and leaves the deploy clients out of its image.
 *
 * ```ts
 * import { resolveUrl, serviceUrl } from "@flexjob/sdk/discovery";
 * const api = await resolveUrl("api");          // "http://10.0.1.23:8080", via DiscoverInstances
 * const viaDns = serviceUrl("api", 8080);        // "http://api.billing.internal:8080", no API call
 * ```
 */

export * from "@flexjob/discovery";
