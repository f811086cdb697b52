import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { AwsError, type CallContext, type Handler } from "../../core/types.js";
import {
  applyFilters,
  checkId,
  DESCRIBE_LIMITS,
  pageOf,
  ROUTE_TABLE_FILTERS,
  readDescribe,
  readStringList,
  SECURITY_GROUP_FILTERS,
  SUBNET_FILTERS,
  VPC_FILTERS,
} from "./input.js";
import {
  ACCOUNT_ID,
  availabilityZoneId,
  type Ec2Env,
  type RouteTable,
  regionState,
  type SecurityGroup,
  type Subnet,
  subnetArn,
  type Vpc,
} from "./state.js";

/**
 * EC2's request handlers (the networking reads): each reads its Describe request (input.ts),
 * selects from the region's state (state.ts) and shapes the answer in ec2Query's wire names.
 */

const OPERATIONS: Record<string, OperationHandler<Ec2Env>> = {
  DescribeVpcs: describeVpcs,
  DescribeSubnets: describeSubnets,
  DescribeSecurityGroups: describeSecurityGroups,
  DescribeRouteTables: describeRouteTables,
};

export function ec2Handlers(env: Ec2Env): Record<string, Handler> {
  return bindHandlers(env, OPERATIONS);
}

/**
 * The resources a Describe call names by id, in the order asked: a malformed id and an unknown one
 * fail the whole call, as EC2 does (`<Prefix>.Malformed`, `<Prefix>.NotFound`).
 */
function selectIds<T>(
  ids: readonly string[],
  known: ReadonlyMap<string, T>,
  kind: string,
  prefix: string,
  notFound: (id: string) => string,
  malformed = `${prefix}.Malformed`,
): T[] {
  return ids.map((id) => {
    checkId(id, kind, malformed);
    const found = known.get(id);
    if (found === undefined) throw new AwsError(`${prefix}.NotFound`, notFound(id));
    return found;
  });
}

function describeVpcs(env: Ec2Env, input: Record<string, unknown>, ctx: CallContext) {
  const req = readDescribe(input, "VpcId", "vpcIdSet", DESCRIBE_LIMITS.default);
  const state = regionState(env.state, ctx.region);
  const selected = req.ids
    ? selectIds(req.ids, state.vpcs, "vpc", "InvalidVpcID", (id) => `The vpc ID '${id}' does not exist`)
    : [...state.vpcs.values()];
  const matched = applyFilters(selected, req.filters, VPC_FILTERS, ctx.region);
  const page = pageOf(matched, (v) => v.vpcId, req);
  return { vpcSet: page.items.map((v) => vpcOut(v)), nextToken: page.nextToken };
}

function describeSubnets(env: Ec2Env, input: Record<string, unknown>, ctx: CallContext) {
  const req = readDescribe(input, "SubnetId", "subnetIdSet", DESCRIBE_LIMITS.default);
  const state = regionState(env.state, ctx.region);
  const selected = req.ids
    ? selectIds(
        req.ids,
        state.subnets,
        "subnet",
        "InvalidSubnetID",
        (id) => `The subnet ID '${id}' does not exist`,
      )
    : [...state.subnets.values()];
  const matched = applyFilters(selected, req.filters, SUBNET_FILTERS, ctx.region);
  const page = pageOf(matched, (s) => s.subnetId, req);
  return { subnetSet: page.items.map((s) => subnetOut(s, ctx.region)), nextToken: page.nextToken };
}

function describeSecurityGroups(env: Ec2Env, input: Record<string, unknown>, ctx: CallContext) {
  const req = readDescribe(input, "GroupId", "groupIdSet", DESCRIBE_LIMITS.default);
  const names = readStringList(input, "GroupName");
  if (names !== undefined && req.maxResults !== undefined) {
    throw new AwsError(
      "InvalidParameterCombination",
      "The parameter groupNameSet cannot be used with the parameter maxResults",
    );
  }
  const state = regionState(env.state, ctx.region);
  let selected: SecurityGroup[];
  if (req.ids === undefined && names === undefined) selected = [...state.securityGroups.values()];
  else {
    selected = selectIds(
      req.ids ?? [],
      state.securityGroups,
      "sg",
      "InvalidGroup",
      (id) => `The security group '${id}' does not exist`,
      "InvalidGroupId.Malformed",
    );
    // Names alone only reach the default VPC, as AWS documents.
    for (const name of names ?? []) {
      const group = [...state.securityGroups.values()].find(
        (g) => g.groupName === name && g.vpcId === state.defaultVpc.vpcId,
      );
      if (!group) {
        throw new AwsError(
          "InvalidGroup.NotFound",
          `The security group '${name}' does not exist in default VPC '${state.defaultVpc.vpcId}'`,
        );
      }
      if (!selected.includes(group)) selected.push(group);
    }
  }
  const matched = applyFilters(selected, req.filters, SECURITY_GROUP_FILTERS, ctx.region);
  const page = pageOf(matched, (g) => g.groupId, req);
  return {
    securityGroupInfo: page.items.map((g) => securityGroupOut(g, ctx.region)),
    nextToken: page.nextToken,
  };
}

