import type { RouteTable, Subnet } from "@aws-sdk/client-ec2";
import type { NetworkSpec } from "../config/index.js";
import { FlexjobError } from "../errors.js";
import { isAwsError, wrapAwsError } from "./aws-error.js";
import { type AwsClients, loadSdk } from "./clients.js";

/** Where tasks run, after defaults were looked up in the account (see resolveNetwork). */
export interface ResolvedNetwork {
  /** The VPC of the subnets: the Cloud Map namespace lives there. */
  vpcId: string;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
}

interface FoundSubnet {
  id: string;
  vpcId: string;
}

/** A subnet with what its route table says about reaching the internet. */
interface ClassifiedSubnet {
  id: string;
  vpcId: string;
  /** Its default route goes to an internet gateway: tasks need a public IP to use it. */
  public: boolean;
  /** Some default route that is not an internet gateway (NAT gateway or instance, transit gateway, …). */
  privateEgress: boolean;
}

/**
 * Where tasks run: the subnets and security groups from flexjob.yml, or else the default VPC's
 * private subnets and default security group. Reads only. The notes explain choices and warn about
 * networks in which tasks could not pull their image; a scheduled task failing that way fails silently.
 */
export async function resolveNetwork(
  clients: AwsClients,
  network: NetworkSpec,
): Promise<{ network: ResolvedNetwork; notes: string[] }> {
  const region = clients.region;
  try {
    const notes: string[] = [];
    const explicit = network.subnets !== undefined;
    const { found, tables, defaultGroup } = await readNetwork(clients, network);
    const classified = classify(found, tables);
    const privateSubnets = classified.filter((subnet) => !subnet.public);
    // Given subnets are used as given; of the default VPC's, tasks belong in the private ones when there are any.
    // Sorted the way the ids in the resolved network are, so notes list them in the same order.
    const chosen = (explicit || privateSubnets.length === 0 ? classified : privateSubnets).sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    const vpcId = chosen[0]?.vpcId ?? "";
    const subnets = unique(chosen.map((subnet) => subnet.id));
    const securityGroups = unique(network.securityGroups ?? [defaultGroup ?? ""]);

    if (!explicit) {
      const kind = privateSubnets.length === 0 ? "public" : "private";
      notes.push(
        `network.subnets is not set: tasks run in the default VPC ${vpcId}'s ${kind} subnets ${subnets.join(", ")}` +
          (network.securityGroups === undefined
            ? ` with its default security group ${securityGroups.join(", ")}`
            : ""),
      );
    }
    const publicIds = chosen.filter((subnet) => subnet.public).map((subnet) => subnet.id);
    if (publicIds.length > 0 && !network.assignPublicIp) {
      notes.push(
        `${subnetList(publicIds)} ${publicIds.length === 1 ? "is" : "are"} public (their traffic leaves through an internet gateway): tasks there ` +
          "need network.assignPublicIp: true to pull images and send logs, unless the VPC has endpoints for " +
          "ECR (ecr.api, ecr.dkr), S3 and CloudWatch Logs",
      );
    }
    const isolatedIds = chosen
      .filter((subnet) => !subnet.public && !subnet.privateEgress)
      .map((subnet) => subnet.id);
    if (isolatedIds.length > 0) {
      notes.push(
        `${subnetList(isolatedIds)} ${isolatedIds.length === 1 ? "has" : "have"} no route to a NAT gateway: tasks there can pull images only from ` +
          "this account's ECR through VPC endpoints (ecr.api, ecr.dkr, S3, CloudWatch Logs), and public images " +
          "(Docker Hub, public.ecr.aws) only through a NAT gateway or an ECR pull-through cache",
      );
    }
    return { network: { vpcId, subnets, securityGroups, assignPublicIp: network.assignPublicIp }, notes };
  } catch (error) {
    throw wrapAwsError(error, `reading the network (VPC, subnets, route tables) in ${region}`);
  }
}

