import type { AwsClients } from "@flexjob/sdk";
import { FlexjobError, isFlexjobError } from "@flexjob/sdk/config";
import {
  type AwsCredentialsProvider,
  createDiscovery,
  type DiscoveredInstance,
  type HealthFilter,
} from "@flexjob/sdk/discovery";
import { loadCliConfig } from "../config-warnings.js";
import { type CliIo, printJson } from "../io.js";

export interface DiscoverFlags {
  config?: string;
  namespace?: string;
  health: HealthFilter;
  json?: boolean;
}

/**
 * The namespace: --namespace, else flexjob.yml's (discovery.namespace, default `<app>.internal`),
 * else FLEXJOB_NAMESPACE; the region from flexjob.yml when there is one, else the environment.
 */
async function lookupContext(
  io: CliIo,
  flags: DiscoverFlags,
): Promise<{ namespace: string; region: string }> {
  let namespace = flags.namespace;
  let region: string | undefined;
  try {
    const { config } = await loadCliConfig(io, flags.config);
    namespace ??= config.discovery?.namespace ?? `${config.app}.internal`;
    region = config.region;
  } catch (error) {
    // Outside a flexjob repository the command still works, from flags and the environment.
    if (!(isFlexjobError(error) && error.code === "CONFIG_NOT_FOUND" && flags.config === undefined))
      throw error;
  }
  namespace ??= io.env.FLEXJOB_NAMESPACE;
  if (namespace === undefined || namespace === "") {
    throw new FlexjobError(
      "no Cloud Map namespace: no flexjob.yml here, no --namespace and no FLEXJOB_NAMESPACE",
      {
        code: "INPUT_INVALID",
        remedy: "pass --namespace billing.internal (for example), or run it where flexjob.yml is",
      },
    );
  }
  region ??= io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (region === undefined) {
    throw new FlexjobError("no AWS region: flexjob.yml has no region and AWS_REGION is not set", {
      code: "INPUT_INVALID",
      remedy: "add region: eu-west-1 (for example) to flexjob.yml, or export AWS_REGION",
    });
  }
  return { namespace, region };
}

function instanceLines(instances: readonly DiscoveredInstance[]): string[] {
  const rows = instances.map((instance) => [
    instance.id,
    instance.ipv4 === undefined
      ? "-"
      : `${instance.ipv4}${instance.port === undefined ? "" : `:${instance.port}`}`,
    instance.healthStatus,
    Object.keys(instance.attributes)
      .filter((key) => !key.startsWith("AWS_"))
      .sort()
      .map((key) => `${key}=${instance.attributes[key]}`)
      .join(" "),
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows.map((row) =>
    `  ${row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join("  ")}`.trimEnd(),
  );
}

/**
 * How the CLI's Cloud Map client reaches AWS, handed to the discovery helper, which builds its own
 * client and takes no other: the same region, credentials and custom endpoint (an endpoint from the
 * environment the helper reads itself, from the same env).
 */
async function cloudMapAccess(
  client: AwsClients["servicediscovery"],
  region: string,
): Promise<{ region: string; credentials: AwsCredentialsProvider; endpoint?: string }> {
  const { config } = client;
  const endpoint = config.isCustomEndpoint ? await config.endpoint?.() : undefined;
  const port = endpoint?.port === undefined ? "" : `:${endpoint.port}`;
  return {
    region,
    credentials: config.credentials,
    ...(endpoint === undefined
      ? {}
      : { endpoint: `${endpoint.protocol}//${endpoint.hostname}${port}${endpoint.path}` }),
  };
}

export async function discoverCommand(io: CliIo, service: string, flags: DiscoverFlags): Promise<void> {
  const { namespace, region } = await lookupContext(io, flags);
  const [clients, { loadClients }] = await Promise.all([io.clients(region), import("@flexjob/sdk")]);
  await loadClients(clients, "servicediscovery");
  const discovery = createDiscovery({
    ...(await cloudMapAccess(clients.servicediscovery, region)),
    namespace,
    env: io.env,
    now: () => io.now().getTime(),
    sleep: io.sleep,
  });
  const { instances } = await discovery.discoverDetailed(service, { healthStatus: flags.health });
  if (flags.json) {
    printJson(io, { namespace, service, healthStatus: flags.health, instances });
    return;
  }
  const count =
    instances.length === 0
      ? "no instances"
      : `${instances.length} instance${instances.length === 1 ? "" : "s"}`;
  io.stdout(
    `${[`${service}.${namespace}: ${count} (health filter ${flags.health})`, ...instanceLines(instances)].join("\n")}\n`,
  );
}
