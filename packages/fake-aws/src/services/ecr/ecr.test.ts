import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DeleteLifecyclePolicyCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  ImageNotFoundException,
  InvalidParameterException,
  InvalidTagParameterException,
  LifecyclePolicyNotFoundException,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  paginateDescribeImages,
  paginateDescribeRepositories,
  RepositoryAlreadyExistsException,
  RepositoryNotEmptyException,
  RepositoryNotFoundException,
  TagResourceCommand,
  TooManyTagsException,
  UntagResourceCommand,
} from "@aws-sdk/client-ecr";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CallContext, World } from "../../core/types.js";
import { type FakeAws, startFakeAws } from "../../index.js";
import { createMemoryImageStore } from "./images.js";
import { createEcrService, type ImageStore } from "./index.js";
import { lifecyclePolicyProblem } from "./lifecycle.js";

let aws: FakeAws;
let ecr: ECRClient;

beforeAll(async () => {
  aws = await startFakeAws({ clock: { start: "2030-01-01T00:00:00Z" } });
  ecr = new ECRClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  ecr.destroy();
  await aws.close();
});
beforeEach(() => aws.reset());

async function rejects(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

const KEEP_10 = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: "keep the last 10 images",
      selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 },
      action: { type: "expire" },
    },
  ],
});

