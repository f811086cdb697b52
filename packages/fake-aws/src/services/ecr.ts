import { paginate } from "../core/pagination.js";
import { createRandom, deriveSeed } from "../core/random.js";
import { Reader } from "../core/readers.js";
import { AwsError, type CallContext, type ServiceDefinition, type World } from "../core/types.js";
import {
  type BuiltManifest,
  createMemoryImageStore,
  digestOf,
  type ImageStore,
  imageManifest,
  indexManifest,
  MEDIA_TYPES,
  parsePlatform,
  type RepositoryRef,
  type StoredImage,
} from "./ecr-images.js";
import { lifecyclePolicyProblem } from "./ecr-lifecycle.js";

/**
 * ECR: private repositories, their images (kept in an ImageStore), lifecycle policies, tags and
 * registry login. Validation follows the API reference: members failing their constraints are
 * `InvalidParameterException` in ECR's own wording, tags `InvalidTagParameterException`.
 */

export type { ImageStore, RegistryEndpoint, RepositoryRef, StoredImage } from "./ecr-images.js";

export interface EcrOptions {
  /** The fake clock, for what controls record (push times); handlers use the call's clock. */
  clock?: { now(): Date };
  /** Seeds the registry password. */
  seed?: number;
  /**
   * Where images live; default in memory. `reset()` starts a fresh in-memory store, but keeps a
   * store given here: emptying that is its owner's job.
   */
  imageStore?: ImageStore;
}

