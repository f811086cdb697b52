import { type Data, isRecord, type JobContext, report, valueAt } from "./context.js";

/**
 * `network.vpc` as flexjob's `network`. flexjob's network is the app's, not each job's: the
 * caller writes it once and reports jobs whose network differs. Copilot ran jobs in its
 * environment's own VPC, which flexjob does not know: the notes say which subnets to name.
 */
export function convertNetwork(ctx: JobContext): Data {
  const network: Data = {};
  convertPlacement(ctx, network);
  convertSecurityGroups(ctx, network);
  return network;
}

function envStack(ctx: JobContext): string {
  return `${ctx.app}-${ctx.env ?? "<env>"}`;
}

function convertPlacement(ctx: JobContext, network: Data): void {
  const path = ["network", "vpc", "placement"];
  const placement = valueAt(ctx, path);
  if (placement === undefined || typeof placement === "string") {
    const kind = placement ?? "public";
    network.assignPublicIp = kind === "public";
    report(
      ctx,
      path,
      placement === undefined ? "default" : "mapped",
      "network.assignPublicIp",
      `${placement === undefined ? "not set: Copilot's default public" : kind} placement, ${kind === "public" ? "with" : "without"} a public IP; Copilot used the ${kind} subnets of its environment stack ${envStack(ctx)}, flexjob uses the default VPC's unless you list them in network.subnets`,
    );
    return;
  }
  network.assignPublicIp = false;
  const subnets = (placement as Data).subnets;
  if (Array.isArray(subnets)) {
    network.subnets = subnets;
    report(
      ctx,
      [...path, "subnets"],
      "mapped",
      "network.subnets",
      "these subnets, without a public IP, as in Copilot",
    );
    return;
  }
  report(
    ctx,
    [...path, "subnets", "from_tags"],
    "unmapped",
    undefined,
    "flexjob takes subnet IDs: list the subnets with those tags (aws ec2 describe-subnets --filters Name=tag:KEY,Values=VALUE) in network.subnets",
  );
}

function convertSecurityGroups(ctx: JobContext, network: Data): void {
  const path = ["network", "vpc", "security_groups"];
  const value = valueAt(ctx, path);
  const groups = Array.isArray(value)
    ? value
    : isRecord(value) && Array.isArray(value.groups)
      ? value.groups
      : [];
  const denyDefault = isRecord(value) && value.deny_default === true;
  const ids = groups.filter((group): group is string => typeof group === "string");
  if (ids.length > 0) {
    network.securityGroups = ids;
    report(ctx, path, "mapped", "network.securityGroups", `security groups ${ids.join(", ")}`);
  }
  groups.forEach((group, index) => {
    if (!isRecord(group)) return;
    report(
      ctx,
      Array.isArray(value) ? [...path, String(index)] : [...path, "groups", String(index)],
      "unmapped",
      undefined,
      `from_cfn ${String(group.from_cfn)}: look up the export's security group ID (aws cloudformation list-exports) and add it to network.securityGroups`,
    );
  });
  if (!denyDefault) {
    report(
      ctx,
      path,
      "default",
      undefined,
      `Copilot also attached its environment's security group (export ${envStack(ctx)}-EnvironmentSecurityGroup): add its ID to network.securityGroups if the job needs what it allows`,
    );
  }
}