describe("repositories", () => {
  it("CreateRepository returns the repository with its ARN, URI and settings", async () => {
    const { repository } = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: "flexjob/nightly",
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: "IMMUTABLE",
        tags: [{ Key: "flexjob:managed", Value: "true" }],
      }),
    );
    expect(repository).toEqual({
      repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/flexjob/nightly",
      registryId: "123456789012",
      repositoryName: "flexjob/nightly",
      repositoryUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/flexjob/nightly",
      createdAt: new Date("2030-01-01T00:00:00Z"),
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: "AES256" },
    });
    expect(aws.world.exists("ecr-repository", "flexjob/nightly", "us-east-1")).toBe(true);
    expect(aws.world.exists("ecr-repository", repository?.repositoryArn ?? "", "us-east-1")).toBe(true);
    expect(aws.world.exists("ecr-repository", "flexjob/nightly", "eu-west-1")).toBe(false);
  });

  it("defaults to MUTABLE tags, no scan on push, AES256", async () => {
    const { repository } = await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    expect(repository).toMatchObject({
      imageTagMutability: "MUTABLE",
      imageScanningConfiguration: { scanOnPush: false },
      encryptionConfiguration: { encryptionType: "AES256" },
    });
  });

  it("a second CreateRepository with the same name is RepositoryAlreadyExistsException", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const error = await rejects(ecr.send(new CreateRepositoryCommand({ repositoryName: "app" })));
    expect(error).toBeInstanceOf(RepositoryAlreadyExistsException);
    expect(error.message).toBe(
      "The repository with name 'app' already exists in the registry with id '123456789012'",
    );
  });

  it.each([
    ["Upper", "regular expression"],
    ["a", "greater than or equal to 2"],
    ["x".repeat(257), "less than or equal to 256"],
    ["-leading", "regular expression"],
    ["trailing/", "regular expression"],
    ["a..b", "regular expression"],
  ])("repository name %j is InvalidParameterException (%s)", async (name, rule) => {
    const error = await rejects(ecr.send(new CreateRepositoryCommand({ repositoryName: name })));
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toMatch(/^Invalid parameter at 'repositoryName' failed to satisfy constraint: /);
    expect(error.message).toContain(rule);
  });

  it.each(["ab", "a.b_c-d", "team/app", "a/b/c", "a__b", "a--b", "x".repeat(256)])(
    "repository name %j is accepted",
    async (name) => {
      await expect(ecr.send(new CreateRepositoryCommand({ repositoryName: name }))).resolves.toBeDefined();
    },
  );

  it("a missing repositoryName is InvalidParameterException", async () => {
    const error = await rejects(ecr.send(new CreateRepositoryCommand({} as never)));
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it("an unknown imageTagMutability is InvalidParameterException", async () => {
    const error = await rejects(
      ecr.send(
        new CreateRepositoryCommand({ repositoryName: "app", imageTagMutability: "SOMETIMES" as never }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toContain("Member must satisfy enum value set");
  });

  it("*_WITH_EXCLUSION needs exclusion filters, and filters need *_WITH_EXCLUSION", async () => {
    const missing = await rejects(
      ecr.send(
        new CreateRepositoryCommand({
          repositoryName: "app",
          imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        }),
      ),
    );
    expect(missing).toBeInstanceOf(InvalidParameterException);
    const stray = await rejects(
      ecr.send(
        new CreateRepositoryCommand({
          repositoryName: "app",
          imageTagMutability: "IMMUTABLE",
          imageTagMutabilityExclusionFilters: [{ filterType: "WILDCARD", filter: "latest" }],
        }),
      ),
    );
    expect(stray).toBeInstanceOf(InvalidParameterException);
  });

  it("a kmsKey with AES256 encryption is InvalidParameterException", async () => {
    const error = await rejects(
      ecr.send(
        new CreateRepositoryCommand({
          repositoryName: "app",
          encryptionConfiguration: {
            encryptionType: "AES256",
            kmsKey: "arn:aws:kms:us-east-1:123456789012:key/x",
          },
        }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it("a malformed or foreign registryId is InvalidParameterException", async () => {
    for (const registryId of ["12", "210987654321"]) {
      const error = await rejects(
        ecr.send(new CreateRepositoryCommand({ repositoryName: "app", registryId })),
      );
      expect(error).toBeInstanceOf(InvalidParameterException);
    }
  });

  it("a repository in another registry is RepositoryNotFoundException", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const error = await rejects(
      ecr.send(new DescribeRepositoriesCommand({ registryId: "210987654321", repositoryNames: ["app"] })),
    );
    expect(error).toBeInstanceOf(RepositoryNotFoundException);
  });

  it("tags must have a key of at most 128 characters, a value of at most 256, and no aws: prefix", async () => {
    for (const tags of [
      [{ Key: "k".repeat(129), Value: "v" }],
      [{ Key: "k", Value: "v".repeat(257) }],
      [{ Key: "aws:created", Value: "v" }],
      [{ Key: "k" }],
    ]) {
      const error = await rejects(
        ecr.send(new CreateRepositoryCommand({ repositoryName: "app", tags: tags as never })),
      );
      expect(error).toBeInstanceOf(InvalidTagParameterException);
    }
  });

  it("more than 50 tags is TooManyTagsException", async () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    const error = await rejects(ecr.send(new CreateRepositoryCommand({ repositoryName: "app", tags })));
    expect(error).toBeInstanceOf(TooManyTagsException);
  });

  it("DescribeRepositories by name returns them; an unknown name is RepositoryNotFoundException", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ["app"] }));
    expect(repositories?.map((r) => r.repositoryName)).toEqual(["app"]);
    const error = await rejects(
      ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ["app", "nope"] })),
    );
    expect(error).toBeInstanceOf(RepositoryNotFoundException);
    expect(error.message).toBe(
      "The repository with name 'nope' does not exist in the registry with id '123456789012'",
    );
  });

  it("DescribeRepositories pages with maxResults and nextToken", async () => {
    for (const name of ["c-app", "a-app", "b-app", "d-app", "e-app"]) {
      await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    }
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeRepositories({ client: ecr, pageSize: 2 }, {})) {
      pages += 1;
      names.push(...(page.repositories ?? []).map((r) => r.repositoryName ?? ""));
    }
    expect(pages).toBe(3);
    expect(names).toEqual(["a-app", "b-app", "c-app", "d-app", "e-app"]);
  });

  it("DescribeRepositories rejects maxResults outside 1–1000, with names, and a made-up nextToken", async () => {
    for (const maxResults of [0, 1001]) {
      expect(await rejects(ecr.send(new DescribeRepositoriesCommand({ maxResults })))).toBeInstanceOf(
        InvalidParameterException,
      );
    }
    expect(
      await rejects(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ["app"], maxResults: 5 }))),
    ).toBeInstanceOf(InvalidParameterException);
    expect(await rejects(ecr.send(new DescribeRepositoriesCommand({ nextToken: "bogus" })))).toBeInstanceOf(
      InvalidParameterException,
    );
  });

  it("repositories are per region", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const west = new ECRClient({ ...aws.clientConfig("eu-west-1"), maxAttempts: 1 });
    const { repositories } = await west.send(new DescribeRepositoriesCommand({}));
    west.destroy();
    expect(repositories).toEqual([]);
  });

  it("DeleteRepository removes an empty repository; an unknown one is RepositoryNotFoundException", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const { repository } = await ecr.send(new DeleteRepositoryCommand({ repositoryName: "app" }));
    expect(repository?.repositoryName).toBe("app");
    expect(await rejects(ecr.send(new DeleteRepositoryCommand({ repositoryName: "app" })))).toBeInstanceOf(
      RepositoryNotFoundException,
    );
  });

  it("PutImageScanningConfiguration and PutImageTagMutability change the repository", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    await ecr.send(
      new PutImageScanningConfigurationCommand({
        repositoryName: "app",
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    await ecr.send(
      new PutImageTagMutabilityCommand({ repositoryName: "app", imageTagMutability: "IMMUTABLE" }),
    );
    const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ["app"] }));
    expect(repositories?.[0]).toMatchObject({
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: "IMMUTABLE",
    });
    expect(
      await rejects(ecr.send(new PutImageTagMutabilityCommand({ repositoryName: "app" } as never))),
    ).toBeInstanceOf(InvalidParameterException);
  });
});

