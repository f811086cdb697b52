import {
  digestOf,
  type ImageStore,
  MEDIA_TYPES,
  type NewImage,
  type RegistryEndpoint,
  type RepositoryRef,
  type StoredImage,
} from "./images.js";

/**
 * An {@link ImageStore} kept in a real Docker registry (distribution's HTTP API v2), so that ECR's
 * DescribeImages and BatchGetImage answer from what `docker push` really put there, and
 * GetAuthorizationToken and repository URIs point clients at that registry.
 *
 * - A repository `flexjob/app/job` is the registry's `flexjob/app/job`: one registry stands for
 *   one account in one region (the region and account of a {@link RepositoryRef} are not used).
 * - Images are what the registry can list: tagged manifests (`tags/list`, then each tag's
 *   manifest), plus the per-platform manifests a tagged image index names. A manifest pushed
 *   without any tag cannot be listed through the registry API, so it is not an image here.
 * - The registry records no push time: `pushedAt` is when this store first saw the digest.
 * - `put` stores a manifest with `PUT /v2/<name>/manifests/<tag>`; the registry accepts it only
 *   when its blobs are already there (a re-tag of a pushed image, say), so fabricated test
 *   manifests (`aws.ecr.pushImage`) need the in-memory store.
 * - `drop` deletes every manifest it can list, by digest. That needs a registry started with
 *   `storage.delete.enabled: true` (scripts/docker-test-env.sh starts it so); otherwise the
 *   registry answers 405 and `drop` (DeleteRepository with `force`) fails with that message.
 *   Layers stay on disk until the registry's own `garbage-collect`.
 *
 * @example
 * const aws = await startFakeAws({
 *   imageStore: createRegistryImageStore({ registry: process.env.FLEXJOB_TEST_REGISTRY ?? "127.0.0.1:5000" }),
 * });
 */
export interface RegistryImageStoreOptions {
  /** `host:port` (plain HTTP) or a URL, e.g. `127.0.0.1:5000` or `https://registry.test`. */
  registry: string;
  /**
   * The password GetAuthorizationToken hands out for user `AWS`. A registry without auth accepts
   * any login; when the registry does check (htpasswd with user `AWS`), the store's own calls
   * send it too. Default `fake-aws`.
   */
  password?: string;
  /** For tests of the store itself. */
  fetch?: typeof fetch;
  /** When a digest is first seen, for `pushedAt`; default the wall clock. */
  now?: () => Date;
}

/** The manifest media types this store asks for: image indexes and single images, OCI and Docker. */
const ACCEPT = [
  MEDIA_TYPES.oci.index,
  MEDIA_TYPES.docker.index,
  MEDIA_TYPES.oci.manifest,
  MEDIA_TYPES.docker.manifest,
].join(", ");

const INDEX_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.oci.index, MEDIA_TYPES.docker.index]);

interface Manifest {
  digest: string;
  text: string;
  mediaType: string;
}

interface ParsedManifest {
  mediaType?: unknown;
  config?: { mediaType?: unknown; size?: unknown };
  layers?: { size?: unknown }[];
  manifests?: { digest?: unknown }[];
}

/** A registry's error body: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}`. */
function registryErrorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = parsed.errors?.[0];
    if (first !== undefined) return `${String(first.code)}: ${String(first.message)}`;
  } catch {
    // Not JSON: show it as it came.
  }
  return body.slice(0, 200);
}

function parseManifest(text: string): ParsedManifest {
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === "object" && parsed !== null ? (parsed as ParsedManifest) : {};
}

const sizeOf = (value: unknown): number => (typeof value === "number" ? value : 0);

/** The `next` URL of a paginated answer (`Link: </v2/…?last=x&n=100>; rel="next"`). */
function nextLink(header: string | null, base: string): string | undefined {
  const match = header === null ? null : /<([^>]+)>\s*;\s*rel="?next"?/.exec(header);
  return match?.[1] === undefined ? undefined : new URL(match[1], base).toString();
}

