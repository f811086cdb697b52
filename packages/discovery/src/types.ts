/** What Cloud Map's DiscoverInstances filters on, as `HealthStatus`. */
export type HealthFilter = "HEALTHY" | "UNHEALTHY" | "ALL" | "HEALTHY_OR_ELSE_ALL";

/** One endpoint of a service, as DiscoverInstances reports it. */
export interface DiscoveredInstance {
  /** The instance id it was registered with (an ECS task id, a host name, …). */
  id: string;
  /** `AWS_INSTANCE_IPV4`, when registered with one. */
  ipv4: string | undefined;
  /** `AWS_INSTANCE_PORT` as a number, when registered with one. */
  port: number | undefined;
  /** Every attribute, `AWS_INSTANCE_*` included. */
  attributes: Readonly<Record<string, string>>;
  /** `UNKNOWN` for a service without a health check. */
  healthStatus: "HEALTHY" | "UNHEALTHY" | "UNKNOWN";
}

/** A lookup's answer, with whether it is a fallback to the last good one. */
export interface DiscoverResult {
  instances: readonly DiscoveredInstance[];
  /** True when Cloud Map could not be reached (throttled, network) and this is the last good list. */
  stale: boolean;
  /** Cloud Map's `InstancesRevision` of the list. */
  revision: number | undefined;
  /** When the list was fetched (ms since the epoch, on the injected clock). */
  fetchedAt: number;
}

/**
 * AWS credentials, shaped as the AWS SDK's `AwsCredentialIdentity` (so the SDK's own providers
 * fit): the helper bundles its own copy of the SDK, so it takes credentials, never a client.
 */
export interface AwsCredentials {
  /** The access key id, `AKIA…` (long-term) or `ASIA…` (temporary). */
  readonly accessKeyId: string;
  /** The secret access key; never logged nor put in an error. */
  readonly secretAccessKey: string;
  /** For temporary credentials (an assumed role, SSO). */
  readonly sessionToken?: string;
  /** When temporary credentials lapse; a provider is asked again shortly before. */
  readonly expiration?: Date;
}

/**
 * Asked for credentials on the first request, then again when they are about to expire; e.g.
 * `fromIni({ profile: "dev" })` of `@aws-sdk/credential-providers`, or your own.
 */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;