describe("tags", () => {
  it("TagResource merges, UntagResource removes, ListTagsForResource lists", async () => {
    const { repository } = await ecr.send(
      new CreateRepositoryCommand({ repositoryName: "app", tags: [{ Key: "a", Value: "1" }] }),
    );
    const resourceArn = repository?.repositoryArn ?? "";
    await ecr.send(
      new TagResourceCommand({
        resourceArn,
        tags: [
          { Key: "a", Value: "2" },
          { Key: "b", Value: "3" },
        ],
      }),
    );
    await ecr.send(new UntagResourceCommand({ resourceArn, tagKeys: ["b"] }));
    const { tags } = await ecr.send(new ListTagsForResourceCommand({ resourceArn }));
    expect(tags).toEqual([{ Key: "a", Value: "2" }]);
  });

  it("an unknown repository ARN is RepositoryNotFoundException; a malformed one InvalidParameterException", async () => {
    const missing = await rejects(
      ecr.send(
        new ListTagsForResourceCommand({ resourceArn: "arn:aws:ecr:us-east-1:123456789012:repository/nope" }),
      ),
    );
    expect(missing).toBeInstanceOf(RepositoryNotFoundException);
    const malformed = await rejects(ecr.send(new ListTagsForResourceCommand({ resourceArn: "nope" })));
    expect(malformed).toBeInstanceOf(InvalidParameterException);
  });

  it("tagging past 50 tags is TooManyTagsException", async () => {
    const { repository } = await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    const error = await rejects(
      ecr.send(new TagResourceCommand({ resourceArn: repository?.repositoryArn, tags })),
    );
    expect(error).toBeInstanceOf(TooManyTagsException);
  });
});