export function createRegistryImageStore(options: RegistryImageStoreOptions): ImageStore {
  const base = new URL(
    /^[a-z][a-z0-9+.-]*:\/\//i.test(options.registry) ? options.registry : `http://${options.registry}`,
  );
  const origin = base.origin;
  const password = options.password ?? "fake-aws";
  const fetcher = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const firstSeen = new Map<string, Date>();
  const auth =
    options.password === undefined
      ? {}
      : { authorization: `Basic ${Buffer.from(`AWS:${password}`).toString("base64")}` };

  const seen = (digest: string, at?: Date): Date => {
    const known = firstSeen.get(digest);
    if (known !== undefined) return known;
    const when = at ?? now();
    firstSeen.set(digest, when);
    return when;
  };

  const call = async (
    method: string,
    url: string,
    init: { headers?: Record<string, string>; body?: string } = {},
  ) => {
    try {
      return await fetcher(url, {
        method,
        headers: { ...auth, ...init.headers },
        ...(init.body === undefined ? {} : { body: init.body }),
      });
    } catch (error) {
      throw new Error(
        `fake-aws ecr: the registry at ${origin} did not answer ${method} ${new URL(url).pathname} (${error instanceof Error ? error.message : String(error)}); is it running? scripts/docker-test-env.sh starts one`,
        { cause: error },
      );
    }
  };

  const fail = async (response: Response, what: string, fix?: string): Promise<never> => {
    throw new Error(
      `fake-aws ecr: the registry at ${origin} refused ${what}: HTTP ${response.status} ${registryErrorText(await response.text())}${fix === undefined ? "" : `; ${fix}`}`,
    );
  };

  const manifestUrl = (name: string, reference: string) => `${origin}/v2/${name}/manifests/${reference}`;

  /** Every tag of a repository; none for a repository the registry does not know. */
  const tagsOf = async (name: string): Promise<string[]> => {
    const tags: string[] = [];
    let url: string | undefined = `${origin}/v2/${name}/tags/list`;
    while (url !== undefined) {
      const response = await call("GET", url);
      if (response.status === 404) return [];
      if (!response.ok) await fail(response, `listing the tags of ${name}`);
      const body = (await response.json()) as { tags?: unknown };
      if (Array.isArray(body.tags))
        tags.push(...body.tags.filter((tag): tag is string => typeof tag === "string"));
      url = nextLink(response.headers.get("link"), origin);
    }
    return tags;
  };

  /** The digest a tag points at (HEAD), or undefined when it points at nothing. */
  const digestOfTag = async (name: string, tag: string): Promise<string | undefined> => {
    const response = await call("HEAD", manifestUrl(name, tag), { headers: { accept: ACCEPT } });
    if (response.status === 404) return undefined;
    if (!response.ok) await fail(response, `looking up ${name}:${tag}`);
    const digest = response.headers.get("docker-content-digest");
    if (digest === null)
      throw new Error(
        `fake-aws ecr: the registry at ${origin} sent no Docker-Content-Digest for ${name}:${tag}`,
      );
    return digest;
  };

  const manifest = async (name: string, reference: string): Promise<Manifest | undefined> => {
    const response = await call("GET", manifestUrl(name, reference), { headers: { accept: ACCEPT } });
    if (response.status === 404) return undefined;
    if (!response.ok) await fail(response, `reading the manifest ${name}@${reference}`);
    // The exact bytes: their sha256 is the digest.
    const text = Buffer.from(await response.arrayBuffer()).toString("utf8");
    // The registry's Content-Type is the manifest's type (an OCI manifest need not repeat it inside).
    const contentType = response.headers.get("content-type")?.split(";")[0]?.trim() ?? "";
    const declared = parseManifest(text).mediaType;
    const mediaType = contentType.includes("vnd.") || typeof declared !== "string" ? contentType : declared;
    return { digest: response.headers.get("docker-content-digest") ?? digestOf(text), text, mediaType };
  };

  /** Digest → the tags pointing at it, in the registry's tag order. */
  const tagMap = async (name: string): Promise<Map<string, string[]>> => {
    const byDigest = new Map<string, string[]>();
    for (const tag of await tagsOf(name)) {
      const digest = await digestOfTag(name, tag);
      if (digest !== undefined) byDigest.set(digest, [...(byDigest.get(digest) ?? []), tag]);
    }
    return byDigest;
  };

  const toImage = async (name: string, found: Manifest, tags: string[]): Promise<StoredImage> => {
    const parsed = parseManifest(found.text);
    let sizeInBytes: number;
    if (INDEX_TYPES.has(found.mediaType)) {
      sizeInBytes = 0;
      for (const child of parsed.manifests ?? []) {
        if (typeof child.digest !== "string") continue;
        const image = await manifest(name, child.digest);
        if (image !== undefined) sizeInBytes += imageSize(parseManifest(image.text));
      }
    } else sizeInBytes = imageSize(parsed);
    const artifactMediaType =
      typeof parsed.config?.mediaType === "string" ? parsed.config.mediaType : undefined;
    return {
      digest: found.digest,
      manifest: found.text,
      mediaType: found.mediaType,
      ...(artifactMediaType === undefined ? {} : { artifactMediaType }),
      tags,
      sizeInBytes,
      pushedAt: seen(found.digest),
    };
  };

  /** Tagged images, then the untagged per-platform images their indexes name. */
  const listImages = async (name: string): Promise<StoredImage[]> => {
    const images: StoredImage[] = [];
    const tagged = await tagMap(name);
    for (const [digest, tags] of tagged) {
      const found = await manifest(name, digest);
      if (found !== undefined) images.push(await toImage(name, found, tags));
    }
    for (const index of images.filter((image) => INDEX_TYPES.has(image.mediaType))) {
      for (const child of parseManifest(index.manifest).manifests ?? []) {
        if (typeof child.digest !== "string" || images.some((image) => image.digest === child.digest))
          continue;
        const found = await manifest(name, child.digest);
        if (found !== undefined) images.push(await toImage(name, found, tagged.get(child.digest) ?? []));
      }
    }
    return images;
  };

  const get = async (
    repository: RepositoryRef,
    id: { digest?: string; tag?: string },
  ): Promise<StoredImage | undefined> => {
    const name = repository.name;
    const digest = id.tag === undefined ? id.digest : await digestOfTag(name, id.tag);
    if (digest === undefined || (id.digest !== undefined && id.digest !== digest)) return undefined;
    const found = await manifest(name, digest);
    if (found === undefined) return undefined;
    return toImage(name, found, (await tagMap(name)).get(found.digest) ?? []);
  };

  const put = async (repository: RepositoryRef, image: NewImage): Promise<StoredImage> => {
    const name = repository.name;
    const digest = digestOf(image.manifest);
    const response = await call("PUT", manifestUrl(name, image.tag ?? digest), {
      headers: { "content-type": image.mediaType },
      body: image.manifest,
    });
    if (!response.ok)
      await fail(
        response,
        `the manifest for ${name}:${image.tag ?? digest}`,
        "a registry keeps only manifests whose blobs were pushed: push the image with docker",
      );
    seen(digest, image.pushedAt);
    const stored = await get(repository, { digest });
    if (stored === undefined)
      throw new Error(
        `fake-aws ecr: the registry at ${origin} lost ${name}@${digest} right after storing it`,
      );
    return stored;
  };

  const drop = async (repository: RepositoryRef): Promise<void> => {
    const name = repository.name;
    // Indexes first: a registry may refuse to delete a manifest an index still names.
    const images = (await listImages(name)).sort(
      (a, b) => Number(INDEX_TYPES.has(b.mediaType)) - Number(INDEX_TYPES.has(a.mediaType)),
    );
    for (const image of images) {
      const response = await call("DELETE", manifestUrl(name, image.digest));
      if (response.ok || response.status === 404) continue;
      if (response.status === 405) {
        await fail(
          response,
          `deleting ${name}@${image.digest}`,
          "start the registry with storage.delete.enabled: true",
        );
      }
      await fail(response, `deleting ${name}@${image.digest}`);
    }
  };

  return {
    list: (repository) => listImages(repository.name),
    get,
    put,
    drop,
    registry: (): RegistryEndpoint => ({ host: base.host, proxyEndpoint: origin, password }),
  };
}

/** What a single-platform image weighs: its config and layers, as pushed (compressed). */
function imageSize(manifest: ParsedManifest): number {
  return (
    sizeOf(manifest.config?.size) +
    (manifest.layers ?? []).reduce((sum, layer) => sum + sizeOf(layer.size), 0)
  );
}
