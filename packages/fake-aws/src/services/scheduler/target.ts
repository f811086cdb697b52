import type { Reader } from "../../core/readers.js";
import { AwsError, type World } from "../../core/types.js";

/** Validation of a schedule's Target, per the Scheduler API reference's member constraints. */

const validation = (message: string) => new AwsError("ValidationException", message);

const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SQS_ARN = /^(arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+)$/;
const CLUSTER_ARN = /^arn:aws(-[a-z]+)?:ecs:([a-z0-9-]+):\d{12}:cluster\/[a-zA-Z0-9_-]{1,255}$/;
const TASK_DEFINITION_ARN =
  /^arn:aws(-[a-z]+)?:ecs:([a-z0-9-]+):\d{12}:task-definition\/[a-zA-Z0-9_-]{1,255}(:\d+)?$/;

/**
 * Reads and checks `Target`, returning it as GetSchedule will show it (RetryPolicy defaults filled).
 * Scheduler assumes the role as the schedule's group, so a trust limited with `aws:SourceArn` must
 * name the group's ARN (not the schedule's) and `aws:SourceAccount` the account.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html
 */
export function readTarget(
  schedule: Reader,
  world: World,
  source: { region: string; accountId: string; groupName: string },
): Record<string, unknown> {
  const { region } = source;
  const target = schedule.object("Target", { required: true });
  const arn = target.string("Arn", { required: true, min: 1, max: 1600 });
  const roleArn = target.string("RoleArn", { required: true, min: 1, max: 1600, pattern: ROLE_ARN });
  const trusted = world.roleTrusts
    ? world.roleTrusts(roleArn, "scheduler.amazonaws.com", {
        "aws:SourceAccount": source.accountId,
        "aws:SourceArn": `arn:aws:scheduler:${region}:${source.accountId}:schedule-group/${source.groupName}`,
      })
    : world.exists("iam-role", roleArn, region);
  if (!trusted) {
    throw validation(
      "The execution role you provide must allow AWS EventBridge Scheduler to assume the role.",
    );
  }
  target.string("Input", { min: 1, max: 8192 });
  target.object("DeadLetterConfig")?.string("Arn", { min: 1, max: 1600, pattern: SQS_ARN });
  const retry = target.object("RetryPolicy");
  const maxAge = retry?.int("MaximumEventAgeInSeconds", { min: 60, max: 86400 });
  const maxAttempts = retry?.int("MaximumRetryAttempts", { min: 0, max: 185 });

  const ecs = target.object("EcsParameters");
  const clusterArn = CLUSTER_ARN.exec(arn);
  if (ecs && !clusterArn)
    throw validation(`EcsParameters require an ECS cluster ARN as the target, not ${arn}.`);
  if (clusterArn && !ecs) throw validation("EcsParameters are required when the target is an ECS cluster.");
  if (ecs && clusterArn) {
    if (clusterArn[2] !== region || !world.exists("ecs-cluster", arn, region)) {
      throw validation(`The target cluster ${arn} does not exist.`);
    }
    readEcsParameters(ecs, world, region);
  }
  target.object("SqsParameters")?.string("MessageGroupId", { min: 1, max: 128 });
  target.object("KinesisParameters")?.string("PartitionKey", { required: true, min: 1, max: 256 });
  const eventBridge = target.object("EventBridgeParameters");
  eventBridge?.string("DetailType", { required: true, min: 1, max: 128 });
  eventBridge?.string("Source", {
    required: true,
    min: 1,
    max: 256,
    pattern: /^(?!aws\.)[/.\-_A-Za-z0-9]+$/,
  });

  const described = structuredClone(target.input);
  described.RetryPolicy = {
    MaximumEventAgeInSeconds: maxAge ?? 86400,
    MaximumRetryAttempts: maxAttempts ?? 185,
  };
  return described;
}

function readEcsParameters(ecs: Reader, world: World, region: string): void {
  const taskDefinition = ecs.string("TaskDefinitionArn", { required: true, min: 1, max: 1600 });
  const match = TASK_DEFINITION_ARN.exec(taskDefinition);
  if (!match || match[2] !== region || !world.exists("ecs-task-definition", taskDefinition, region)) {
    throw validation(`The task definition ${taskDefinition} does not exist.`);
  }
  ecs.int("TaskCount", { min: 1, max: 10 });
  const launchType = ecs.string("LaunchType", { oneOf: ["EC2", "FARGATE", "EXTERNAL"] });
  const strategy = ecs.objects("CapacityProviderStrategy", { max: 6 });
  if (launchType !== undefined && strategy.length > 0) {
    throw validation("LaunchType and CapacityProviderStrategy cannot both be specified.");
  }
  for (const item of strategy) {
    item.string("capacityProvider", { required: true, min: 1, max: 255 });
    item.int("weight", { min: 0, max: 1000 });
    item.int("base", { min: 0, max: 100000 });
  }
  const vpc = ecs.object("NetworkConfiguration")?.object("awsvpcConfiguration");
  if (vpc) {
    vpc.strings("Subnets", { required: true, min: 1, max: 16, item: { min: 1, max: 1000 } });
    vpc.strings("SecurityGroups", { min: 1, max: 5, item: { min: 1, max: 1000 } });
    vpc.string("AssignPublicIp", { oneOf: ["ENABLED", "DISABLED"] });
  }
  ecs.string("PlatformVersion", { min: 1, max: 64 });
  ecs.string("Group", { min: 1, max: 255 });
  ecs.bool("EnableECSManagedTags");
  ecs.bool("EnableExecuteCommand");
  for (const constraint of ecs.objects("PlacementConstraints", { max: 10 })) {
    constraint.string("type", { oneOf: ["distinctInstance", "memberOf"] });
    constraint.string("expression", { max: 2000 });
  }
  for (const strategyItem of ecs.objects("PlacementStrategy", { max: 5 })) {
    strategyItem.string("type", { oneOf: ["random", "spread", "binpack"] });
    strategyItem.string("field", { max: 255 });
  }
  ecs.string("PropagateTags", { oneOf: ["TASK_DEFINITION"] });
  ecs.string("ReferenceId", { max: 1024 });
  const tags = ecs.list("Tags", { min: 0, max: 50 }) ?? [];
  for (const tag of tags) {
    if (typeof tag !== "object" || tag === null) throw validation("Each EcsParameters tag must be a map.");
    for (const [key, value] of Object.entries(tag)) {
      if (
        key.length < 1 ||
        key.length > 128 ||
        typeof value !== "string" ||
        value.length < 1 ||
        value.length > 256
      ) {
        throw validation("EcsParameters tag keys must be 1-128 characters and values 1-256 characters.");
      }
    }
  }
}