describe("lifecycle policies", () => {
  it("PutLifecyclePolicy stores the policy; GetLifecyclePolicy and DeleteLifecyclePolicy return it", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const put = await ecr.send(
      new PutLifecyclePolicyCommand({ repositoryName: "app", lifecyclePolicyText: KEEP_10 }),
    );
    expect(put).toMatchObject({
      registryId: "123456789012",
      repositoryName: "app",
      lifecyclePolicyText: KEEP_10,
    });
    const got = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: "app" }));
    expect(got.lifecyclePolicyText).toBe(KEEP_10);
    await ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: "app" }));
    expect(await rejects(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: "app" })))).toBeInstanceOf(
      LifecyclePolicyNotFoundException,
    );
  });

  it("a policy for an unknown repository is RepositoryNotFoundException", async () => {
    const error = await rejects(
      ecr.send(new PutLifecyclePolicyCommand({ repositoryName: "nope", lifecyclePolicyText: KEEP_10 })),
    );
    expect(error).toBeInstanceOf(RepositoryNotFoundException);
  });

  it("an invalid policy is InvalidParameterException naming the problem", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const bad = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 0 },
          action: { type: "expire" },
        },
      ],
    });
    const error = await rejects(
      ecr.send(new PutLifecyclePolicyCommand({ repositoryName: "app", lifecyclePolicyText: bad })),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toBe(
      "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: rules[0].selection.countNumber must be an integer of at least 1'",
    );
  });

  it("a policy text shorter than 100 characters is InvalidParameterException", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const error = await rejects(
      ecr.send(new PutLifecyclePolicyCommand({ repositoryName: "app", lifecyclePolicyText: '{"rules":[]}' })),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toContain("Member must have length greater than or equal to 100");
  });

  const rule = (over: Record<string, unknown>, selection: Record<string, unknown> = {}) => ({
    rulePriority: 1,
    selection: {
      tagStatus: "untagged",
      countType: "sinceImagePushed",
      countUnit: "days",
      countNumber: 14,
      ...selection,
    },
    action: { type: "expire" },
    ...over,
  });
  it.each<[string, unknown, string]>([
    ["not JSON", "{", "not valid JSON"],
    ["no rules", { rules: [] }, "'rules' must be a non-empty array"],
    ["unknown top-level property", { rules: [rule({})], extra: 1 }, "unknown property 'extra'"],
    ["priority 0", { rules: [rule({ rulePriority: 0 })] }, "rulePriority must be an integer of at least 1"],
    ["duplicate priority", { rules: [rule({}), rule({})] }, "rulePriority 1 is used by more than one rule"],
    ["no selection", { rules: [rule({ selection: undefined })] }, "selection is required"],
    ["bad tagStatus", { rules: [rule({}, { tagStatus: "some" })] }, "tagStatus must be one of"],
    [
      "tagged without prefixes",
      { rules: [rule({}, { tagStatus: "tagged" })] },
      "tagPrefixList or tagPatternList is required",
    ],
    [
      "both prefix and pattern lists",
      { rules: [rule({}, { tagStatus: "tagged", tagPrefixList: ["v"], tagPatternList: ["v*"] })] },
      "cannot have both",
    ],
    [
      "prefixes on untagged",
      { rules: [rule({}, { tagPrefixList: ["v"] })] },
      "only allowed when tagStatus is 'tagged'",
    ],
    [
      "more than 4 wildcards",
      { rules: [rule({}, { tagStatus: "tagged", tagPatternList: ["a*b*c*d*e*"] })] },
      "more than 4 wildcards",
    ],
    ["bad countType", { rules: [rule({}, { countType: "sometimes" })] }, "countType must be one of"],
    [
      "days missing for sinceImagePushed",
      { rules: [rule({}, { countUnit: undefined })] },
      "countUnit must be 'days'",
    ],
    [
      "countUnit with imageCountMoreThan",
      { rules: [rule({}, { countType: "imageCountMoreThan" })] },
      "countUnit is not allowed",
    ],
    ["bad action", { rules: [rule({ action: { type: "delete" } })] }, "action.type must be 'expire'"],
    [
      "'any' not last",
      { rules: [rule({ rulePriority: 1 }, { tagStatus: "any" }), rule({ rulePriority: 2 })] },
      "must have the highest rulePriority",
    ],
  ])("lifecycle rule check: %s", (_name, policy, problem) => {
    const text = typeof policy === "string" ? policy : JSON.stringify(policy);
    expect(lifecyclePolicyProblem(text)).toContain(problem);
  });

  it("accepts the documented rule shapes", () => {
    const policy = {
      rules: [
        rule(
          { rulePriority: 1 },
          {
            tagStatus: "tagged",
            tagPrefixList: ["prod"],
            countType: "imageCountMoreThan",
            countUnit: undefined,
            countNumber: 5,
          },
        ),
        rule({ rulePriority: 2 }, { tagStatus: "tagged", tagPatternList: ["*test*1*2*3"] }),
        rule({ rulePriority: 3, description: "untagged after 14 days" }),
        rule(
          { rulePriority: 9 },
          { tagStatus: "any", countType: "imageCountMoreThan", countUnit: undefined, countNumber: 100 },
        ),
      ],
    };
    expect(lifecyclePolicyProblem(JSON.stringify(policy))).toBeUndefined();
  });
});

