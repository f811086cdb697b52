/**
 * The Cloud Map client the helper builds for itself, from its own bundled copy of the AWS SDK: not
 * part of the public API, whose types never name the SDK's (a job installing this package does not
 * have it).
 */
import { ServiceDiscoveryClient } from "@aws-sdk/client-servicediscovery";
import type { AwsCredentials, AwsCredentialsProvider } from "./types.js";

export interface CloudMapAccess {
  region?: string;
  endpoint?: string;
  credentials?: AwsCredentials | AwsCredentialsProvider;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The region and endpoint from the options or the environment, host prefixes off for a custom
 * endpoint, the given credentials (else the SDK's default chain: env, SSO, ini, container, IMDS),
 * and no SDK retries: the helper retries itself, then falls back to its last good answer.
 */
export function createServiceDiscoveryClient(options: CloudMapAccess = {}): ServiceDiscoveryClient {
  const env = options.env ?? process.env;
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const ignoreEnv = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true";
  const endpoint =
    options.endpoint ??
    (ignoreEnv ? undefined : (env.AWS_ENDPOINT_URL_SERVICEDISCOVERY ?? env.AWS_ENDPOINT_URL));
  return new ServiceDiscoveryClient({
    maxAttempts: 1,
    ...(region === undefined || region === "" ? {} : { region }),
    // DiscoverInstances goes to `data-servicediscovery…`; a custom endpoint has no such host.
    ...(endpoint === undefined || endpoint === "" ? {} : { endpoint, disableHostPrefix: true }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
}
