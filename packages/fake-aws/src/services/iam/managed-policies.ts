/**
 * The documents of the AWS managed policies a role here may attach, as far as what fake-aws
 * checks (image pulls, secret reads) depends on them. A managed policy without a document here
 * allows nothing, so a test can never pass on a permission AWS's own policy would not grant.
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html
 */
const ECR_READ = [
  "ecr:GetAuthorizationToken",
  "ecr:BatchCheckLayerAvailability",
  "ecr:GetDownloadUrlForLayer",
  "ecr:GetRepositoryPolicy",
  "ecr:DescribeRepositories",
  "ecr:ListImages",
  "ecr:DescribeImages",
  "ecr:BatchGetImage",
  "ecr:GetLifecyclePolicy",
  "ecr:GetLifecyclePolicyPreview",
  "ecr:ListTagsForResource",
  "ecr:DescribeImageScanFindings",
];

const allow = (Action: string | string[]) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action, Resource: "*" }],
});

export const AWS_MANAGED_POLICY_DOCUMENTS: ReadonlyMap<string, unknown> = new Map(
  Object.entries({
    "service-role/AmazonECSTaskExecutionRolePolicy": allow([
      "ecr:GetAuthorizationToken",
      "ecr:BatchCheckLayerAvailability",
      "ecr:GetDownloadUrlForLayer",
      "ecr:BatchGetImage",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]),
    AmazonEC2ContainerRegistryReadOnly: allow(ECR_READ),
    AmazonSSMReadOnlyAccess: allow(["ssm:Describe*", "ssm:Get*", "ssm:List*"]),
    AdministratorAccess: allow("*"),
  }).map(([name, document]) => [`arn:aws:iam::aws:policy/${name}`, document]),
);