describe("authorization", () => {
  it("GetAuthorizationToken returns a base64 AWS:<password> token valid for 12 hours", async () => {
    const { authorizationData = [] } = await ecr.send(new GetAuthorizationTokenCommand({}));
    expect(authorizationData).toHaveLength(1);
    const data = authorizationData[0];
    const decoded = Buffer.from(data?.authorizationToken ?? "", "base64").toString("utf8");
    expect(decoded).toMatch(/^AWS:[A-Za-z0-9]{64}$/);
    expect(data?.proxyEndpoint).toBe("https://123456789012.dkr.ecr.us-east-1.amazonaws.com");
    expect(data?.expiresAt).toEqual(new Date("2030-01-01T12:00:00Z"));
  });

  it("a malformed registryId is InvalidParameterException", async () => {
    const error = await rejects(ecr.send(new GetAuthorizationTokenCommand({ registryIds: ["abc"] })));
    expect(error).toBeInstanceOf(InvalidParameterException);
  });
});

describe("images", () => {
  it("DescribeImages: an unknown repository is RepositoryNotFoundException; an empty one lists nothing", async () => {
    expect(await rejects(ecr.send(new DescribeImagesCommand({ repositoryName: "app" })))).toBeInstanceOf(
      RepositoryNotFoundException,
    );
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const { imageDetails } = await ecr.send(new DescribeImagesCommand({ repositoryName: "app" }));
    expect(imageDetails).toEqual([]);
    const error = await rejects(
      ecr.send(new DescribeImagesCommand({ repositoryName: "app", imageIds: [{ imageTag: "v1" }] })),
    );
    expect(error).toBeInstanceOf(ImageNotFoundException);
    expect(error.message).toBe(
      "The image with imageId {imageDigest:'null', imageTag:'v1'} does not exist within the repository with name 'app' in the registry with id '123456789012'",
    );
  });

  it("BatchGetImage reports a missing image as a failure, not an error", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const out = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: "app",
        imageIds: [{ imageTag: "v1" }, { imageDigest: "nope" }],
      }),
    );
    expect(out.images).toEqual([]);
    expect(out.failures).toEqual([
      {
        imageId: { imageTag: "v1" },
        failureCode: "ImageNotFound",
        failureReason: "Requested image not found",
      },
      {
        imageId: { imageDigest: "nope" },
        failureCode: "InvalidImageDigest",
        failureReason:
          "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
      },
    ]);
  });

  it("a pushed image is described by tag and by digest, with its media types, size and scan", async () => {
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: "app",
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    const pushed = await aws.ecr.pushImage("app", { tag: "v1" });
    expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pushed.mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    for (const id of [{ imageTag: "v1" }, { imageDigest: pushed.digest }]) {
      const { imageDetails = [] } = await ecr.send(
        new DescribeImagesCommand({ repositoryName: "app", imageIds: [id] }),
      );
      expect(imageDetails).toHaveLength(1);
      expect(imageDetails[0]).toMatchObject({
        registryId: "123456789012",
        repositoryName: "app",
        imageDigest: pushed.digest,
        imageTags: ["v1"],
        imagePushedAt: new Date("2030-01-01T00:00:00Z"),
        imageManifestMediaType: "application/vnd.docker.distribution.manifest.v2+json",
        artifactMediaType: "application/vnd.docker.container.image.v1+json",
        imageScanStatus: { status: "COMPLETE", description: "The scan was completed successfully." },
        imageScanFindingsSummary: { findingSeverityCounts: {} },
      });
      expect(imageDetails[0]?.imageSizeInBytes).toBeGreaterThan(1_000_000);
    }
  });

  it("the same content pushed again gives the same digest; different content a new one", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const a = await aws.ecr.pushImage("app", { tag: "v1", content: "src-hash-1" });
    const b = await aws.ecr.pushImage("app", { tag: "v2", content: "src-hash-1" });
    const c = await aws.ecr.pushImage("app", { tag: "v3", content: "src-hash-2" });
    expect(b.digest).toBe(a.digest);
    expect(c.digest).not.toBe(a.digest);
    const { imageDetails = [] } = await ecr.send(new DescribeImagesCommand({ repositoryName: "app" }));
    expect(imageDetails.map((d) => d.imageTags)).toEqual([["v1", "v2"], ["v3"]]);
  });

  it("a multi-arch push stores a tagged manifest list over untagged per-platform manifests", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const pushed = await aws.ecr.pushImage("app", { tag: "v1", platforms: ["linux/amd64", "linux/arm64"] });
    expect(pushed.mediaType).toBe("application/vnd.docker.distribution.manifest.list.v2+json");
    expect(pushed.platforms.map((p) => p.platform)).toEqual(["linux/amd64", "linux/arm64"]);
    const { images = [] } = await ecr.send(
      new BatchGetImageCommand({ repositoryName: "app", imageIds: [{ imageTag: "v1" }] }),
    );
    expect(images[0]?.imageId).toEqual({ imageDigest: pushed.digest, imageTag: "v1" });
    expect(images[0]?.imageManifestMediaType).toBe(pushed.mediaType);
    const list = JSON.parse(images[0]?.imageManifest ?? "{}") as {
      manifests: { digest: string; platform: { architecture: string; os: string } }[];
    };
    expect(list.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual([
      "linux/amd64",
      "linux/arm64",
    ]);
    expect(list.manifests.map((m) => m.digest)).toEqual(pushed.platforms.map((p) => p.digest));
    const count = async (tagStatus: "TAGGED" | "UNTAGGED" | "ANY") =>
      (await ecr.send(new DescribeImagesCommand({ repositoryName: "app", filter: { tagStatus } })))
        .imageDetails?.length;
    expect(await count("UNTAGGED")).toBe(2);
    expect(await count("TAGGED")).toBe(1);
    expect(await count("ANY")).toBe(3);
  });

  it("an OCI push uses OCI media types", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const pushed = await aws.ecr.pushImage("app", {
      tag: "v1",
      format: "oci",
      platforms: ["linux/arm64/v8"],
    });
    expect(pushed.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
  });

  it("moving a tag leaves the old image untagged; an immutable repository refuses it", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const first = await aws.ecr.pushImage("app", { tag: "latest" });
    await aws.ecr.pushImage("app", { tag: "latest" });
    const { imageDetails = [] } = await ecr.send(
      new DescribeImagesCommand({ repositoryName: "app", imageIds: [{ imageDigest: first.digest }] }),
    );
    expect(imageDetails[0]?.imageTags).toBeUndefined();
    await ecr.send(
      new PutImageTagMutabilityCommand({ repositoryName: "app", imageTagMutability: "IMMUTABLE" }),
    );
    await expect(aws.ecr.pushImage("app", { tag: "latest" })).rejects.toMatchObject({
      code: "ImageTagAlreadyExistsException",
    });
  });

  it("an immutable tag takes the identical image again", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app", imageTagMutability: "IMMUTABLE" }));
    const first = await aws.ecr.pushImage("app", { tag: "abc123", content: "same" });
    const again = await aws.ecr.pushImage("app", { tag: "abc123", content: "same" });
    expect(again.digest).toBe(first.digest);
  });

  it("IMMUTABLE_WITH_EXCLUSION lets excluded tags move", async () => {
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: "app",
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: [{ filterType: "WILDCARD", filter: "latest*" }],
      }),
    );
    await aws.ecr.pushImage("app", { tag: "latest" });
    await aws.ecr.pushImage("app", { tag: "latest" });
    await aws.ecr.pushImage("app", { tag: "v1" });
    await expect(aws.ecr.pushImage("app", { tag: "v1" })).rejects.toMatchObject({
      code: "ImageTagAlreadyExistsException",
    });
  });

  it("BatchGetImage fails a tag that points at another digest, and an id with neither", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    const a = await aws.ecr.pushImage("app", { tag: "a" });
    await aws.ecr.pushImage("app", { tag: "b" });
    const { failures = [] } = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: "app",
        imageIds: [{ imageTag: "b", imageDigest: a.digest }, {}],
      }),
    );
    expect(failures.map((f) => f.failureCode)).toEqual(["ImageTagDoesNotMatchDigest", "MissingDigestAndTag"]);
    expect(
      await rejects(ecr.send(new BatchGetImageCommand({ repositoryName: "app", imageIds: [] }))),
    ).toBeInstanceOf(InvalidParameterException);
  });

  it("DescribeImages pages with maxResults, and refuses maxResults with imageIds or outside 1–1000", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    for (let i = 0; i < 5; i++) await aws.ecr.pushImage("app", { tag: `v${i}` });
    const tags: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeImages(
      { client: ecr, pageSize: 2 },
      { repositoryName: "app" },
    )) {
      pages += 1;
      tags.push(...(page.imageDetails ?? []).flatMap((d) => d.imageTags ?? []));
    }
    expect(pages).toBe(3);
    expect(tags.sort()).toEqual(["v0", "v1", "v2", "v3", "v4"]);
    const withIds = await rejects(
      ecr.send(
        new DescribeImagesCommand({ repositoryName: "app", maxResults: 3, imageIds: [{ imageTag: "v1" }] }),
      ),
    );
    expect(withIds).toBeInstanceOf(InvalidParameterException);
    expect(
      await rejects(ecr.send(new DescribeImagesCommand({ repositoryName: "app", maxResults: 1001 }))),
    ).toBeInstanceOf(InvalidParameterException);
    expect(
      await rejects(
        ecr.send(
          new DescribeImagesCommand({ repositoryName: "app", filter: { tagStatus: "SOME" as never } }),
        ),
      ),
    ).toBeInstanceOf(InvalidParameterException);
  });

  it("DeleteRepository refuses a repository with images unless forced", async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    await aws.ecr.pushImage("app", { tag: "v1" });
    expect(await rejects(ecr.send(new DeleteRepositoryCommand({ repositoryName: "app" })))).toBeInstanceOf(
      RepositoryNotEmptyException,
    );
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: "app", force: true }));
    expect(aws.world.exists("ecr-repository", "app", "us-east-1")).toBe(false);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    expect((await ecr.send(new DescribeImagesCommand({ repositoryName: "app" }))).imageDetails).toEqual([]);
  });

  it("pushing to an unknown repository fails with RepositoryNotFoundException", async () => {
    await expect(aws.ecr.pushImage("nope")).rejects.toMatchObject({ code: "RepositoryNotFoundException" });
  });
});

