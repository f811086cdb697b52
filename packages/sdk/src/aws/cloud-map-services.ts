import type { ServiceSummary } from "@aws-sdk/client-servicediscovery";
import { wrapAwsError } from "./aws-error.js";
import { type DiscoveryClients, loadSdk } from "./clients.js";
import { readCloudMapTags } from "./cloud-map-tags.js";

/** A Cloud Map service as it exists, with its tags: what the namespace and service adapters read. */
export interface ServiceLive {
  id: string;
  arn: string;
  name: string;
  namespaceId: string;
  dnsRecords: { Type: string; TTL: number }[];
  routingPolicy: string | undefined;
  healthCheckCustom: boolean;
  tags: Record<string, string>;
}

/**
 * Every service of a namespace with its tags, e.g. for destroy to delete the flexjob-tagged ones.
 *
 * @example
 * const owned = (await listServices({ servicediscovery }, "ns-abc123")).filter((s) => s.tags["flexjob:managed"] === "true");
 */
export async function listServices(clients: DiscoveryClients, namespaceId: string): Promise<ServiceLive[]> {
  try {
    const summaries = await listServiceSummaries(clients, namespaceId);
    return await Promise.all(summaries.map((summary) => liveService(clients, namespaceId, summary)));
  } catch (error) {
    throw wrapAwsError(error, `listing Cloud Map services in ${namespaceId}`);
  }
}

export async function listServiceSummaries(
  clients: DiscoveryClients,
  namespaceId: string,
): Promise<ServiceSummary[]> {
  const { ListServicesCommand } = await loadSdk(clients, "servicediscovery");
  const found: ServiceSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.servicediscovery.send(
      new ListServicesCommand({
        NextToken: nextToken,
        Filters: [{ Name: "NAMESPACE_ID", Values: [namespaceId], Condition: "EQ" }],
      }),
    );
    found.push(...(page.Services ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return found;
}

export async function liveService(
  clients: DiscoveryClients,
  namespaceId: string,
  summary: ServiceSummary,
): Promise<ServiceLive> {
  const arn = summary.Arn ?? "";
  return {
    id: summary.Id ?? "",
    arn,
    name: summary.Name ?? "",
    namespaceId,
    dnsRecords: (summary.DnsConfig?.DnsRecords ?? []).map((record) => ({
      Type: record.Type ?? "",
      TTL: record.TTL ?? 0,
    })),
    routingPolicy: summary.DnsConfig?.RoutingPolicy,
    healthCheckCustom: summary.HealthCheckCustomConfig !== undefined,
    tags: await readCloudMapTags(clients, arn),
  };
}
