import type { CallContext, PermissionRequest } from "../../core/types.js";
import type { EcsEnv, TaskDefinition } from "./state.js";

/**
 * What stops a Fargate task at start, checked against the other services' state the way the
 * Fargate agent meets it: first registry auth and secrets, with the task execution role; then each
 * image pull; then the awslogs log group. The reasons are ECS's stopped-task texts.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
 */
export function startProblem(
  env: EcsEnv,
  td: TaskDefinition,
  context: CallContext,
  taskId: string,
): string | undefined {
  const containers = td.body.containerDefinitions as Record<string, unknown>[];
  const roleArn = typeof td.body.executionRoleArn === "string" ? td.body.executionRoleArn : undefined;
  const role = roleArn === undefined ? undefined : executionRole(env, roleArn, taskId);
  const images = containers.map((container) => String(container.image));
  const privateImages = images.flatMap((image) => {
    const ecr = ecrImage(image);
    return ecr ? [ecr] : [];
  });
  if (privateImages.length > 0 && role !== undefined) {
    const problem = role.denied({ action: "ecr:GetAuthorizationToken", resource: "*" });
    if (problem) return `${SECRETS_OR_AUTH}unable to retrieve ecr registry auth: ${RETRIED} ${problem}`;
  }
  for (const container of containers) {
    // A log configuration's secretOptions are fetched the same way, with the same role.
    const logSecrets = (container.logConfiguration as { secretOptions?: unknown[] } | undefined)
      ?.secretOptions;
    for (const secret of [...((container.secrets ?? []) as unknown[]), ...(logSecrets ?? [])] as {
      valueFrom?: unknown;
    }[]) {
      const problem = secretProblem(env, String(secret.valueFrom), context.region, role);
      if (problem) return problem;
    }
  }
  for (const ecr of privateImages) {
    const problem = pullProblem(env, ecr, context, role);
    if (problem) return problem;
  }
  for (const container of containers) {
    const problem = logProblem(env, container, context);
    if (problem) return problem;
  }
  return undefined;
}

const SECRETS_OR_AUTH =
  "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";
const RETRIED = "service call has been retried 1 time(s):";

interface Role {
  /** Why the role may not make the request, as the service answers; undefined when it may. */
  denied(request: PermissionRequest): string | undefined;
}

/** The execution role as the agent uses it: a session of the role named after the task. */
function executionRole(env: EcsEnv, roleArn: string, taskId: string): Role | undefined {
  const allows = env.world.roleAllows;
  if (allows === undefined) return undefined;
  const [account, name] = [roleArn.split(":")[4] ?? "", roleArn.slice(roleArn.lastIndexOf("/") + 1)];
  const caller = `arn:aws:sts::${account}:assumed-role/${name}/${taskId}`;
  return {
    denied: (request) =>
      allows.call(env.world, roleArn, request)
        ? undefined
        : `AccessDeniedException: User: ${caller} is not authorized to perform: ${request.action} on resource: ${request.resource} because no identity-based policy allows the ${request.action} action`,
  };
}

function secretProblem(env: EcsEnv, valueFrom: string, region: string, role: Role | undefined) {
  const fromAsm = valueFrom.startsWith("arn:aws:secretsmanager:");
  // ECS reads the secret named by the ARN's first 7 parts; the rest picks a JSON key or version.
  const id = fromAsm ? valueFrom.split(":").slice(0, 7).join(":") : valueFrom;
  const where = fromAsm
    ? `unable to retrieve secret from asm: ${RETRIED} failed to fetch secret ${id} from secrets manager:`
    : `unable to retrieve secrets from ssm: ${RETRIED}`;
  const secret = env.world.findSecret?.(id, region);
  if (env.world.findSecret !== undefined && secret === undefined) {
    return fromAsm
      ? `${SECRETS_OR_AUTH}${where} ResourceNotFoundException: Secrets Manager can't find the specified secret.`
      : `${SECRETS_OR_AUTH}${where} invalid parameters: ${id}`;
  }
  if (secret === undefined || role === undefined) return undefined;
  // IAM checks the secret's full ARN, whatever form valueFrom names it in.
  const action = fromAsm ? "secretsmanager:GetSecretValue" : "ssm:GetParameters";
  const denied = role.denied({ action, resource: secret.arn });
  if (denied) return `${SECRETS_OR_AUTH}${where} ${denied}`;
  if (secret.kmsKeyArn === undefined) return undefined;
  const decrypt = role.denied({
    action: "kms:Decrypt",
    resource: secret.kmsKeyArn,
    context: {
      "kms:ViaService": `${secret.service}.${secret.region}.amazonaws.com`,
      [fromAsm ? "kms:EncryptionContext:SecretARN" : "kms:EncryptionContext:PARAMETER_ARN"]: secret.arn,
    },
  });
  return decrypt && `${SECRETS_OR_AUTH}${where} AccessDeniedException: Access to KMS is not allowed`;
}

interface EcrImage {
  image: string;
  host: string;
  account: string;
  region: string;
  repository: string;
  /** The tag or digest the manifest is fetched by. */
  reference: string;
}

const ECR_IMAGE =
  /^((\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?)\/([^:@]+)(?::([^@]+))?(?:@(.+))?$/;

function ecrImage(image: string): EcrImage | undefined {
  const match = ECR_IMAGE.exec(image);
  if (!match) return undefined;
  const [, host = "", account = "", region = "", repository = "", tag, digest] = match;
  return { image, host, account, region, repository, reference: digest ?? tag ?? "latest" };
}

/** A pull is authorized on the repository's ARN, in the image's account and region, before anything is read. */
function pullProblem(env: EcsEnv, ecr: EcrImage, context: CallContext, role: Role | undefined) {
  const failed = `CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref ${ecr.image}:`;
  if (role === undefined && env.world.roleAllows !== undefined) {
    return `${failed} pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials`;
  }
  const resource = `arn:aws:ecr:${ecr.region}:${ecr.account}:repository/${ecr.repository}`;
  const denied = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"].some((action) =>
    role?.denied({ action, resource }),
  );
  if (denied) {
    return `${failed} pulling from host ${ecr.host} failed with status code [manifests ${ecr.reference}]: 403 Forbidden`;
  }
  // Other accounts' repositories are not modeled here: only this account's can be missing.
  if (ecr.account === context.accountId && !env.world.exists("ecr-repository", ecr.repository, ecr.region)) {
    return `${failed} not found`;
  }
  return undefined;
}

function logProblem(env: EcsEnv, container: Record<string, unknown>, context: CallContext) {
  const log = container.logConfiguration as
    | { logDriver?: unknown; options?: Record<string, unknown> }
    | undefined;
  if (log?.logDriver !== "awslogs") return undefined;
  const options = log.options ?? {};
  const group = String(options["awslogs-group"]);
  const region = String(options["awslogs-region"] ?? context.region);
  if (options["awslogs-create-group"] !== "true" && !env.world.exists("log-group", group, region)) {
    return `ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1`;
  }
  return undefined;
}