describe("image store seam", () => {
  it("a custom ImageStore's registry is what GetAuthorizationToken and repository URIs point at", async () => {
    const world: World = { exists: () => false };
    const ctx: CallContext = { region: "us-east-1", accountId: "123456789012", now: () => new Date(0) };
    const memory = createMemoryImageStore({ password: "unused" });
    const local: ImageStore = {
      ...memory,
      registry: () => ({
        host: "127.0.0.1:5000",
        proxyEndpoint: "http://127.0.0.1:5000",
        password: "s3cret",
      }),
    };
    const service = createEcrService(world, { imageStore: local });
    const created = (await service.handlers.CreateRepository?.({ repositoryName: "app" }, ctx)) as {
      repository: { repositoryUri: string };
    };
    expect(created.repository.repositoryUri).toBe("127.0.0.1:5000/app");
    const auth = (await service.handlers.GetAuthorizationToken?.({}, ctx)) as {
      authorizationData: { authorizationToken: string; proxyEndpoint: string }[];
    };
    expect(auth.authorizationData[0]?.proxyEndpoint).toBe("http://127.0.0.1:5000");
    expect(Buffer.from(auth.authorizationData[0]?.authorizationToken ?? "", "base64").toString()).toBe(
      "AWS:s3cret",
    );
  });
});
