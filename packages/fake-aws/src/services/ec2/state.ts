import { createHash } from "node:crypto";

/**
 * EC2's state: per region, the default VPC (made on first use, with ids derived from the region
 * so they are the same in every run) and what tests add. Plain data and the functions that make
 * it; reading a request and shaping a response is the handlers' work (handlers.ts).
 */

export const ACCOUNT_ID = "123456789012";

export interface DefaultVpcInfo {
  vpcId: string;
  publicSubnetIds: [string, string];
  privateSubnetIds: [string, string];
  securityGroupId: string;
  availabilityZones: [string, string];
}

export interface Vpc {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
  dhcpOptionsId: string;
  cidrAssociationId: string;
  internetGatewayId: string;
  tags: Record<string, string>;
}

export interface Subnet {
  subnetId: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
  tags: Record<string, string>;
}

export interface SecurityGroup {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  tags: Record<string, string>;
}

export interface Route {
  destinationCidrBlock: string;
  gatewayId?: string;
  natGatewayId?: string;
  origin: "CreateRouteTable" | "CreateRoute";
}

export interface RouteTable {
  routeTableId: string;
  vpcId: string;
  main: boolean;
  mainAssociationId: string | undefined;
  /** subnet id → association id */
  subnets: Map<string, string>;
  routes: Route[];
  tags: Record<string, string>;
}

export interface Resources {
  region: string;
  vpcs: Map<string, Vpc>;
  subnets: Map<string, Subnet>;
  securityGroups: Map<string, SecurityGroup>;
  routeTables: Map<string, RouteTable>;
  /** Counter for ids of resources added through controls. */
  added: number;
}

export interface RegionState extends Resources {
  defaultVpc: DefaultVpcInfo;
}

export interface Ec2State {
  regions: Map<string, RegionState>;
}

/** What every handler works with; `state` is replaced on reset. */
export interface Ec2Env {
  state: Ec2State;
}

export const emptyEc2State = (): Ec2State => ({ regions: new Map() });

/** A region's resources, its default VPC made when the region is first used. */
export function regionState(ec2: Ec2State, region: string): RegionState {
  let state = ec2.regions.get(region);
  if (state === undefined) {
    state = createRegion(region);
    ec2.regions.set(region, state);
  }
  return state;
}

export interface AddVpcOptions {
  region?: string;
  cidrBlock?: string;
  tags?: Record<string, string>;
}

export interface AddSubnetOptions {
  vpcId: string;
  region?: string;
  availabilityZone?: string;
  cidrBlock?: string;
  public?: boolean;
  tags?: Record<string, string>;
}