function describeRouteTables(env: Ec2Env, input: Record<string, unknown>, ctx: CallContext) {
  const req = readDescribe(input, "RouteTableId", "routeTableIdSet", DESCRIBE_LIMITS.routeTables);
  const state = regionState(env.state, ctx.region);
  const selected = req.ids
    ? req.ids.map((id) => {
        checkId(id, "rtb", "InvalidRouteTableId.Malformed");
        const table = state.routeTables.get(id);
        if (!table)
          throw new AwsError("InvalidRouteTableID.NotFound", `The routeTable ID '${id}' does not exist`);
        return table;
      })
    : [...state.routeTables.values()];
  const matched = applyFilters(selected, req.filters, ROUTE_TABLE_FILTERS, ctx.region);
  const page = pageOf(matched, (t) => t.routeTableId, req);
  return { routeTableSet: page.items.map((t) => routeTableOut(t)), nextToken: page.nextToken };
}

// ---------------------------------------------------------------------------------------------
// Output, in ec2Query's lowerCamel wire names (lists become `<item>`s).

function tagSet(tags: Record<string, string>) {
  const entries = Object.entries(tags);
  return entries.length === 0 ? undefined : entries.map(([key, value]) => ({ key, value }));
}

export function vpcOut(vpc: Vpc) {
  return {
    vpcId: vpc.vpcId,
    ownerId: ACCOUNT_ID,
    state: "available",
    cidrBlock: vpc.cidrBlock,
    cidrBlockAssociationSet: [
      {
        associationId: vpc.cidrAssociationId,
        cidrBlock: vpc.cidrBlock,
        cidrBlockState: { state: "associated" },
      },
    ],
    dhcpOptionsId: vpc.dhcpOptionsId,
    instanceTenancy: "default",
    isDefault: vpc.isDefault,
    blockPublicAccessStates: { internetGatewayBlockMode: "off" },
    tagSet: tagSet(vpc.tags),
  };
}

export function subnetOut(subnet: Subnet, region: string) {
  return {
    subnetId: subnet.subnetId,
    subnetArn: subnetArn(subnet, region),
    vpcId: subnet.vpcId,
    ownerId: ACCOUNT_ID,
    state: "available",
    cidrBlock: subnet.cidrBlock,
    availabilityZone: subnet.availabilityZone,
    availabilityZoneId: availabilityZoneId(subnet.availabilityZone),
    availableIpAddressCount: 4091,
    defaultForAz: subnet.defaultForAz,
    mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
    mapCustomerOwnedIpOnLaunch: false,
    assignIpv6AddressOnCreation: false,
    enableDns64: false,
    ipv6Native: false,
    privateDnsNameOptionsOnLaunch: {
      hostnameType: "ip-name",
      enableResourceNameDnsARecord: false,
      enableResourceNameDnsAAAARecord: false,
    },
    blockPublicAccessStates: { internetGatewayBlockMode: "off" },
    tagSet: tagSet(subnet.tags),
  };
}

export function securityGroupOut(group: SecurityGroup, region: string) {
  return {
    groupId: group.groupId,
    groupName: group.groupName,
    groupDescription: group.description,
    vpcId: group.vpcId,
    ownerId: ACCOUNT_ID,
    securityGroupArn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:security-group/${group.groupId}`,
    // A new group allows no inbound traffic; a VPC's default group allows its own members.
    ipPermissions:
      group.groupName === "default"
        ? [{ ipProtocol: "-1", groups: [{ groupId: group.groupId, userId: ACCOUNT_ID }] }]
        : [],
    ipPermissionsEgress: [{ ipProtocol: "-1", ipRanges: [{ cidrIp: "0.0.0.0/0" }] }],
    tagSet: tagSet(group.tags),
  };
}

export function routeTableOut(table: RouteTable) {
  const associations: Record<string, unknown>[] = [];
  if (table.mainAssociationId !== undefined) {
    associations.push({
      main: true,
      routeTableAssociationId: table.mainAssociationId,
      routeTableId: table.routeTableId,
      associationState: { state: "associated" },
    });
  }
  for (const [subnetId, associationId] of table.subnets) {
    associations.push({
      main: false,
      routeTableAssociationId: associationId,
      routeTableId: table.routeTableId,
      subnetId,
      associationState: { state: "associated" },
    });
  }
  return {
    routeTableId: table.routeTableId,
    vpcId: table.vpcId,
    ownerId: ACCOUNT_ID,
    associationSet: associations,
    routeSet: table.routes.map((r) => ({
      destinationCidrBlock: r.destinationCidrBlock,
      gatewayId: r.gatewayId,
      natGatewayId: r.natGatewayId,
      origin: r.origin,
      state: "active",
    })),
    tagSet: tagSet(table.tags),
  };
}
