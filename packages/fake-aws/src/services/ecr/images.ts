import { createHash } from "node:crypto";

/**
 * Where ECR's images live, behind the few operations the ECR API needs. The in-memory store
 * below serves tests; a store backed by a real local Docker registry can replace it (the
 * registry then also answers `docker push`/`pull`, and `registry()` points GetAuthorizationToken
 * and repository URIs at it). The ECR service keeps repositories, tags' mutability rules, scan
 * settings and lifecycle policies itself; the store only keeps manifests and which tags point
 * at them.
 */
export interface ImageStore {
  /** Every image (manifest) of a repository, tagged or not. */
  list(repository: RepositoryRef): Promise<StoredImage[]>;
  /** One image by digest, or by tag; with both, the tag must point at the digest. */
  get(repository: RepositoryRef, id: { digest?: string; tag?: string }): Promise<StoredImage | undefined>;
  /**
   * Stores a manifest (its digest is the sha256 of its bytes) and points `tag` at it, moving the
   * tag off any other image. Returns the stored image.
   */
  put(repository: RepositoryRef, image: NewImage): Promise<StoredImage>;
  /** Forgets a repository's images (DeleteRepository with `force`). */
  drop(repository: RepositoryRef): Promise<void>;
  /** The registry clients log in to and push to. */
  registry(region: string, accountId: string): RegistryEndpoint;
}

export interface RepositoryRef {
  region: string;
  accountId: string;
  name: string;
}

export interface RegistryEndpoint {
  /** `host[:port]` that repository URIs start with. */
  host: string;
  /** What `docker login` is given, e.g. `https://123456789012.dkr.ecr.us-east-1.amazonaws.com`. */
  proxyEndpoint: string;
  /** The password of user `AWS`. */
  password: string;
}

export interface NewImage {
  manifest: string;
  mediaType: string;
  tag?: string;
  /** The config blob's media type, for single-platform manifests. */
  artifactMediaType?: string;
  sizeInBytes: number;
  pushedAt: Date;
}

export interface StoredImage {
  digest: string;
  manifest: string;
  mediaType: string;
  artifactMediaType?: string;
  tags: string[];
  sizeInBytes: number;
  pushedAt: Date;
}

export function digestOf(manifest: string): string {
  return `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
}

export function createMemoryImageStore(options: { password: string }): ImageStore {
  const repositories = new Map<string, Map<string, StoredImage>>();
  const keyOf = (r: RepositoryRef) => `${r.accountId}/${r.region}/${r.name}`;
  const imagesOf = (r: RepositoryRef) => {
    let images = repositories.get(keyOf(r));
    if (images === undefined) {
      images = new Map();
      repositories.set(keyOf(r), images);
    }
    return images;
  };
  const copy = (image: StoredImage): StoredImage => ({ ...image, tags: [...image.tags] });

  return {
    list: async (repository) => [...(repositories.get(keyOf(repository))?.values() ?? [])].map(copy),
    get: async (repository, id) => {
      const images = [...(repositories.get(keyOf(repository))?.values() ?? [])];
      const found = images.find(
        (image) =>
          (id.digest === undefined || image.digest === id.digest) &&
          (id.tag === undefined || image.tags.includes(id.tag)),
      );
      return found === undefined ? undefined : copy(found);
    },
    put: async (repository, image) => {
      const images = imagesOf(repository);
      const digest = digestOf(image.manifest);
      if (image.tag !== undefined) {
        for (const other of images.values()) other.tags = other.tags.filter((t) => t !== image.tag);
      }
      const existing = images.get(digest);
      const stored: StoredImage = existing ?? {
        digest,
        manifest: image.manifest,
        mediaType: image.mediaType,
        ...(image.artifactMediaType === undefined ? {} : { artifactMediaType: image.artifactMediaType }),
        tags: [],
        sizeInBytes: image.sizeInBytes,
        pushedAt: image.pushedAt,
      };
      if (image.tag !== undefined) stored.tags.push(image.tag);
      images.set(digest, stored);
      return copy(stored);
    },
    drop: async (repository) => {
      repositories.delete(keyOf(repository));
    },
    registry: (region, accountId) => {
      const host = `${accountId}.dkr.ecr.${region}.amazonaws.com`;
      return { host, proxyEndpoint: `https://${host}`, password: options.password };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Manifests for test pushes: realistic enough that a client reading them (platforms of a
// multi-arch image, media types, sizes) sees what a `docker buildx` push would leave in ECR.

export const MEDIA_TYPES = {
  docker: {
    manifest: "application/vnd.docker.distribution.manifest.v2+json",
    index: "application/vnd.docker.distribution.manifest.list.v2+json",
    config: "application/vnd.docker.container.image.v1+json",
    layer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  },
  oci: {
    manifest: "application/vnd.oci.image.manifest.v1+json",
    index: "application/vnd.oci.image.index.v1+json",
    config: "application/vnd.oci.image.config.v1+json",
    layer: "application/vnd.oci.image.layer.v1.tar+gzip",
  },
} as const;

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** `linux/arm64/v8` → `{ os: "linux", architecture: "arm64", variant: "v8" }`. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split("/");
  if (!os || !architecture)
    throw new Error(`fake-aws ecr: platform must be os/arch[/variant], got '${text}'`);
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

export interface BuiltManifest {
  manifest: string;
  mediaType: string;
  artifactMediaType?: string;
  sizeInBytes: number;
}

/** One platform's image manifest; `content` stands for what was built (same content, same digest). */
export function imageManifest(
  format: keyof typeof MEDIA_TYPES,
  content: string,
  platform: Platform,
): BuiltManifest {
  const types = MEDIA_TYPES[format];
  const seed = `${content}|${platform.os}/${platform.architecture}/${platform.variant ?? ""}`;
  const blob = (label: string) => `sha256:${createHash("sha256").update(`${seed}|${label}`).digest("hex")}`;
  const layerSize = 1_000_000 + (parseInt(blob("size").slice(7, 13), 16) % 50_000_000);
  const config = { mediaType: types.config, size: 1469, digest: blob("config") };
  const layers = [{ mediaType: types.layer, size: layerSize, digest: blob("layer") }];
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: types.manifest, config, layers });
  return {
    manifest,
    mediaType: types.manifest,
    artifactMediaType: types.config,
    sizeInBytes: config.size + layerSize,
  };
}

/** A manifest list / image index over per-platform manifests. */
export function indexManifest(
  format: keyof typeof MEDIA_TYPES,
  children: readonly { manifest: BuiltManifest; platform: Platform }[],
): BuiltManifest {
  const types = MEDIA_TYPES[format];
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: types.index,
    manifests: children.map((c) => ({
      mediaType: c.manifest.mediaType,
      size: Buffer.byteLength(c.manifest.manifest),
      digest: digestOf(c.manifest.manifest),
      platform: c.platform,
    })),
  });
  return {
    manifest,
    mediaType: types.index,
    sizeInBytes: children.reduce((sum, c) => sum + c.manifest.sizeInBytes, 0),
  };
}
