import { AwsError } from "../../core/types.js";
import {
  type BuiltManifest,
  digestOf,
  type ImageStore,
  imageManifest,
  indexManifest,
  parsePlatform,
  type RepositoryRef,
  type StoredImage,
} from "./images.js";

/**
 * ECR's state: repositories (by `region/name`) and the ImageStore their images live in, with
 * the operations on them that throw the AwsError ECR would answer with. Reading a request and
 * shaping a response is the handlers' work (handlers.ts).
 */

export const ACCOUNT_ID = "123456789012";
export const MAX_TAGS = 50;
export const REPOSITORY_ARN = /^arn:aws:ecr:([a-z0-9-]+):([0-9]{12}):repository\/(.+)$/;
export const MUTABILITY = [
  "MUTABLE",
  "IMMUTABLE",
  "IMMUTABLE_WITH_EXCLUSION",
  "MUTABLE_WITH_EXCLUSION",
] as const;
export type Mutability = (typeof MUTABILITY)[number];

export interface Tag {
  Key: string;
  Value: string;
}

export interface Repository {
  region: string;
  name: string;
  arn: string;
  createdAt: Date;
  mutability: Mutability;
  exclusionFilters: { filterType: string; filter: string }[] | undefined;
  scanOnPush: boolean;
  encryption: { encryptionType: string; kmsKey?: string };
  tags: Tag[];
  lifecyclePolicy: { text: string } | undefined;
}

export interface EcrState {
  store: ImageStore;
  repositories: Map<string, Repository>;
  /** Pushes so far: makes each push's default content unique. */
  pushes: number;
}

/** What every handler works with; `state` is replaced on reset. */
export interface EcrEnv {
  state: EcrState;
}

export const keyOf = (region: string, name: string) => `${region}/${name}`;

export const refOf = (repo: Repository, accountId: string): RepositoryRef => ({
  region: repo.region,
  accountId,
  name: repo.name,
});

/** Whether a repository exists, named by name or ARN, in this region. */
export function hasRepository(state: EcrState, ref: string, region: string): boolean {
  const match = REPOSITORY_ARN.exec(ref);
  if (match) return match[1] === region && state.repositories.has(keyOf(region, match[3] ?? ""));
  return state.repositories.has(keyOf(region, ref));
}

export const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
export const byPushTime = (a: StoredImage, b: StoredImage) =>
  a.pushedAt.getTime() - b.pushedAt.getTime() || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0);

export function repositoryNotFound(name: string, registryId: string): AwsError {
  return new AwsError(
    "RepositoryNotFoundException",
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
  );
}

export function lifecyclePolicyNotFound(repo: Repository, registryId: string): AwsError {
  return new AwsError(
    "LifecyclePolicyNotFoundException",
    `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${registryId}'`,
  );
}

export function tooManyTags(): AwsError {
  return new AwsError(
    "TooManyTagsException",
    `The list of tags on the repository is over the limit. The maximum number of tags that can be applied to a repository is ${MAX_TAGS}.`,
  );
}

/** Later values win; order of first appearance is kept. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const map = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of added) map.set(t.Key, t.Value);
  return [...map].map(([Key, Value]) => ({ Key, Value }));
}

export function isTagImmutable(repo: Repository, tag: string): boolean {
  const excluded = (repo.exclusionFilters ?? []).some((f) => wildcard(f.filter).test(tag));
  switch (repo.mutability) {
    case "IMMUTABLE":
      return true;
    case "IMMUTABLE_WITH_EXCLUSION":
      return !excluded;
    case "MUTABLE_WITH_EXCLUSION":
      return excluded;
    default:
      return false;
  }
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`);
}

export interface PushImage {
  region?: string;
  tag?: string;
  /** `os/arch[/variant]`; default `["linux/amd64"]`. More than one makes a manifest list. */
  platforms?: readonly string[];
  /** Manifest media types as `docker` (default) or `oci` would push them. */
  format?: "docker" | "oci";
  /** Stands for what was built: the same content gives the same digests. Default: unique per push. */
  content?: string;
  /** A manifest to store as is (then `platforms`, `format` and `content` are not used). */
  manifest?: string;
  /** Media type of `manifest`; default read from its `mediaType` field. */
  mediaType?: string;
}

export interface PushedImage {
  /** The digest the tag points at (the manifest list's, for a multi-arch push). */
  digest: string;
  mediaType: string;
  manifest: string;
  /** Per-platform manifests of a multi-arch push; empty otherwise. */
  platforms: { platform: string; digest: string }[];
}

/**
 * The `pushImage` control: what `docker push` would leave in a repository. With several
 * platforms, one untagged manifest per platform plus the tagged list / index over them.
 */
export async function pushImage(
  state: EcrState,
  name: string,
  image: PushImage,
  now: () => Date,
): Promise<PushedImage> {
  const region = image.region ?? "us-east-1";
  const repo = state.repositories.get(keyOf(region, name));
  if (!repo) throw repositoryNotFound(name, ACCOUNT_ID);
  const ref = refOf(repo, ACCOUNT_ID);
  state.pushes += 1;
  const content = image.content ?? `${region}/${name}:${image.tag ?? ""}#${state.pushes}`;
  const format = image.format ?? "docker";
  const children =
    image.manifest === undefined
      ? (image.platforms ?? ["linux/amd64"]).map((text) => {
          const platform = parsePlatform(text);
          return { text, manifest: imageManifest(format, content, platform), platform };
        })
      : [];
  const top =
    image.manifest !== undefined
      ? rawManifest(image.manifest, image.mediaType)
      : children.length === 1 && children[0]
        ? children[0].manifest
        : indexManifest(format, children);
  if (image.tag !== undefined && isTagImmutable(repo, image.tag)) {
    // Pushing the identical manifest again is not an overwrite; a different one is.
    const current = await state.store.get(ref, { tag: image.tag });
    if (current && current.digest !== digestOf(top.manifest)) {
      throw new AwsError(
        "ImageTagAlreadyExistsException",
        `The image tag '${image.tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`,
      );
    }
  }
  const pushedAt = now();
  const platformManifests = children.length > 1 ? children : [];
  for (const child of platformManifests) await state.store.put(ref, { ...child.manifest, pushedAt });
  const stored = await state.store.put(ref, {
    ...top,
    ...(image.tag === undefined ? {} : { tag: image.tag }),
    pushedAt,
  });
  return {
    digest: stored.digest,
    mediaType: stored.mediaType,
    manifest: stored.manifest,
    platforms: platformManifests.map((c) => ({
      platform: c.text,
      digest: digestOf(c.manifest.manifest),
    })),
  };
}

function rawManifest(manifest: string, mediaType: string | undefined): BuiltManifest {
  let declared: unknown;
  try {
    declared = (JSON.parse(manifest) as { mediaType?: unknown }).mediaType;
  } catch {
    throw new Error("fake-aws ecr: pushImage manifest must be JSON");
  }
  const type = mediaType ?? (typeof declared === "string" ? declared : undefined);
  if (type === undefined)
    throw new Error("fake-aws ecr: pushImage needs a mediaType for a manifest without one");
  return { manifest, mediaType: type, sizeInBytes: Buffer.byteLength(manifest) };
}