async function describeSubnets(clients: AwsClients, ids: string[]): Promise<FoundSubnet[]> {
  const { DescribeSubnetsCommand } = await loadSdk(clients, "ec2");
  let subnets: Subnet[];
  try {
    subnets = await pages(
      (NextToken) => clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ids, NextToken })),
      "Subnets",
    );
  } catch (error) {
    // EC2 rejects the whole call and names (one of) the missing subnets in its message.
    if (!isAwsError(error, "InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed")) throw error;
    const named = ids.filter((id) => error instanceof Error && error.message.includes(id));
    throw missingSubnets(clients.region, named.length > 0 ? named : ids, error);
  }
  const found = subnets.flatMap((subnet): FoundSubnet[] =>
    subnet.SubnetId === undefined || subnet.VpcId === undefined
      ? []
      : [{ id: subnet.SubnetId, vpcId: subnet.VpcId }],
  );
  const known = new Set(found.map((subnet) => subnet.id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) throw missingSubnets(clients.region, missing, undefined);
  const vpcs = unique(found.map((subnet) => subnet.vpcId));
  if (vpcs.length > 1) {
    const listing = found.map((subnet) => `${subnet.id} (${subnet.vpcId})`).join(", ");
    const problem = `are in different VPCs: ${listing}`;
    const remedy = "list subnets of one VPC: a task's network interface lives in a single VPC";
    throw new FlexjobError(`network.subnets ${problem}`, {
      code: "CONFIG_INVALID",
      fault: "user",
      remedy,
      // The issue is printed after its path: its message must not repeat it.
      issues: [{ path: "network.subnets", message: problem, remedy }],
    });
  }
  return found;
}

function missingSubnets(region: string, ids: string[], cause: unknown): FlexjobError {
  const problem = `${subnetList(ids)} ${ids.length === 1 ? "does" : "do"} not exist in ${region}`;
  const remedy = "check the subnet ids, and that the deploy uses the account and region the subnets are in";
  return new FlexjobError(`network.subnets: ${problem}`, {
    code: "CONFIG_INVALID",
    fault: "user",
    remedy,
    cause,
    issues: [{ path: "network.subnets", message: problem, remedy }],
  });
}

/**
 * The subnets, their route tables and (unless given) the default security group. Route tables and
 * the group need only the VPC's id, so they are read beside the default VPC's subnets, not after
 * them; a failure is reported in the order they were needed.
 */
async function readNetwork(
  clients: AwsClients,
  network: NetworkSpec,
): Promise<{ found: FoundSubnet[]; tables: RouteTable[]; defaultGroup: string | undefined }> {
  const located =
    network.subnets === undefined
      ? await defaultVpc(clients)
      : await describeSubnets(clients, network.subnets).then((found) => ({
          vpcId: found[0]?.vpcId ?? "",
          subnets: Promise.resolve(found),
        }));
  const [found, tables, defaultGroup] = await inOrder(
    located.subnets,
    routeTables(clients, located.vpcId),
    network.securityGroups === undefined ? defaultSecurityGroup(clients, located.vpcId) : undefined,
  );
  return { found, tables, defaultGroup };
}

/** Each read's value once all have settled; the first of them that failed, in argument order, throws. */
async function inOrder<A, B, C>(
  a: Promise<A>,
  b: Promise<B>,
  c: Promise<C> | undefined,
): Promise<[A, B, C | undefined]> {
  const [first, second, third] = await Promise.allSettled([a, b, c]);
  for (const read of [first, second, third]) if (read.status === "rejected") throw read.reason;
  return [
    (first as PromiseFulfilledResult<A>).value,
    (second as PromiseFulfilledResult<B>).value,
    (third as PromiseFulfilledResult<C | undefined>).value,
  ];
}

/** The default VPC's id, and its subnets as a read in flight. */
async function defaultVpc(clients: AwsClients): Promise<{ vpcId: string; subnets: Promise<FoundSubnet[]> }> {
  const { DescribeVpcsCommand } = await loadSdk(clients, "ec2");
  const vpcs = await pages(
    (NextToken) =>
      clients.ec2.send(
        new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }], NextToken }),
      ),
    "Vpcs",
  );
  const vpcId = vpcs[0]?.VpcId;
  const remedy = "set network.subnets and network.securityGroups in flexjob.yml";
  if (vpcId === undefined) {
    throw new FlexjobError(`no default VPC in ${clients.region}`, {
      code: "CONFIG_INVALID",
      fault: "user",
      remedy,
    });
  }
  const subnets = vpcSubnets(clients, vpcId, remedy);
  // The caller awaits it with the reads it starts next; this only keeps a quick failure from counting as unhandled.
  subnets.catch(() => undefined);
  return { vpcId, subnets };
}

