import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { paginate } from "../../core/pagination.js";
import { Reader } from "../../core/readers.js";
import { AwsError, type CallContext, type Handler } from "../../core/types.js";
import { MEDIA_TYPES, type StoredImage } from "./images.js";
import { lifecyclePolicyProblem } from "./lifecycle.js";
import {
  byName,
  byPushTime,
  type EcrEnv,
  type EcrState,
  keyOf,
  lifecyclePolicyNotFound,
  MAX_TAGS,
  MUTABILITY,
  type Mutability,
  mergeTags,
  REPOSITORY_ARN,
  type Repository,
  refOf,
  repositoryNotFound,
  type Tag,
  tooManyTags,
} from "./state.js";

/**
 * ECR's request handlers: each reads and checks its input with the Reader (members failing
 * their constraints are `InvalidParameterException` in ECR's own wording, tags
 * `InvalidTagParameterException`), asks the state (state.ts) for what it names, and shapes the
 * response.
 */

/** The service model's pattern (it also allows `__` and runs of `-`, as the registry spec does). */
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const REPOSITORY_NAME_TEXT = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*";
const REGISTRY_ID = /^[0-9]{12}$/;
const IMAGE_DIGEST = /^[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+$/;
const ENCRYPTION_TYPES = ["AES256", "KMS", "KMS_DSSE"];
const TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;

const invalid = (message: string) => new AwsError("InvalidParameterException", message);
const invalidAt = (member: string, rule: string) =>
  invalid(`Invalid parameter at '${member}' failed to satisfy constraint: '${rule}'`);
const invalidTag = (message: string) => new AwsError("InvalidTagParameterException", message);

const OPERATIONS: Record<string, OperationHandler<EcrEnv>> = {
  CreateRepository: createRepository,
  DescribeRepositories: describeRepositories,
  DeleteRepository: deleteRepository,
  DescribeImages: describeImages,
  BatchGetImage: batchGetImage,
  PutLifecyclePolicy: putLifecyclePolicy,
  GetLifecyclePolicy: getLifecyclePolicy,
  DeleteLifecyclePolicy: deleteLifecyclePolicy,
  PutImageScanningConfiguration: putImageScanningConfiguration,
  PutImageTagMutability: putImageTagMutability,
  GetAuthorizationToken: getAuthorizationToken,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

export function ecrHandlers(env: EcrEnv): Record<string, Handler> {
  return bindHandlers(env, OPERATIONS);
}

function createRepository(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
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
  if (env.state.repositories.has(keyOf(ctx.region, name))) {
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
  env.state.repositories.set(keyOf(ctx.region, name), repo);
  return { repository: repositoryOut(env.state, repo, ctx.accountId) };
}

function describeRepositories(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
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
      const repo =
        registryId === ctx.accountId ? env.state.repositories.get(keyOf(ctx.region, name)) : undefined;
      if (!repo) throw repositoryNotFound(name, registryId);
      return repo;
    });
    return { repositories: found.map((repo) => repositoryOut(env.state, repo, ctx.accountId)) };
  }
  const all =
    registryId === ctx.accountId
      ? [...env.state.repositories.values()].filter((repo) => repo.region === ctx.region).sort(byName)
      : [];
  const page = paginate(all, (repo) => repo.name, {
    token: nextToken,
    max: maxResults ?? 100,
    invalidToken: () => invalidAt("nextToken", "Invalid NextToken"),
  });
  return {
    repositories: page.items.map((repo) => repositoryOut(env.state, repo, ctx.accountId)),
    nextToken: page.nextToken,
  };
}

async function deleteRepository(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const repo = requireRepository(env.state, r, ctx);
  const force = r.bool("force") ?? false;
  const images = await env.state.store.list(refOf(repo, ctx.accountId));
  if (images.length > 0 && !force) {
    throw new AwsError(
      "RepositoryNotEmptyException",
      `The repository with name '${repo.name}' in registry with id '${ctx.accountId}' cannot be deleted because it still contains images`,
    );
  }
  await env.state.store.drop(refOf(repo, ctx.accountId));
  env.state.repositories.delete(keyOf(repo.region, repo.name));
  return { repository: repositoryOut(env.state, repo, ctx.accountId) };
}

async function describeImages(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const repo = requireRepository(env.state, r, ctx);
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
      const image = await env.state.store.get(ref, imageIdQuery(id));
      if (!image) {
        throw new AwsError(
          "ImageNotFoundException",
          `The image with imageId {imageDigest:'${id.imageDigest ?? "null"}', imageTag:'${id.imageTag ?? "null"}'} does not exist within the repository with name '${repo.name}' in the registry with id '${ctx.accountId}'`,
        );
      }
      if (!images.some((i) => i.digest === image.digest)) images.push(image);
    }
  } else {
    images = (await env.state.store.list(ref)).sort(byPushTime);
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
}

