import { createRandom, deriveSeed } from "../../core/random.js";
import type { ServiceDefinition, World } from "../../core/types.js";
import { ecrHandlers, repositoryOut } from "./handlers.js";
import { createMemoryImageStore, type ImageStore } from "./images.js";
import {
  ACCOUNT_ID,
  byName,
  type EcrEnv,
  type EcrState,
  hasRepository,
  type PushedImage,
  type PushImage,
  pushImage,
} from "./state.js";

/**
 * ECR: private repositories, their images (kept in an ImageStore), lifecycle policies, tags and
 * registry login. Validation follows the API reference: members failing their constraints are
 * `InvalidParameterException` in ECR's own wording, tags `InvalidTagParameterException`.
 */

export type { ImageStore, RegistryEndpoint, RepositoryRef, StoredImage } from "./images.js";
export type { PushedImage, PushImage } from "./state.js";

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

export type EcrService = ServiceDefinition & { controls: EcrControls };

const PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function createEcrService(_world: World, options: EcrOptions = {}): EcrService {
  const seed = options.seed ?? 1;
  const now = () => options.clock?.now() ?? new Date();
  // A store given in the options outlives resets: emptying it is its owner's job.
  const emptyState = (): EcrState => ({
    store:
      options.imageStore ??
      createMemoryImageStore({
        password: createRandom(deriveSeed(seed, "ecr")).chars(64, PASSWORD_ALPHABET),
      }),
    repositories: new Map(),
    pushes: 0,
  });
  const env: EcrEnv = { state: emptyState() };
  return {
    signingName: "ecr",
    protocol: "awsJson1_1",
    targetPrefix: "AmazonEC2ContainerRegistry_V20150921",
    handlers: ecrHandlers(env),
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
      "ecr-repository": (ref, region) => hasRepository(env.state, ref, region),
    },
    snapshot: () => snapshotOf(env.state),
    reset: () => {
      env.state = emptyState();
    },
    controls: {
      pushImage: (name, image = {}) => pushImage(env.state, name, image, now),
    },
  };
}

function snapshotOf(state: EcrState) {
  return [...state.repositories.values()].sort(byName).map((repo) => ({
    ...repositoryOut(state, repo, ACCOUNT_ID),
    createdAt: repo.createdAt.toISOString(),
    tags: repo.tags,
    lifecyclePolicyText: repo.lifecyclePolicy?.text,
  }));
}
