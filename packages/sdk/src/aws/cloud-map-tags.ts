import { type DiscoveryClients, loadSdk } from "./clients.js";

/** Cloud Map namespaces and services carry flexjob's ownership tags like every other resource. */

export async function readCloudMapTags(
  clients: DiscoveryClients,
  arn: string,
): Promise<Record<string, string>> {
  const { ListTagsForResourceCommand } = await loadSdk(clients, "servicediscovery");
  const { Tags = [] } = await clients.servicediscovery.send(
    new ListTagsForResourceCommand({ ResourceARN: arn }),
  );
  return Object.fromEntries(Tags.map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
}

export { tagChanges } from "../plan/diff.js";

export function cloudMapTagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ Key: key, Value: tags[key] ?? "" }));
}

/** The desired tags that differ from the live ones, for one TagResource call. */
export function changedTags(
  desired: Record<string, string>,
  live: Record<string, string> | undefined,
): Record<string, string> {
  return Object.fromEntries(Object.entries(desired).filter(([key, value]) => live?.[key] !== value));
}
