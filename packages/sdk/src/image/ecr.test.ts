import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ImageNotFoundException,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
} from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createClients } from "../aws/clients.js";
import { ensureRepository, imageTagExists, platformsOfManifest, registryLogin } from "./ecr.js";

const ecr = mockClient(ECRClient);
// Fresh per test, with no SDK module loaded: each function must load what it calls, not lean on an earlier test.
let clients = createClients({ region: "eu-west-1" });
beforeEach(() => {
  ecr.reset();
  clients = createClients({ region: "eu-west-1" });
});

describe("registryLogin", () => {
  it("decodes ECR's token into docker login credentials for the registry host", async () => {
    ecr.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: Buffer.from("AWS:secret-password").toString("base64"),
          proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        },
      ],
    });
    expect(await registryLogin(clients)).toEqual({
      host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      username: "AWS",
      password: "secret-password",
    });
  });

  it("an answer without a token is an AWS error naming the call, not a bare Error", async () => {
    ecr.on(GetAuthorizationTokenCommand).resolves({ authorizationData: [] });
    await expect(registryLogin(clients)).rejects.toMatchObject({
      name: "FlexjobError",
      code: "AWS_ERROR",
      fault: "aws",
      message: "getting an ECR login: GetAuthorizationToken returned no authorization data",
    });
  });
});

describe("imageTagExists", () => {
  it("is true when the tag is in the repository", async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageTags: ["src-1"] }] });
    expect(await imageTagExists(clients, "flexjob/shop/report", "src-1")).toBe(true);
  });

  it.each([
    ["the tag", new ImageNotFoundException({ message: "no", $metadata: {} })],
    ["the repository", new RepositoryNotFoundException({ message: "no", $metadata: {} })],
  ])("is false without %s", async (_what, error) => {
    ecr.on(DescribeImagesCommand).rejects(error);
    expect(await imageTagExists(clients, "flexjob/shop/report", "src-1")).toBe(false);
  });
});

describe("ensureRepository", () => {
  it("writes nothing when the repository exists", async () => {
    ecr
      .on(DescribeRepositoriesCommand)
      .resolves({ repositories: [{ repositoryName: "flexjob/shop/report" }] });
    expect(await ensureRepository(clients, "flexjob/shop/report", {})).toBe("exists");
    expect(ecr.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
    expect(ecr.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(0);
  });

  it("creates a scanned, tagged repository with a lifecycle policy keeping the newest 20 images", async () => {
    ecr
      .on(DescribeRepositoriesCommand)
      .rejects(new RepositoryNotFoundException({ message: "no", $metadata: {} }))
      .on(CreateRepositoryCommand)
      .resolves({})
      .on(PutLifecyclePolicyCommand)
      .resolves({});
    expect(await ensureRepository(clients, "flexjob/shop/report", { "flexjob:app": "shop" })).toBe("created");
    expect(ecr.commandCalls(CreateRepositoryCommand)[0]?.args[0].input).toEqual({
      repositoryName: "flexjob/shop/report",
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: "MUTABLE",
      tags: [{ Key: "flexjob:app", Value: "shop" }],
    });
    const policy = JSON.parse(
      ecr.commandCalls(PutLifecyclePolicyCommand)[0]?.args[0].input.lifecyclePolicyText ?? "",
    );
    expect(policy.rules[0].selection).toEqual({
      tagStatus: "any",
      countType: "imageCountMoreThan",
      countNumber: 20,
    });
  });
});

describe("platformsOfManifest", () => {
  it("lists the platforms of a manifest list, skipping attestations", () => {
    const index = JSON.stringify({
      manifests: [
        { platform: { os: "linux", architecture: "amd64" } },
        { platform: { os: "linux", architecture: "arm64" } },
        { platform: { os: "unknown", architecture: "unknown" } },
      ],
    });
    expect(platformsOfManifest(index)).toEqual(["linux/amd64", "linux/arm64"]);
  });

  it("tells nothing for a single-image manifest", () => {
    expect(platformsOfManifest(JSON.stringify({ config: {}, layers: [] }))).toEqual([]);
  });
});
