import { parseImageReference } from "../config/image-reference.js";
import { platformsOfManifest } from "./ecr.js";

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** The registry's API origin for an image reference: Docker Hub for bare names. */
function registryOrigin(registry: string | undefined): string {
  if (registry === undefined || registry === "docker.io") return "https://registry-1.docker.io";
  // Loopback registries (a local mirror, tests) speak plain HTTP, as Docker itself allows.
  return /^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(registry)
    ? `http://${registry}`
    : `https://${registry}`;
}

/** Follows a registry's anonymous bearer-token challenge (Docker Hub, public.ecr.aws, ghcr.io). */
async function anonymousToken(challenge: string, fetcher: typeof fetch): Promise<string | undefined> {
  const fields = Object.fromEntries(
    [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1] ?? "", match[2] ?? ""]),
  );
  if (!challenge.startsWith("Bearer ") || fields.realm === undefined) return undefined;
  const url = new URL(fields.realm);
  if (fields.service) url.searchParams.set("service", fields.service);
  if (fields.scope) url.searchParams.set("scope", fields.scope);
  const response = await fetcher(url);
  if (!response.ok) return undefined;
  const body = (await response.json()) as { token?: string; access_token?: string };
  return body.token ?? body.access_token;
}

/**
 * The platforms a public image offers, read from its registry's manifest (anonymously). Undefined
 * when the registry cannot be asked (private, offline): the caller then picks the safe choice.
 */
export async function registryImagePlatforms(
  reference: string,
  fetcher: typeof fetch = fetch,
): Promise<string[] | undefined> {
  const parsed = parseImageReference(reference);
  if (!("image" in parsed)) return undefined;
  const { registry, repository, tag, digest } = parsed.image;
  const name = registry === undefined && !repository.includes("/") ? `library/${repository}` : repository;
  const url = `${registryOrigin(registry)}/v2/${name}/manifests/${digest ?? tag ?? "latest"}`;
  try {
    let response = await fetcher(url, { headers: { accept: MANIFEST_TYPES } });
    const challenge = response.headers.get("www-authenticate");
    if (response.status === 401 && challenge) {
      const token = await anonymousToken(challenge, fetcher);
      if (token === undefined) return undefined;
      response = await fetcher(url, {
        headers: { accept: MANIFEST_TYPES, authorization: `Bearer ${token}` },
      });
    }
    if (!response.ok) return undefined;
    const platforms = platformsOfManifest(await response.text());
    // A single-image manifest names no platform; its config would, but one image is one platform,
    // and without the index there is no second one to choose.
    return platforms;
  } catch {
    return undefined;
  }
}
