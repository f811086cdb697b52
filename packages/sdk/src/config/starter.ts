import { CONFIG_SCHEMA_URL } from "./json-schema.js";

/**
 * A commented starter flexjob.yml, as `flexjob init` writes it: one job that runs as is, and every
 * other field commented out with its default or an example. The schema comment on the first line
 * gives editors completion and checking as the user types.
 * @example
 * await writeFile("flexjob.yml", starterConfig({ app: "billing" }));
 */
export function starterConfig(options: { app?: string } = {}): string {
  const app = options.app ?? "my-app";
  return `# yaml-language-server: $schema=${CONFIG_SCHEMA_URL}
# flexjob: scheduled container jobs on AWS Fargate. Every field is described in the schema above.

app: ${app}                      # prefix of every AWS resource flexjob creates
# region: eu-west-1                # default: AWS_REGION / your profile's region
# cluster: ${app}                  # default: the app name
# network:
#   subnets: [subnet-0a1b2c3d4e5f67890]      # default: the default VPC's subnets
#   securityGroups: [sg-0a1b2c3d4e5f67890]   # default: the VPC's default security group
#   assignPublicIp: false
# discovery:
#   namespace: ${app}.internal

jobs:
  hello:
    image: public.ecr.aws/docker/library/alpine:3
    command: echo "hello from flexjob"     # split like a shell would, but run without one
    schedule: cron(0 9 ? * MON-FRI *)     # or rate(1 hour), at(2030-01-01T09:00:00), "every day at 9:00"
    timezone: Europe/Berlin               # default: UTC
    # source:                             # build from this repository instead of image:
    #   rootDir: .
    #   dockerfile: Dockerfile
    #   buildArgs: { NODE_VERSION: "22" }
    # branch: main                        # deploy only from this branch
    # enabled: true
    # cpu: 0.25                           # vCPU: 0.25, 0.5, 1, 2, 4, 8, 16
    # memory: 0.5                         # GiB, valid for the cpu; or "512 MiB"
    # storage: 20                         # GiB of ephemeral storage, 20-200
    # arch: x86_64                        # or arm64, flex
    # spot: false                         # Fargate Spot: cheaper, may be interrupted
    # tasks: 1                            # parallel tasks per run, 1-50
    # retry:
    #   attempts: 185                     # 0-185
    #   maxAge: 24h                       # 60s-24h
    # flexibleWindow: off                 # or 1-1440 minutes, e.g. 15m
    # startDate: 2030-01-01T00:00:00Z
    # endDate: 2030-12-31T23:59:59Z
    # healthCheck:
    #   command: curl -f http://localhost:8080/health || exit 1
    #   interval: 30
    #   timeout: 5
    #   retries: 3
    #   startPeriod: 0
    # env:
    #   LOG_LEVEL: info
    # secrets:
    #   DATABASE_URL: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf
    # logs:
    #   retentionDays: 30
    # taskRole: arn:aws:iam::123456789012:role/my-job-role
`;
}