async function batchGetImage(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const repo = requireRepository(env.state, r, ctx);
  const ids = readImageIds(r, true);
  r.strings("acceptedMediaTypes", { min: 1, max: 100 });
  const ref = refOf(repo, ctx.accountId);
  const images: unknown[] = [];
  const failures: unknown[] = [];
  const fail = (imageId: ImageId, failureCode: string, failureReason: string) =>
    failures.push({ imageId, failureCode, failureReason });
  for (const id of ids) {
    if (id.imageDigest === undefined && id.imageTag === undefined) {
      fail(id, "MissingDigestAndTag", "Invalid request parameters: image tag and digest cannot both be null");
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
    const image = await env.state.store.get(ref, imageIdQuery(id));
    if (!image) {
      const tagged =
        id.imageTag === undefined ? undefined : await env.state.store.get(ref, { tag: id.imageTag });
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
}

function putLifecyclePolicy(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const text = r.string("lifecyclePolicyText", { required: true, min: 100, max: 30720 });
  const repo = requireRepository(env.state, r, ctx);
  const problem = lifecyclePolicyProblem(text);
  if (problem !== undefined) {
    throw invalidAt("LifecyclePolicyText", `Lifecycle policy validation failure: ${problem}`);
  }
  repo.lifecyclePolicy = { text };
  return { registryId: ctx.accountId, repositoryName: repo.name, lifecyclePolicyText: text };
}

function getLifecyclePolicy(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const repo = requireRepository(env.state, Reader.of(input, invalid), ctx);
  if (!repo.lifecyclePolicy) throw lifecyclePolicyNotFound(repo, ctx.accountId);
  return {
    registryId: ctx.accountId,
    repositoryName: repo.name,
    lifecyclePolicyText: repo.lifecyclePolicy.text,
  };
}

function deleteLifecyclePolicy(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const repo = requireRepository(env.state, Reader.of(input, invalid), ctx);
  const policy = repo.lifecyclePolicy;
  if (!policy) throw lifecyclePolicyNotFound(repo, ctx.accountId);
  repo.lifecyclePolicy = undefined;
  return { registryId: ctx.accountId, repositoryName: repo.name, lifecyclePolicyText: policy.text };
}

function putImageScanningConfiguration(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const scanning = r.object("imageScanningConfiguration", { required: true });
  const repo = requireRepository(env.state, r, ctx);
  repo.scanOnPush = scanning.bool("scanOnPush") ?? false;
  return {
    registryId: ctx.accountId,
    repositoryName: repo.name,
    imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
  };
}

function putImageTagMutability(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const { mutability, exclusionFilters } = readMutability(r, true);
  const repo = requireRepository(env.state, r, ctx);
  repo.mutability = mutability ?? "MUTABLE";
  repo.exclusionFilters = exclusionFilters;
  return {
    registryId: ctx.accountId,
    repositoryName: repo.name,
    imageTagMutability: repo.mutability,
    imageTagMutabilityExclusionFilters: repo.exclusionFilters,
  };
}

function getAuthorizationToken(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const registryIds = r.strings("registryIds", { min: 1, max: 10, item: { pattern: REGISTRY_ID } }) ?? [
    ctx.accountId,
  ];
  const expiresAt = new Date(ctx.now().getTime() + TOKEN_LIFETIME_MS);
  return {
    authorizationData: registryIds.map((registryId) => {
      const registry = env.state.store.registry(ctx.region, registryId);
      return {
        authorizationToken: Buffer.from(`AWS:${registry.password}`).toString("base64"),
        expiresAt,
        proxyEndpoint: registry.proxyEndpoint,
      };
    }),
  };
}

function tagResource(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const repo = repositoryByArn(env.state, r, ctx);
  const tags = readTags(input, "tags", true) ?? [];
  const merged = mergeTags(repo.tags, tags);
  if (merged.length > MAX_TAGS) throw tooManyTags();
  repo.tags = merged;
  return {};
}

function untagResource(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const r = Reader.of(input, invalid);
  const repo = repositoryByArn(env.state, r, ctx);
  const keys = Reader.of(input, invalidTag).strings("tagKeys", { required: true, min: 0, max: 200 }) ?? [];
  repo.tags = repo.tags.filter((tag) => !keys.includes(tag.Key));
  return {};
}

function listTagsForResource(env: EcrEnv, input: Record<string, unknown>, ctx: CallContext) {
  const repo = repositoryByArn(env.state, Reader.of(input, invalid), ctx);
  return { tags: repo.tags.map((tag) => ({ ...tag })) };
}

/** The repository a request names (checking the optional registryId), or RepositoryNotFound. */
function requireRepository(state: EcrState, r: Reader, ctx: CallContext): Repository {
  const name = repositoryName(r);
  const registryId = r.string("registryId", { pattern: REGISTRY_ID }) ?? ctx.accountId;
  const repo = registryId === ctx.accountId ? state.repositories.get(keyOf(ctx.region, name)) : undefined;
  if (!repo) throw repositoryNotFound(name, registryId);
  return repo;
}

/** The repository a tagging call's `resourceArn` names, in the caller's region and account. */
function repositoryByArn(state: EcrState, r: Reader, ctx: CallContext): Repository {
  const arn = r.string("resourceArn", { required: true });
  const match = REPOSITORY_ARN.exec(arn);
  if (!match) throw invalidAt("resourceArn", "Invalid ARN");
  const [, region = "", account = "", name = ""] = match;
  const repo =
    region === ctx.region && account === ctx.accountId
      ? state.repositories.get(keyOf(region, name))
      : undefined;
  if (!repo) throw repositoryNotFound(name, account);
  return repo;
}

export const repositoryOut = (state: EcrState, repo: Repository, accountId: string) => ({
  repositoryArn: repo.arn,
  registryId: accountId,
  repositoryName: repo.name,
  repositoryUri: `${state.store.registry(repo.region, accountId).host}/${repo.name}`,
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
