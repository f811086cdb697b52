import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from "@aws-sdk/client-ecs";
import {
  CreatePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../../index.js";
import { defaultSubnet, TRUST_ECS_TASKS } from "../../test-support.js";

let aws: FakeAws;
let ecs: ECSClient;
let iam: IAMClient;
let ssm: SSMClient;
const ROLE = "arn:aws:iam::123456789012:role/exec";
const CALLER = "arn:aws:sts::123456789012:assumed-role/exec/";
const PREFIX =
  "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ";

beforeAll(async () => {
  aws = await startFakeAws();
  ecs = new ECSClient({ ...aws.clientConfig(), maxAttempts: 1 });
  iam = new IAMClient({ ...aws.clientConfig(), maxAttempts: 1 });
  ssm = new SSMClient({ ...aws.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  ecs.destroy();
  iam.destroy();
  ssm.destroy();
  await aws.close();
});
beforeEach(async () => {
  aws.reset();
  await iam.send(new CreateRoleCommand({ RoleName: "exec", AssumeRolePolicyDocument: TRUST_ECS_TASKS }));
  await ecs.send(new CreateClusterCommand({ clusterName: "jobs" }));
});

const allow = (Action: string | string[], Resource: string | string[], Condition?: unknown) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource, Condition }] });

async function grant(document: string): Promise<void> {
  await iam.send(new PutRolePolicyCommand({ RoleName: "exec", PolicyName: "p", PolicyDocument: document }));
}

/** Registers a task definition with one container, runs it, and reads why it stopped. */
async function stoppedReason(container: { image?: string; secrets?: { name: string; valueFrom: string }[] }) {
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "job",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      executionRoleArn: ROLE,
      containerDefinitions: [{ name: "job", image: "public.ecr.aws/docker/library/busybox:1", ...container }],
    }),
  );
  const { tasks } = await ecs.send(
    new RunTaskCommand({
      cluster: "jobs",
      taskDefinition: "job",
      launchType: "FARGATE",
      networkConfiguration: { awsvpcConfiguration: { subnets: [await defaultSubnet(aws)] } },
    }),
  );
  aws.clock.advance(10 * 60_000);
  const arn = tasks?.[0]?.taskArn ?? "";
  const out = await ecs.send(new DescribeTasksCommand({ cluster: "jobs", tasks: [arn] }));
  return out.tasks?.[0]?.stoppedReason?.replace(arn.split("/").pop() ?? "", "<task>");
}

const EXITED = "Essential container in task exited";

describe("registry auth and image pulls", () => {
  const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tool:1";

  it("a role without ecr:GetAuthorizationToken cannot get registry auth", async () => {
    await grant(allow(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "*"));
    expect(await stoppedReason({ image })).toBe(
      `${PREFIX}unable to retrieve ecr registry auth: service call has been retried 1 time(s): AccessDeniedException: User: ${CALLER}<task> is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`,
    );
  });

  it("a boundary that does not allow the pull denies it, whatever the inline policy allows", async () => {
    await grant(allow("ecr:*", "*"));
    const boundary = await iam.send(
      new CreatePolicyCommand({ PolicyName: "b", PolicyDocument: allow("ecr:GetAuthorizationToken", "*") }),
    );
    await iam.send(
      new PutRolePermissionsBoundaryCommand({ RoleName: "exec", PermissionsBoundary: boundary.Policy?.Arn }),
    );
    expect(await stoppedReason({ image })).toBe(
      `CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref ${image}: pulling from host 123456789012.dkr.ecr.us-east-1.amazonaws.com failed with status code [manifests 1]: 403 Forbidden`,
    );
  });
});

describe("secrets", () => {
  it("an SSM parameter named without an ARN resolves in the task's region and needs ssm:GetParameters on its ARN", async () => {
    const arn = aws.secrets.putParameter("/prod/token");
    expect(arn).toBe("arn:aws:ssm:us-east-1:123456789012:parameter/prod/token");
    const secrets = [{ name: "TOKEN", valueFrom: "/prod/token" }];
    expect(await stoppedReason({ secrets })).toBe(
      `${PREFIX}unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: ${CALLER}<task> is not authorized to perform: ssm:GetParameters on resource: ${arn} because no identity-based policy allows the ssm:GetParameters action`,
    );
    await grant(allow("ssm:GetParameters", arn));
    expect(await stoppedReason({ secrets })).toBe(EXITED);
    expect(await stoppedReason({ secrets: [{ name: "TOKEN", valueFrom: "/prod/other" }] })).toBe(
      `${PREFIX}unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: /prod/other`,
    );
  });

  it("a String parameter written with PutParameter is read as a SecureString is, until DeleteParameter removes it", async () => {
    const name = "/flexjob/shop/region";
    await ssm.send(new PutParameterCommand({ Name: name, Value: "eu-west-1", Type: "String" }));
    await grant(
      allow("ssm:GetParameters", "arn:aws:ssm:us-east-1:123456789012:parameter/flexjob/shop/region"),
    );
    const secrets = [{ name: "REGION", valueFrom: name }];
    expect(await stoppedReason({ secrets })).toBe(EXITED);
    await ssm.send(new DeleteParameterCommand({ Name: name }));
    expect(await stoppedReason({ secrets })).toBe(
      `${PREFIX}unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: ${name}`,
    );
  });

  it("a secret under a customer key also needs kms:Decrypt through Secrets Manager for that secret", async () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/k1";
    const arn = aws.secrets.put("stripe-secret", { kmsKeyId: "k1" });
    expect(arn).toMatch(
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe-secret-[A-Za-z0-9]{6}$/,
    );
    const read = { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arn };
    const policy = (decrypt: Record<string, unknown>) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [read, { Effect: "Allow", Action: "kms:Decrypt", Resource: key, ...decrypt }],
      });
    const secrets = [{ name: "STRIPE", valueFrom: `${arn}:api_key::` }];
    await grant(policy({ Condition: { StringEquals: { "kms:ViaService": "ssm.us-east-1.amazonaws.com" } } }));
    expect(await stoppedReason({ secrets })).toBe(
      `${PREFIX}unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${arn} from secrets manager: AccessDeniedException: Access to KMS is not allowed`,
    );
    await grant(
      policy({
        Condition: {
          StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" },
          StringLike: {
            "kms:EncryptionContext:SecretARN":
              "arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe-secret-??????",
          },
        },
      }),
    );
    expect(await stoppedReason({ secrets })).toBe(EXITED);
  });
});