/** Test controls, on the in-process handle as `aws.ecr`. */
export interface EcrControls {
  /**
   * What `docker push` would leave in a repository (which must exist). With several
   * `platforms` this is a multi-arch push: one untagged manifest per platform plus the tagged
   * manifest list / image index over them.
   */
  pushImage(repositoryName: string, image?: PushImage): Promise<PushedImage>;
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

export type EcrService = ServiceDefinition & { controls: EcrControls };

/** The service model's pattern (it also allows `__` and runs of `-`, as the registry spec does). */
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const REPOSITORY_NAME_TEXT = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*";
const REGISTRY_ID = /^[0-9]{12}$/;
const IMAGE_DIGEST = /^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$/;
const REPOSITORY_ARN = /^arn:aws:ecr:([a-z0-9-]+):([0-9]{12}):repository\/(.+)$/;
const MUTABILITY = ["MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"] as const;
type Mutability = (typeof MUTABILITY)[number];
const ENCRYPTION_TYPES = ["AES256", "KMS", "KMS_DSSE"];
const MAX_TAGS = 50;
const TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;

interface Tag {
  Key: string;
  Value: string;
}

interface Repository {
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

const invalid = (message: string) => new AwsError("InvalidParameterException", message);
const invalidAt = (member: string, rule: string) =>
  invalid(`Invalid parameter at '${member}' failed to satisfy constraint: '${rule}'`);
const invalidTag = (message: string) => new AwsError("InvalidTagParameterException", message);

export function createEcrService(_world: World, options: EcrOptions = {}): EcrService {
  const seed = options.seed ?? 1;
  const now = () => options.clock?.now() ?? new Date();
  const newStore = () =>
    options.imageStore ??
    createMemoryImageStore({ password: createRandom(deriveSeed(seed, "ecr")).chars(64, PASSWORD_ALPHABET) });
  let store = newStore();
  let repositories = new Map<string, Repository>();
  let pushes = 0;

  const keyOf = (region: string, name: string) => `${region}/${name}`;
  const refOf = (repo: Repository, accountId: string): RepositoryRef => ({
    region: repo.region,
    accountId,
    name: repo.name,
  });

  /** The repository a request names (checking the optional registryId), or RepositoryNotFound. */
  const requireRepository = (r: Reader, ctx: CallContext): Repository => {
    const name = repositoryName(r);
    const registryId = r.string("registryId", { pattern: REGISTRY_ID }) ?? ctx.accountId;
    const repo = registryId === ctx.accountId ? repositories.get(keyOf(ctx.region, name)) : undefined;
    if (!repo) throw repositoryNotFound(name, registryId);
    return repo;
  };

  const repositoryOut = (repo: Repository, accountId: string) => ({
    repositoryArn: repo.arn,
    registryId: accountId,
    repositoryName: repo.name,
    repositoryUri: `${store.registry(repo.region, accountId).host}/${repo.name}`,
    createdAt: repo.createdAt,
    imageTagMutability: repo.mutability,
    imageTagMutabilityExclusionFilters: repo.exclusionFilters,
    imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
    encryptionConfiguration: repo.encryption,
  });

  const imageDetail = (repo: Repository, image: StoredImage, accountId: string) => {
    const isIndex = image.mediaType === MEDIA_TYPES.docker.index || image.mediaType === MEDIA_TYPES.oci.index;
    const scanned = repo.scanOnPush && !isIndex;
    return {
      registryId: accountId,
      repositoryName: repo.name,
      imageDigest: image.digest,
      imageTags: image.tags.length > 0 ? image.tags : undefined,
      imageSizeInBytes: image.sizeInBytes,
      imagePushedAt: image.pushedAt,
      imageManifestMediaType: image.mediaType,
      artifactMediaType: image.artifactMediaType,
      imageStatus: "ACTIVE",
      imageScanStatus: scanned
        ? { status: "COMPLETE", description: "The scan was completed successfully." }
        : undefined,
      imageScanFindingsSummary: scanned
        ? {
            imageScanCompletedAt: image.pushedAt,
            vulnerabilitySourceUpdatedAt: image.pushedAt,
            findingSeverityCounts: {},
          }
        : undefined,
    };
  };

  const handlers = {
    CreateRepository: (input: Record<string, unknown>, ctx: CallContext) => {
      const r = Reader.of(input, invalid);
      const name = repositoryName(r);
      const registryId = r.string("registryId", { pattern: REGISTRY_ID }) ?? ctx.accountId;
      if (registryId !== ctx.accountId) {
        throw invalid(
          `Repositories can only be created in your own registry (${ctx.accountId}), not ${registryId}`,
        );
      }
      const { mutability, exclusionFilters } = readMutability(r, false);
      const scanning = r.object("imageScanningConfiguration");
      const scanOnPush = scanning?.bool("scanOnPush") ?? false;
      const encryption = readEncryption(r);
      const tags = readTags(input, "tags", false) ?? [];
      if (tags.length > MAX_TAGS) throw tooManyTags();
      if (repositories.has(keyOf(ctx.region, name))) {
        throw new AwsError(
          "RepositoryAlreadyExistsException",
          `The repository with name '${name}' already exists in the registry with id '${registryId}'`,
        );
      }
      const repo: Repository = {
        region: ctx.region,
        name,
        arn: `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${name}`,
        createdAt: ctx.now(),
        mutability: mutability ?? "MUTABLE",
        exclusionFilters,
        scanOnPush,
        encryption,
        tags: mergeTags([], tags),
        lifecyclePolicy: undefined,
      };
      repositories.set(keyOf(ctx.region, name), repo);
      return { repository: repositoryOut(repo, ctx.accountId) };
    },

    DescribeRepositories: (input: Record<string, unknown>, ctx: CallContext) => {
      const r = Reader.of(input, invalid);
      const registryId = r.string("registryId", { pattern: REGISTRY_ID }) ?? ctx.accountId;
      const names = r.strings("repositoryNames", { min: 1, max: 100 });
      const maxResults = r.int("maxResults", { min: 1, max: 1000 });
      const nextToken = r.string("nextToken");
      if (names !== undefined) {
        if (maxResults !== undefined || nextToken !== undefined) {
          throw invalid("maxResults and nextToken cannot be used when you specify repositoryNames");
        }
        const found = names.map((name) => {
          checkRepositoryName(name, "repositoryNames");
          const repo = registryId === ctx.accountId ? repositories.get(keyOf(ctx.region, name)) : undefined;
          if (!repo) throw repositoryNotFound(name, registryId);
          return repo;
        });
        return { repositories: found.map((repo) => repositoryOut(repo, ctx.accountId)) };
      }
      const all =
        registryId === ctx.accountId
          ? [...repositories.values()].filter((repo) => repo.region === ctx.region).sort(byName)
          : [];
      const page = paginate(all, (repo) => repo.name, {
        token: nextToken,
        max: maxResults ?? 100,
        invalidToken: () => invalidAt("nextToken", "Invalid NextToken"),
      });
      return {
        repositories: page.items.map((repo) => repositoryOut(repo, ctx.accountId)),
        nextToken: page.nextToken,
      };
    },

    DeleteRepository: async (input: Record<string, unknown>, ctx: CallContext) => {
      const r = Reader.of(input, invalid);
      const repo = requireRepository(r, ctx);
      const force = r.bool("force") ?? false;
      const images = await store.list(refOf(repo, ctx.accountId));
      if (images.length > 0 && !force) {
        throw new AwsError(
          "RepositoryNotEmptyException",
          `The repository with name '${repo.name}' in registry with id '${ctx.accountId}' cannot be deleted because it still contains images`,
        );
      }
      await store.drop(refOf(repo, ctx.accountId));
      repositories.delete(keyOf(repo.region, repo.name));
      return { repository: repositoryOut(repo, ctx.accountId) };
    },

    DescribeImages: async (input: Record<string, unknown>, ctx: CallContext) => {
      const r = Reader.of(input, invalid);
      const repo = requireRepository(r, ctx);
      const ids = readImageIds(r, false);
      const maxResults = r.int("maxResults", { min: 1, max: 1000 });
      const nextToken = r.string("nextToken");
      const filter = r.object("filter");
      const tagStatus = filter?.string("tagStatus", { oneOf: ["TAGGED", "UNTAGGED", "ANY"] }) ?? "ANY";
      const imageStatus = filter?.string("imageStatus", {
        oneOf: ["ACTIVE", "ARCHIVED", "ACTIVATING", "ANY"],
      });
      if (ids !== undefined && (maxResults !== undefined || nextToken !== undefined)) {
        throw invalid("maxResults and nextToken cannot be used when you specify imageIds");
      }
      const ref = refOf(repo, ctx.accountId);
      let images: StoredImage[];
      if (ids !== undefined) {
        images = [];
        for (const id of ids) {
          if (id.imageDigest === undefined && id.imageTag === undefined) {
            throw invalid("Invalid parameter at 'imageIds': imageTag or imageDigest must be specified");
          }
          const image = await store.get(ref, imageIdQuery(id));
          if (!image) {
            throw new AwsError(
              "ImageNotFoundException",
              `The image with imageId {imageDigest:'${id.imageDigest ?? "null"}', imageTag:'${id.imageTag ?? "null"}'} does not exist within the repository with name '${repo.name}' in the registry with id '${ctx.accountId}'`,
            );
          }
          if (!images.some((i) => i.digest === image.digest)) images.push(image);
        }
      } else {
        images = (await store.list(ref)).sort(byPushTime);
      }
      const selected = images.filter(
        (image) =>
          (tagStatus === "ANY" || (tagStatus === "TAGGED") === image.tags.length > 0) &&
          (imageStatus === undefined || imageStatus === "ANY" || imageStatus === "ACTIVE"),
      );
      const page = paginate(selected, (image) => image.digest, {
        token: nextToken,
        max: maxResults ?? 100,
        invalidToken: () => invalidAt("nextToken", "Invalid NextToken"),
      });
      return {
        imageDetails: page.items.map((image) => imageDetail(repo, image, ctx.accountId)),
        nextToken: page.nextToken,
      };
    },

    BatchGetImage: async (input: Record<string, unknown>, ctx: CallContext) => {
      const r = Reader.of(input, invalid);
      const repo = requireRepository(r, ctx);
      const ids = readImageIds(r, true);
      r.strings("acceptedMediaTypes", { min: 1, max: 100 });
      const ref = refOf(repo, ctx.accountId);
      const images: unknown[] = [];
      const failures: unknown[] = [];
      const fail = (imageId: ImageId, failureCode: string, failureReason: string) =>
        failures.push({ imageId, failureCode, failureReason });
      for (const id of ids) {
        if (id.imageDigest === undefined && id.imageTag === undefined) {
          fail(
            id,
            "MissingDigestAndTag",
            "Invalid request parameters: image tag and digest cannot both be null",
          );
          continue;
        }
        if (id.imageDigest !== undefined && !IMAGE_DIGEST.test(id.imageDigest)) {
          fail(
            id,
            "InvalidImageDigest",
            "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
          );
          continue;
        }
        const image = await store.get(ref, imageIdQuery(id));
        if (!image) {
          const tagged = id.imageTag === undefined ? undefined : await store.get(ref, { tag: id.imageTag });
          if (tagged && id.imageDigest !== undefined) {
            fail(
              id,
              "ImageTagDoesNotMatchDigest",
              "Invalid request parameters: given tag does not map to the given digest",
            );
          } else fail(id, "ImageNotFound", "Requested image not found");
          continue;
        }
        images.push({
          registryId: ctx.accountId,
          repositoryName: repo.name,
          imageId: { imageDigest: image.digest, imageTag: id.imageTag },
          imageManifest: image.manifest,
          imageManifestMediaType: image.mediaType,
        });
      }
      return { images, failures };
    },

    PutLifecyclePolicy: (input: Record<string, unknown>, ctx: CallContext) => {
      const r = Reader.of(input, invalid);
      const text = r.string("lifecyclePolicyText", { required: true, min: 100, max: 30720 });
      const repo = requireRepository(r, ctx);
      const problem = lifecyclePolicyProblem(text);
      if (problem !== undefined) {
        throw invalidAt("LifecyclePolicyText", `Lifecycle policy validation failure: ${problem}`);
      }
      repo.lifecyclePolicy = { text };
      return { registryId: ctx.accountId, repositoryName: repo.name, lifecyclePolicyText: text };
    },

    GetLifecyclePolicy: (input: Record<string, unknown>, ctx: CallContext) => {
      const repo = requireRepository(Reader.of(input, invalid), ctx);
      if (!repo.lifecyclePolicy) throw lifecyclePolicyNotFound(repo, ctx.accountId);
      return {
        registryId: ctx.accountId,
        repositoryName: repo.name,
        lifecyclePolicyText: repo.lifecyclePolicy.text,
      };
    },

    DeleteLifecyclePolicy: (input: Record<string, unknown>, ctx: CallContext) => {
      const repo = requireRepository(Reader.of(input, invalid), ctx);
      const policy = repo.lifecyclePolicy;
      if (!policy) throw lifecyclePolicyNotFound(repo, ctx.accountId);
      repo.lifecyclePolicy = undefined;
      return { registryId: ctx.accountId, repositoryName: repo.name, lifecyclePolicyText: policy.text };
    },

    PutImageScanningConfiguration: (input: Record<string, unknown>, ctx: CallContext) => {
      const r = Reader.of(input, invalid);
      const scanning = r.object("imageScanningConfiguration", { required: true });
      const repo = requireRepository(r, ctx);
      repo.scanOnPush = scanning.bool("scanOnPush") ?? false;
      return {
        registryId: ctx.accountId,
        repositoryName: repo.name,
        imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
      };
    },

    PutImageTagMutability: (input: Record<string, unknown>, ctx: CallContext) => {
      const r = Reader.of(input, invalid);
      const { mutability, exclusionFilters } = readMutability(r, true);
      const repo = requireRepository(r, ctx);
      repo.mutability = mutability ?? "MUTABLE";
      repo.exclusionFilters = exclusionFilters;
      return {
        registryId: ctx.accountId,
        repositoryName: repo.name,
        imageTagMutability: repo.mutability,
        imageTagMutabilityExclusionFilters: repo.exclusionFilters,
      };
    },

    GetAuthorizationToken: (input: Record<string, unknown>, ctx: CallContext) => {
      const r = Reader.of(input, invalid);
      const registryIds = r.strings("registryIds", { min: 1, max: 10, item: { pattern: REGISTRY_ID } }) ?? [
        ctx.accountId,
      ];
      const expiresAt = new Date(ctx.now().getTime() + TOKEN_LIFETIME_MS);
      return {
        authorizationData: registryIds.map((registryId) => {
          const registry = store.registry(ctx.region, registryId);
          return {
            authorizationToken: Buffer.from(`AWS:${registry.password}`).toString("base64"),
            expiresAt,
            proxyEndpoint: registry.proxyEndpoint,
          };
        }),
      };
    },

    TagResource: (input: Record<string, unknown>, ctx: CallContext) => {
      const r = Reader.of(input, invalid);
      const repo = repositoryByArn(r, ctx);
      const tags = readTags(input, "tags", true) ?? [];
      const merged = mergeTags(repo.tags, tags);
      if (merged.length > MAX_TAGS) throw tooManyTags();
      repo.tags = merged;
      return {};
    },

    UntagResource: (input: Record<string, unknown>, ctx: CallContext) => {
      const r = Reader.of(input, invalid);
      const repo = repositoryByArn(r, ctx);
      const keys =
        Reader.of(input, invalidTag).strings("tagKeys", { required: true, min: 0, max: 200 }) ?? [];
      repo.tags = repo.tags.filter((tag) => !keys.includes(tag.Key));
      return {};
    },

    ListTagsForResource: (input: Record<string, unknown>, ctx: CallContext) => {
      const repo = repositoryByArn(Reader.of(input, invalid), ctx);
      return { tags: repo.tags.map((tag) => ({ ...tag })) };
    },
  };

  const repositoryByArn = (r: Reader, ctx: CallContext): Repository => {
    const arn = r.string("resourceArn", { required: true });
    const match = REPOSITORY_ARN.exec(arn);
    if (!match) throw invalidAt("resourceArn", "Invalid ARN");
    const [, region = "", account = "", name = ""] = match;
    const repo =
      region === ctx.region && account === ctx.accountId ? repositories.get(keyOf(region, name)) : undefined;
    if (!repo) throw repositoryNotFound(name, account);
    return repo;
  };

  const controls: EcrControls = {
    pushImage: async (name, image = {}) => {
      const region = image.region ?? "us-east-1";
      const repo = repositories.get(keyOf(region, name));
      if (!repo) throw repositoryNotFound(name, ACCOUNT_ID);
      const ref = refOf(repo, ACCOUNT_ID);
      pushes += 1;
      const content = image.content ?? `${region}/${name}:${image.tag ?? ""}#${pushes}`;
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
        const current = await store.get(ref, { tag: image.tag });
        if (current && current.digest !== digestOf(top.manifest)) {
          throw new AwsError(
            "ImageTagAlreadyExistsException",
            `The image tag '${image.tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the repository is immutable.`,
          );
        }
      }
      const pushedAt = now();
      const platformManifests = children.length > 1 ? children : [];
      for (const child of platformManifests) await store.put(ref, { ...child.manifest, pushedAt });
      const stored = await store.put(ref, {
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
    },
  };

  return {
    signingName: "ecr",
    protocol: "awsJson1_1",
    targetPrefix: "AmazonEC2ContainerRegistry_V20150921",
    handlers,
    mutating: new Set([
      "CreateRepository",
      "DeleteRepository",
      "PutLifecyclePolicy",
      "DeleteLifecyclePolicy",
      "PutImageScanningConfiguration",
      "PutImageTagMutability",
      "TagResource",
      "UntagResource",
    ]),
    owns: {
      "ecr-repository": (ref, region) => {
        const match = REPOSITORY_ARN.exec(ref);
        if (match) return match[1] === region && repositories.has(keyOf(region, match[3] ?? ""));
        return repositories.has(keyOf(region, ref));
      },
    },
    snapshot: () =>
      [...repositories.values()].sort(byName).map((repo) => ({
        ...repositoryOut(repo, ACCOUNT_ID),
        createdAt: repo.createdAt.toISOString(),
        tags: repo.tags,
        lifecyclePolicyText: repo.lifecyclePolicy?.text,
      })),
    reset: () => {
      repositories = new Map();
      store = newStore();
      pushes = 0;
    },
    controls,
  };
}

const ACCOUNT_ID = "123456789012";
const PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byPushTime = (a: StoredImage, b: StoredImage) =>
  a.pushedAt.getTime() - b.pushedAt.getTime() || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0);

function repositoryNotFound(name: string, registryId: string): AwsError {
  return new AwsError(
    "RepositoryNotFoundException",
    `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
  );
}

function lifecyclePolicyNotFound(repo: Repository, registryId: string): AwsError {
  return new AwsError(
    "LifecyclePolicyNotFoundException",
    `Lifecycle policy does not exist for the repository with name '${repo.name}' in the registry with id '${registryId}'`,
  );
}

function tooManyTags(): AwsError {
  return new AwsError(
    "TooManyTagsException",
    `The list of tags on the repository is over the limit. The maximum number of tags that can be applied to a repository is ${MAX_TAGS}.`,
  );
}

function repositoryName(r: Reader): string {
  const name = r.string("repositoryName");
  if (name === undefined) throw invalidAt("repositoryName", "must not be null");
  checkRepositoryName(name, "repositoryName");
  return name;
}

function checkRepositoryName(name: string, member: string): void {
  if (name.length < 2) throw invalidAt(member, "Member must have length greater than or equal to 2");
  if (name.length > 256) throw invalidAt(member, "Member must have length less than or equal to 256");
  if (!REPOSITORY_NAME.test(name)) {
    throw invalidAt(member, `must satisfy regular expression '${REPOSITORY_NAME_TEXT}'`);
  }
}

function readMutability(
  r: Reader,
  required: boolean,
): {
  mutability: Mutability | undefined;
  exclusionFilters: { filterType: string; filter: string }[] | undefined;
} {
  const value = r.string("imageTagMutability", { required, oneOf: MUTABILITY });
  const mutability = MUTABILITY.find((m) => m === value);
  const filters = r.objects("imageTagMutabilityExclusionFilters", { min: 1, max: 5 }).map((f) => ({
    filterType: f.string("filterType", { required: true, oneOf: ["WILDCARD"] }),
    filter: f.string("filter", { required: true, min: 1, max: 128, pattern: /^[0-9a-zA-Z._*-]{1,128}$/ }),
  }));
  const withExclusion = mutability?.endsWith("_WITH_EXCLUSION") ?? false;
  if (withExclusion && filters.length === 0) {
    throw invalid(`imageTagMutabilityExclusionFilters are required when imageTagMutability is ${mutability}`);
  }
  if (!withExclusion && filters.length > 0) {
    throw invalid(
      "imageTagMutabilityExclusionFilters can only be used with a *_WITH_EXCLUSION imageTagMutability",
    );
  }
  return { mutability, exclusionFilters: filters.length > 0 ? filters : undefined };
}

function readEncryption(r: Reader): { encryptionType: string; kmsKey?: string } {
  const config = r.object("encryptionConfiguration");
  if (!config) return { encryptionType: "AES256" };
  const encryptionType = config.string("encryptionType", { required: true, oneOf: ENCRYPTION_TYPES });
  const kmsKey = config.string("kmsKey", { min: 1, max: 2048 });
  if (encryptionType === "AES256" && kmsKey !== undefined) {
    throw invalid(
      "Invalid parameter at 'encryptionConfiguration': kmsKey can only be specified with KMS encryption",
    );
  }
  return kmsKey === undefined ? { encryptionType } : { encryptionType, kmsKey };
}

function readTags(input: Record<string, unknown>, member: string, required: boolean): Tag[] | undefined {
  const r = Reader.of(input, invalidTag);
  if (!r.has(member)) {
    if (required)
      throw invalidTag(`Invalid parameter at '${member}' failed to satisfy constraint: 'must not be null'`);
    return undefined;
  }
  return r.objects(member).map((tag) => {
    const Key = tag.string("Key", { required: true, min: 1, max: 128 });
    const Value = tag.string("Value", { required: true, min: 0, max: 256 });
    if (Key.toLowerCase().startsWith("aws:"))
      throw invalidTag(`Tag key '${Key}' uses the reserved prefix 'aws:'`);
    return { Key, Value };
  });
}

/** Later values win; order of first appearance is kept. */
function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const map = new Map(existing.map((t) => [t.Key, t.Value]));
  for (const t of added) map.set(t.Key, t.Value);
  return [...map].map(([Key, Value]) => ({ Key, Value }));
}

interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

function readImageIds(r: Reader, required: true): ImageId[];
function readImageIds(r: Reader, required: false): ImageId[] | undefined;
function readImageIds(r: Reader, required: boolean): ImageId[] | undefined {
  if (!r.has("imageIds")) {
    if (required) throw invalidAt("imageIds", "must not be null");
    return undefined;
  }
  return r.objects("imageIds", { min: 1, max: 100 }).map((id) => {
    const imageDigest = id.string("imageDigest");
    const imageTag = id.string("imageTag", { min: 1, max: 300 });
    return {
      ...(imageDigest === undefined ? {} : { imageDigest }),
      ...(imageTag === undefined ? {} : { imageTag }),
    };
  });
}

function imageIdQuery(id: ImageId): { digest?: string; tag?: string } {
  return {
    ...(id.imageDigest === undefined ? {} : { digest: id.imageDigest }),
    ...(id.imageTag === undefined ? {} : { tag: id.imageTag }),
  };
}

function isTagImmutable(repo: Repository, tag: string): boolean {
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