export interface AddSecurityGroupOptions {
  vpcId: string;
  groupName: string;
  region?: string;
  description?: string;
  tags?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// What tests add through controls

export function addVpc(ec2: Ec2State, options: AddVpcOptions = {}) {
  const state = regionState(ec2, options.region ?? "us-east-1");
  state.added += 1;
  const seed = `added-${state.added}`;
  const vpc = makeVpc(state, seed, options.cidrBlock ?? `10.${state.added % 256}.0.0/16`, false);
  vpc.tags = { ...options.tags };
  const main = makeRouteTable(state, `${seed}-main`, vpc.vpcId, true, []);
  const group = makeDefaultSecurityGroup(state, seed, vpc.vpcId);
  return { vpcId: vpc.vpcId, mainRouteTableId: main.routeTableId, defaultSecurityGroupId: group.groupId };
}

export function addSubnet(ec2: Ec2State, options: AddSubnetOptions) {
  const state = regionState(ec2, options.region ?? "us-east-1");
  const vpc = state.vpcs.get(options.vpcId);
  if (!vpc) throw new Error(`fake-aws ec2: no VPC ${options.vpcId} in ${state.region}`);
  state.added += 1;
  const seed = `added-${state.added}`;
  const index = [...state.subnets.values()].filter((s) => s.vpcId === vpc.vpcId).length;
  const subnet = makeSubnet(state, seed, {
    vpcId: vpc.vpcId,
    cidrBlock: options.cidrBlock ?? nthSubnetCidr(vpc.cidrBlock, index + 4),
    availabilityZone: options.availabilityZone ?? `${state.region}a`,
    defaultForAz: false,
    mapPublicIpOnLaunch: options.public === true,
  });
  subnet.tags = { ...options.tags };
  let table: RouteTable;
  if (options.public === true) {
    table = makeRouteTable(state, `${seed}-public`, vpc.vpcId, false, [
      { destinationCidrBlock: "0.0.0.0/0", gatewayId: vpc.internetGatewayId, origin: "CreateRoute" },
    ]);
    table.subnets.set(subnet.subnetId, `rtbassoc-${hexId(state.region, `${seed}-assoc`)}`);
  } else {
    table = mainTable(state, vpc.vpcId);
    if (vpc.isDefault) {
      // The default VPC's main table is public; private subnets there use the private table.
      table = state.routeTables.get(privateTableId(state)) ?? table;
      table.subnets.set(subnet.subnetId, `rtbassoc-${hexId(state.region, `${seed}-assoc`)}`);
    }
  }
  return { subnetId: subnet.subnetId, routeTableId: table.routeTableId };
}

export function addSecurityGroup(ec2: Ec2State, options: AddSecurityGroupOptions) {
  const state = regionState(ec2, options.region ?? "us-east-1");
  if (!state.vpcs.has(options.vpcId)) throw new Error(`fake-aws ec2: no VPC ${options.vpcId}`);
  const clash = [...state.securityGroups.values()].some(
    (g) => g.vpcId === options.vpcId && g.groupName === options.groupName,
  );
  if (clash) throw new Error(`fake-aws ec2: security group ${options.groupName} exists in ${options.vpcId}`);
  state.added += 1;
  const group: SecurityGroup = {
    groupId: `sg-${hexId(state.region, `added-${state.added}-sg`)}`,
    groupName: options.groupName,
    description: options.description ?? options.groupName,
    vpcId: options.vpcId,
    tags: { ...options.tags },
  };
  state.securityGroups.set(group.groupId, group);
  return { groupId: group.groupId };
}

// ---------------------------------------------------------------------------------------------
// The default VPC and id generation

/** 17 hex digits derived from the region and a label: stable across runs and resets. */
export function hexId(region: string, label: string): string {
  return createHash("sha256").update(`${region}/${label}`).digest("hex").slice(0, 17);
}

export function createRegion(region: string): RegionState {
  const state: Resources = {
    region,
    vpcs: new Map(),
    subnets: new Map(),
    securityGroups: new Map(),
    routeTables: new Map(),
    added: 0,
  };
  const vpc = makeVpc(state, "default", "172.31.0.0/16", true);
  const zones: [string, string] = [`${region}a`, `${region}b`];
  const subnet = (label: string, cidr: string, zone: string, isPublic: boolean) =>
    makeSubnet(state, label, {
      vpcId: vpc.vpcId,
      cidrBlock: cidr,
      availabilityZone: zone,
      defaultForAz: isPublic,
      mapPublicIpOnLaunch: isPublic,
    }).subnetId;
  const publicSubnetIds: [string, string] = [
    subnet("default-public-a", "172.31.0.0/20", zones[0], true),
    subnet("default-public-b", "172.31.16.0/20", zones[1], true),
  ];
  const privateSubnetIds: [string, string] = [
    subnet("default-private-a", "172.31.32.0/20", zones[0], false),
    subnet("default-private-b", "172.31.48.0/20", zones[1], false),
  ];
  // Public subnets use the main table implicitly, the way a real default VPC's do.
  makeRouteTable(state, "default-main", vpc.vpcId, true, [
    { destinationCidrBlock: "0.0.0.0/0", gatewayId: vpc.internetGatewayId, origin: "CreateRoute" },
  ]);
  const privateTable = makeRouteTable(state, "default-private", vpc.vpcId, false, [
    {
      destinationCidrBlock: "0.0.0.0/0",
      natGatewayId: `nat-${hexId(region, "default-nat")}`,
      origin: "CreateRoute",
    },
  ]);
  for (const id of privateSubnetIds) privateTable.subnets.set(id, `rtbassoc-${hexId(region, `assoc-${id}`)}`);
  const group = makeDefaultSecurityGroup(state, "default", vpc.vpcId);
  const defaultVpc: DefaultVpcInfo = {
    vpcId: vpc.vpcId,
    publicSubnetIds,
    privateSubnetIds,
    securityGroupId: group.groupId,
    availabilityZones: zones,
  };
  return { ...state, defaultVpc };
}

export function privateTableId(state: Resources): string {
  return `rtb-${hexId(state.region, "default-private")}`;
}

export function makeVpc(state: Resources, label: string, cidrBlock: string, isDefault: boolean): Vpc {
  const vpc: Vpc = {
    vpcId: `vpc-${hexId(state.region, `${label}-vpc`)}`,
    cidrBlock,
    isDefault,
    dhcpOptionsId: `dopt-${hexId(state.region, "dhcp")}`,
    cidrAssociationId: `vpc-cidr-assoc-${hexId(state.region, `${label}-cidr`)}`,
    internetGatewayId: `igw-${hexId(state.region, `${label}-igw`)}`,
    tags: {},
  };
  state.vpcs.set(vpc.vpcId, vpc);
  return vpc;
}

export function makeSubnet(
  state: Resources,
  label: string,
  fields: Omit<Subnet, "subnetId" | "tags">,
): Subnet {
  const subnet: Subnet = { subnetId: `subnet-${hexId(state.region, label)}`, ...fields, tags: {} };
  state.subnets.set(subnet.subnetId, subnet);
  return subnet;
}

export function makeRouteTable(
  state: Resources,
  label: string,
  vpcId: string,
  main: boolean,
  extraRoutes: Route[],
): RouteTable {
  const vpc = state.vpcs.get(vpcId);
  const table: RouteTable = {
    routeTableId: `rtb-${hexId(state.region, label)}`,
    vpcId,
    main,
    mainAssociationId: main ? `rtbassoc-${hexId(state.region, `${label}-main`)}` : undefined,
    subnets: new Map(),
    routes: [
      { destinationCidrBlock: vpc?.cidrBlock ?? "0.0.0.0/0", gatewayId: "local", origin: "CreateRouteTable" },
      ...extraRoutes,
    ],
    tags: {},
  };
  state.routeTables.set(table.routeTableId, table);
  return table;
}

export function mainTable(state: Resources, vpcId: string): RouteTable {
  const table = [...state.routeTables.values()].find((t) => t.vpcId === vpcId && t.main);
  if (!table) throw new Error(`fake-aws ec2: VPC ${vpcId} has no main route table`);
  return table;
}

export function makeDefaultSecurityGroup(state: Resources, label: string, vpcId: string): SecurityGroup {
  const group: SecurityGroup = {
    groupId: `sg-${hexId(state.region, `${label}-sg`)}`,
    groupName: "default",
    description: "default VPC security group",
    vpcId,
    tags: {},
  };
  state.securityGroups.set(group.groupId, group);
  return group;
}

/** The nth /20 inside a /16 (enough for test-made subnets). */
export function nthSubnetCidr(vpcCidr: string, n: number): string {
  const [a = "10", b = "0"] = vpcCidr.split(".");
  return `${a}.${b}.${(n * 16) % 256}.0/20`;
}

/** `us-east-1a` → `use1-az1`: close enough to AWS's per-account zone ids for a fake. */
export function availabilityZoneId(zone: string): string {
  const m = /^([a-z]{2})-([a-z]+)-(\d+)([a-z])$/.exec(zone);
  if (!m) return zone;
  const [, area = "", direction = "", n = "", letter = "a"] = m;
  return `${area}${direction.charAt(0)}${n}-az${letter.charCodeAt(0) - 96}`;
}

export function subnetArn(subnet: Subnet, region: string): string {
  return `arn:aws:ec2:${region}:${ACCOUNT_ID}:subnet/${subnet.subnetId}`;
}