async function vpcSubnets(clients: AwsClients, vpcId: string, remedy: string): Promise<FoundSubnet[]> {
  const { DescribeSubnetsCommand } = await loadSdk(clients, "ec2");
  const subnets = await pages(
    (NextToken) =>
      clients.ec2.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }], NextToken }),
      ),
    "Subnets",
  );
  const found = subnets.flatMap((subnet): FoundSubnet[] =>
    subnet.SubnetId === undefined ? [] : [{ id: subnet.SubnetId, vpcId }],
  );
  if (found.length === 0) {
    throw new FlexjobError(`the default VPC ${vpcId} in ${clients.region} has no subnets`, {
      code: "CONFIG_INVALID",
      fault: "user",
      remedy,
    });
  }
  return found;
}

/**
 * A subnet uses the route table explicitly associated with it, else its VPC's main table. Only the
 * IPv4 default route matters here: it is how a task reaches ECR, Docker Hub and CloudWatch Logs.
 */
function classify(subnets: FoundSubnet[], tables: RouteTable[]): ClassifiedSubnet[] {
  return subnets.map(({ id, vpcId }) => {
    const table =
      tables.find((candidate) => associated(candidate, (association) => association.SubnetId === id)) ??
      tables.find(
        (candidate) =>
          candidate.VpcId === vpcId && associated(candidate, (association) => association.Main === true),
      );
    const defaultRoutes = (table?.Routes ?? []).filter(
      (route) => route.DestinationCidrBlock === "0.0.0.0/0" && route.State !== "blackhole",
    );
    const isPublic = defaultRoutes.some((route) => route.GatewayId?.startsWith("igw-") === true);
    const privateEgress = defaultRoutes.some(
      (route) =>
        route.NatGatewayId !== undefined ||
        route.TransitGatewayId !== undefined ||
        route.InstanceId !== undefined ||
        route.NetworkInterfaceId !== undefined ||
        route.GatewayId?.startsWith("vpce-") === true,
    );
    return { id, vpcId, public: isPublic, privateEgress };
  });
}

async function routeTables(clients: AwsClients, vpcId: string): Promise<RouteTable[]> {
  const { DescribeRouteTablesCommand } = await loadSdk(clients, "ec2");
  return pages(
    (NextToken) =>
      clients.ec2.send(
        new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }], NextToken }),
      ),
    "RouteTables",
  );
}

type Association = NonNullable<RouteTable["Associations"]>[number];

function associated(table: RouteTable, matches: (association: Association) => boolean): boolean {
  return (table.Associations ?? []).some(
    (association) =>
      matches(association) &&
      (association.AssociationState?.State === undefined ||
        association.AssociationState.State === "associated"),
  );
}

async function defaultSecurityGroup(clients: AwsClients, vpcId: string): Promise<string> {
  const { DescribeSecurityGroupsCommand } = await loadSdk(clients, "ec2");
  const groups = await pages(
    (NextToken) =>
      clients.ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: "vpc-id", Values: [vpcId] },
            { Name: "group-name", Values: ["default"] },
          ],
          NextToken,
        }),
      ),
    "SecurityGroups",
  );
  const groupId = groups[0]?.GroupId;
  if (groupId === undefined) {
    throw new FlexjobError(`VPC ${vpcId} in ${clients.region} has no default security group`, {
      code: "CONFIG_INVALID",
      fault: "user",
      remedy: "set network.securityGroups in flexjob.yml",
    });
  }
  return groupId;
}

/** Reads every page of an EC2 Describe call: without MaxResults EC2 usually returns all, but may not. */
async function pages<K extends string, T>(
  send: (
    nextToken: string | undefined,
  ) => Promise<{ NextToken?: string | undefined } & { [P in K]?: T[] | undefined }>,
  key: K,
): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await send(nextToken);
    items.push(...(page[key] ?? []));
    nextToken = page.NextToken;
  } while (nextToken !== undefined && nextToken !== "");
  return items;
}

function subnetList(ids: string[]): string {
  return `${ids.length === 1 ? "subnet" : "subnets"} ${ids.join(", ")}`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
