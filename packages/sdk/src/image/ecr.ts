import { isAwsError, wrapAwsError } from "../aws/aws-error.js";
import { type AwsClients, loadSdk } from "../aws/clients.js";
import { FlexjobError } from "../errors.js";

/** How many images each job's repository keeps; older ones expire, so storage stays bounded. */
export const KEEP_IMAGES = 20;

/** The registry to push to, from ECR's authorization: host without scheme, and docker login credentials. */
export interface RegistryLogin {
  host: string;
  username: string;
  password: string;
}

export async function registryLogin(clients: AwsClients): Promise<RegistryLogin> {
  const { GetAuthorizationTokenCommand } = await loadSdk(clients, "ecr");
  try {
    const { authorizationData = [] } = await clients.ecr.send(new GetAuthorizationTokenCommand({}));
    const data = authorizationData[0];
    if (data?.authorizationToken === undefined || data.proxyEndpoint === undefined) {
      throw new FlexjobError("getting an ECR login: GetAuthorizationToken returned no authorization data", {
        code: "AWS_ERROR",
        fault: "aws",
        remedy:
          "rerun the build; if ECR keeps answering without a token, check the registry's service health",
      });
    }
    const [username = "", password = ""] = Buffer.from(data.authorizationToken, "base64")
      .toString("utf8")
      .split(":");
    return { host: data.proxyEndpoint.replace(/^https?:\/\//, "").replace(/\/$/, ""), username, password };
  } catch (error) {
    throw wrapAwsError(error, "getting an ECR login");
  }
}

/** True when the repository already holds an image with this tag: the build can be skipped. */
export async function imageTagExists(
  clients: AwsClients,
  repositoryName: string,
  tag: string,
): Promise<boolean> {
  const { DescribeImagesCommand } = await loadSdk(clients, "ecr");
  try {
    const { imageDetails = [] } = await clients.ecr.send(
      new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] }),
    );
    return imageDetails.length > 0;
  } catch (error) {
    if (isAwsError(error, "ImageNotFoundException", "RepositoryNotFoundException")) return false;
    throw wrapAwsError(error, `looking up ${repositoryName}:${tag}`);
  }
}

/**
 * Creates the job's repository once: scan on push, and a lifecycle policy keeping the newest
 * images. An existing repository is left as it is, so a build of unchanged settings writes nothing.
 */
export async function ensureRepository(
  clients: AwsClients,
  repositoryName: string,
  tags: Readonly<Record<string, string>>,
): Promise<"created" | "exists"> {
  const { CreateRepositoryCommand, DescribeRepositoriesCommand, PutLifecyclePolicyCommand } = await loadSdk(
    clients,
    "ecr",
  );
  try {
    await clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }));
    return "exists";
  } catch (error) {
    if (!isAwsError(error, "RepositoryNotFoundException"))
      throw wrapAwsError(error, `reading repository ${repositoryName}`);
  }
  try {
    await clients.ecr
      .send(
        new CreateRepositoryCommand({
          repositoryName,
          imageScanningConfiguration: { scanOnPush: true },
          imageTagMutability: "MUTABLE",
          tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      )
      .catch((error: unknown) => {
        // Another deploy made it a moment ago; the lifecycle policy below converges either way.
        if (!isAwsError(error, "RepositoryAlreadyExistsException")) throw error;
      });
    await clients.ecr.send(
      new PutLifecyclePolicyCommand({
        repositoryName,
        lifecyclePolicyText: JSON.stringify(lifecyclePolicy()),
      }),
    );
    return "created";
  } catch (error) {
    throw wrapAwsError(error, `creating repository ${repositoryName}`);
  }
}

export function lifecyclePolicy() {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `keep the newest ${KEEP_IMAGES} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: KEEP_IMAGES },
        action: { type: "expire" },
      },
    ],
  };
}

/** The OS/architecture pairs an image offers: several for a multi-platform image, one otherwise. */
export async function imagePlatforms(
  clients: AwsClients,
  repositoryName: string,
  tag: string,
): Promise<string[]> {
  const { BatchGetImageCommand } = await loadSdk(clients, "ecr");
  try {
    const { images = [] } = await clients.ecr.send(
      new BatchGetImageCommand({
        repositoryName,
        imageIds: [{ imageTag: tag }],
        acceptedMediaTypes: [
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
        ],
      }),
    );
    return platformsOfManifest(images[0]?.imageManifest);
  } catch (error) {
    throw wrapAwsError(error, `reading the manifest of ${repositoryName}:${tag}`);
  }
}

/** `linux/amd64`-style platforms of a manifest list; a single-image manifest tells none. */
export function platformsOfManifest(manifest: string | undefined): string[] {
  if (manifest === undefined) return [];
  const parsed = JSON.parse(manifest) as {
    manifests?: { platform?: { os?: string; architecture?: string } }[];
  };
  return (parsed.manifests ?? []).flatMap(({ platform }) =>
    platform?.os && platform.architecture && platform.architecture !== "unknown"
      ? [`${platform.os}/${platform.architecture}`]
      : [],
  );
}
