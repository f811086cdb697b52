import { createHash } from "node:crypto";
import { paginate } from "../core/pagination.js";
import { isRecord } from "../core/readers.js";
import { AwsError, type CallContext, type ServiceDefinition, type World } from "../core/types.js";

/**
 * EC2, just the networking reads flexjob needs to place Fargate tasks: VPCs, subnets, security
 * groups and route tables. Every region has a default VPC (made on first use, with ids derived
 * from the region so they are the same in every run) holding two public subnets (routed to an
 * internet gateway through the VPC's main route table, as in a real default VPC) and two private
 * ones (an explicit route table whose default route goes to a NAT gateway), plus its `default`
 * security group. Tests add more through `controls`.
 */

const ACCOUNT_ID = "123456789012";

/** Test controls, on the in-process handle as `aws.ec2`. */
export interface Ec2Controls {
  /** The region's default VPC and what it holds (creating it when the region is first used). */
  defaultVpc(region?: string): DefaultVpcInfo;
  /** A new non-default VPC with its main route table and `default` security group. */
  addVpc(options?: { region?: string; cidrBlock?: string; tags?: Record<string, string> }): {
    vpcId: string;
    mainRouteTableId: string;
    defaultSecurityGroupId: string;
  };
  /**
   * A new subnet. `public: true` routes it to an internet gateway (through an explicit route
   * table); otherwise it uses the VPC's main route table (for the default VPC: the private one).
   */
  addSubnet(options: {
    vpcId: string;
    region?: string;
    availabilityZone?: string;
    cidrBlock?: string;
    public?: boolean;
    tags?: Record<string, string>;
  }): { subnetId: string; routeTableId: string };
  addSecurityGroup(options: {
    vpcId: string;
    groupName: string;
    region?: string;
    description?: string;
    tags?: Record<string, string>;
  }): { groupId: string };
}

export interface DefaultVpcInfo {
  vpcId: string;
  publicSubnetIds: [string, string];
  privateSubnetIds: [string, string];
  securityGroupId: string;
  availabilityZones: [string, string];
}

export type Ec2Service = ServiceDefinition & { controls: Ec2Controls };

interface Vpc {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
  dhcpOptionsId: string;
  cidrAssociationId: string;
  internetGatewayId: string;
  tags: Record<string, string>;
}

interface Subnet {
  subnetId: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
  tags: Record<string, string>;
}

interface SecurityGroup {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  tags: Record<string, string>;
}

interface Route {
  destinationCidrBlock: string;
  gatewayId?: string;
  natGatewayId?: string;
  origin: "CreateRouteTable" | "CreateRoute";
}

interface RouteTable {
  routeTableId: string;
  vpcId: string;
  main: boolean;
  mainAssociationId: string | undefined;
  /** subnet id → association id */
  subnets: Map<string, string>;
  routes: Route[];
  tags: Record<string, string>;
}

interface Resources {
  region: string;
  vpcs: Map<string, Vpc>;
  subnets: Map<string, Subnet>;
  securityGroups: Map<string, SecurityGroup>;
  routeTables: Map<string, RouteTable>;
  /** Counter for ids of resources added through controls. */
  added: number;
}

interface RegionState extends Resources {
  defaultVpc: DefaultVpcInfo;
}

const ID_FORMS: Record<string, RegExp> = {
  vpc: /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  subnet: /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  sg: /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  rtb: /^rtb-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
};

export function createEc2Service(_world: World): Ec2Service {
  let regions = new Map<string, RegionState>();

  const regionState = (region: string): RegionState => {
    let state = regions.get(region);
    if (state === undefined) {
      state = createRegion(region);
      regions.set(region, state);
    }
    return state;
  };

  const handlers = {
    DescribeVpcs: (input: Record<string, unknown>, ctx: CallContext) => {
      const req = readDescribe(input, "VpcId", "vpcIdSet", DESCRIBE_LIMITS.default);
      const state = regionState(ctx.region);
      const selected = req.ids
        ? req.ids.map((id) => {
            checkId(id, "vpc", "InvalidVpcID.Malformed");
            const vpc = state.vpcs.get(id);
            if (!vpc) throw new AwsError("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`);
            return vpc;
          })
        : [...state.vpcs.values()];
      const matched = applyFilters(selected, req.filters, VPC_FILTERS, ctx.region);
      const page = pageOf(matched, (v) => v.vpcId, req);
      return { vpcSet: page.items.map((v) => vpcOut(v)), nextToken: page.nextToken };
    },

    DescribeSubnets: (input: Record<string, unknown>, ctx: CallContext) => {
      const req = readDescribe(input, "SubnetId", "subnetIdSet", DESCRIBE_LIMITS.default);
      const state = regionState(ctx.region);
      const selected = req.ids
        ? req.ids.map((id) => {
            checkId(id, "subnet", "InvalidSubnetID.Malformed");
            const subnet = state.subnets.get(id);
            if (!subnet)
              throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`);
            return subnet;
          })
        : [...state.subnets.values()];
      const matched = applyFilters(selected, req.filters, SUBNET_FILTERS, ctx.region);
      const page = pageOf(matched, (s) => s.subnetId, req);
      return { subnetSet: page.items.map((s) => subnetOut(s, ctx.region)), nextToken: page.nextToken };
    },

    DescribeSecurityGroups: (input: Record<string, unknown>, ctx: CallContext) => {
      const req = readDescribe(input, "GroupId", "groupIdSet", DESCRIBE_LIMITS.default);
      const names = readStringList(input, "GroupName");
      if (names !== undefined && req.maxResults !== undefined) {
        throw new AwsError(
          "InvalidParameterCombination",
          "The parameter groupNameSet cannot be used with the parameter maxResults",
        );
      }
      const state = regionState(ctx.region);
      let selected: SecurityGroup[];
      if (req.ids === undefined && names === undefined) selected = [...state.securityGroups.values()];
      else {
        selected = [];
        for (const id of req.ids ?? []) {
          checkId(id, "sg", "InvalidGroupId.Malformed");
          const group = state.securityGroups.get(id);
          if (!group)
            throw new AwsError("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
          selected.push(group);
        }
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
    },

    DescribeRouteTables: (input: Record<string, unknown>, ctx: CallContext) => {
      const req = readDescribe(input, "RouteTableId", "routeTableIdSet", DESCRIBE_LIMITS.routeTables);
      const state = regionState(ctx.region);
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
    },
  };

  const controls: Ec2Controls = {
    defaultVpc: (region = "us-east-1") => regionState(region).defaultVpc,
    addVpc: (options = {}) => {
      const state = regionState(options.region ?? "us-east-1");
      state.added += 1;
      const seed = `added-${state.added}`;
      const vpc = makeVpc(state, seed, options.cidrBlock ?? `10.${state.added % 256}.0.0/16`, false);
      vpc.tags = { ...options.tags };
      const main = makeRouteTable(state, `${seed}-main`, vpc.vpcId, true, []);
      const group = makeDefaultSecurityGroup(state, seed, vpc.vpcId);
      return { vpcId: vpc.vpcId, mainRouteTableId: main.routeTableId, defaultSecurityGroupId: group.groupId };
    },
    addSubnet: (options) => {
      const state = regionState(options.region ?? "us-east-1");
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
    },
    addSecurityGroup: (options) => {
      const state = regionState(options.region ?? "us-east-1");
      if (!state.vpcs.has(options.vpcId)) throw new Error(`fake-aws ec2: no VPC ${options.vpcId}`);
      const clash = [...state.securityGroups.values()].some(
        (g) => g.vpcId === options.vpcId && g.groupName === options.groupName,
      );
      if (clash)
        throw new Error(`fake-aws ec2: security group ${options.groupName} exists in ${options.vpcId}`);
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
    },
  };

  return {
    signingName: "ec2",
    protocol: "ec2Query",
    apiVersion: "2016-11-15",
    xmlNamespace: "http://ec2.amazonaws.com/doc/2016-11-15/",
    handlers,
    mutating: new Set(),
    owns: {
      vpc: (id, region) => regionState(region).vpcs.has(id),
      subnet: (id, region) => regionState(region).subnets.has(id),
      "security-group": (id, region) => regionState(region).securityGroups.has(id),
    },
    snapshot: () =>
      Object.fromEntries(
        [...regions.values()].map((s) => [
          s.region,
          {
            vpcs: [...s.vpcs.values()].map((v) => vpcOut(v)),
            subnets: [...s.subnets.values()].map((x) => subnetOut(x, s.region)),
            securityGroups: [...s.securityGroups.values()].map((g) => securityGroupOut(g, s.region)),
            routeTables: [...s.routeTables.values()].map((t) => routeTableOut(t)),
          },
        ]),
      ),
    reset: () => {
      regions = new Map();
    },
    controls,
  };
}

// ---------------------------------------------------------------------------------------------
// The default VPC and id generation

/** 17 hex digits derived from the region and a label: stable across runs and resets. */
function hexId(region: string, label: string): string {
  return createHash("sha256").update(`${region}/${label}`).digest("hex").slice(0, 17);
}

function createRegion(region: string): RegionState {
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

function privateTableId(state: Resources): string {
  return `rtb-${hexId(state.region, "default-private")}`;
}

function makeVpc(state: Resources, label: string, cidrBlock: string, isDefault: boolean): Vpc {
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

function makeSubnet(state: Resources, label: string, fields: Omit<Subnet, "subnetId" | "tags">): Subnet {
  const subnet: Subnet = { subnetId: `subnet-${hexId(state.region, label)}`, ...fields, tags: {} };
  state.subnets.set(subnet.subnetId, subnet);
  return subnet;
}

function makeRouteTable(
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

function mainTable(state: Resources, vpcId: string): RouteTable {
  const table = [...state.routeTables.values()].find((t) => t.vpcId === vpcId && t.main);
  if (!table) throw new Error(`fake-aws ec2: VPC ${vpcId} has no main route table`);
  return table;
}

function makeDefaultSecurityGroup(state: Resources, label: string, vpcId: string): SecurityGroup {
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
function nthSubnetCidr(vpcCidr: string, n: number): string {
  const [a = "10", b = "0"] = vpcCidr.split(".");
  return `${a}.${b}.${(n * 16) % 256}.0/20`;
}

// ---------------------------------------------------------------------------------------------
// Request reading: the ec2Query decoder hands over every scalar as a string.

const DESCRIBE_LIMITS = {
  default: { min: 5, max: 1000 },
  routeTables: { min: 5, max: 100 },
} as const;

interface Filter {
  name: string;
  values: string[];
}

interface DescribeRequest {
  ids: string[] | undefined;
  filters: Filter[];
  maxResults: number | undefined;
  nextToken: string | undefined;
}

function readDescribe(
  input: Record<string, unknown>,
  idMember: string,
  idWireName: string,
  limits: { min: number; max: number },
): DescribeRequest {
  if (input.DryRun === "true") {
    throw new AwsError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
  }
  const ids = readStringList(input, idMember);
  let maxResults: number | undefined;
  if (input.MaxResults !== undefined) {
    const raw = String(input.MaxResults);
    const n = Number(raw);
    if (!/^-?[0-9]+$/.test(raw) || n < limits.min || n > limits.max) {
      throw new AwsError(
        "InvalidParameterValue",
        `Value ( ${raw} ) for parameter maxResults is invalid. Parameter must be between ${limits.min} and ${limits.max}.`,
      );
    }
    maxResults = n;
  }
  if (ids !== undefined && maxResults !== undefined) {
    throw new AwsError(
      "InvalidParameterCombination",
      `The parameter ${idWireName} cannot be used with the parameter maxResults`,
    );
  }
  const nextToken = typeof input.NextToken === "string" ? input.NextToken : undefined;
  return { ids, filters: readFilters(input), maxResults, nextToken };
}

function readStringList(input: Record<string, unknown>, member: string): string[] | undefined {
  const value = input[member];
  if (value === undefined || value === "") return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => {
    if (typeof item !== "string") {
      throw new AwsError("InvalidParameterValue", `Invalid value for parameter ${member}.${i + 1}`);
    }
    return item;
  });
}

function readFilters(input: Record<string, unknown>): Filter[] {
  const raw = input.Filter;
  if (raw === undefined || raw === "") return [];
  if (!Array.isArray(raw)) throw new AwsError("InvalidParameterValue", "The parameter Filter must be a list");
  return raw.map((item, i) => {
    const name = isRecord(item) ? item.Name : undefined;
    if (typeof name !== "string" || name === "") {
      throw new AwsError("InvalidParameterValue", `The filter 'null' is invalid`);
    }
    const values = isRecord(item) ? item.Value : undefined;
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === "string")) {
      throw new AwsError(
        "InvalidParameterValue",
        `The filter '${name}' (Filter.${i + 1}) must have at least one value`,
      );
    }
    return { name, values: values as string[] };
  });
}

function checkId(id: string, prefix: keyof typeof ID_FORMS, code: string): void {
  if (!ID_FORMS[prefix]?.test(id)) {
    throw new AwsError(code, `Invalid id: "${id}" (expecting "${prefix}-...")`);
  }
}

function pageOf<T>(items: readonly T[], keyOf: (item: T) => string, req: DescribeRequest) {
  return paginate(items, keyOf, {
    token: req.nextToken,
    max: req.maxResults ?? Number.POSITIVE_INFINITY,
    invalidToken: () =>
      new AwsError("InvalidPaginationToken", "The specified pagination token is not valid or is expired."),
  });
}

// ---------------------------------------------------------------------------------------------
// Filters: AND across filters, OR across one filter's values, `*` and `?` wildcards in values.

/** The filter names one resource kind answers (AWS's documented names and aliases). */
type FilterTable<T> = Record<string, (item: T, region: string) => readonly string[]>;

function applyFilters<T extends { tags: Record<string, string> }>(
  items: readonly T[],
  filters: readonly Filter[],
  table: FilterTable<T>,
  region: string,
): T[] {
  if (filters.length === 0) return [...items];
  const compiled = filters.map((f) => {
    const tagKey = f.name.startsWith("tag:") ? f.name.slice(4) : undefined;
    const extract = table[f.name];
    if (tagKey === undefined && extract === undefined) {
      throw new AwsError("InvalidParameterValue", `The filter '${f.name}' is invalid`);
    }
    const valuesOf = (item: T): readonly string[] => {
      if (tagKey === undefined) return extract?.(item, region) ?? [];
      const value = item.tags[tagKey];
      return value === undefined ? [] : [value];
    };
    return { valuesOf, patterns: f.values.map(globToRegExp) };
  });
  return items.filter((item) =>
    compiled.every((f) => f.valuesOf(item).some((v) => f.patterns.some((p) => p.test(v)))),
  );
}

function globToRegExp(value: string): RegExp {
  let source = "";
  for (const c of value) {
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}

const tagKeys = (item: { tags: Record<string, string> }) => Object.keys(item.tags);
const owner = () => [ACCOUNT_ID];

const VPC_FILTERS: FilterTable<Vpc> = {
  "vpc-id": (v) => [v.vpcId],
  "is-default": (v) => [String(v.isDefault)],
  isDefault: (v) => [String(v.isDefault)],
  cidr: (v) => [v.cidrBlock],
  "cidr-block-association.cidr-block": (v) => [v.cidrBlock],
  "cidr-block-association.association-id": (v) => [v.cidrAssociationId],
  "cidr-block-association.state": () => ["associated"],
  "dhcp-options-id": (v) => [v.dhcpOptionsId],
  "owner-id": owner,
  state: () => ["available"],
  "tag-key": tagKeys,
};

const SUBNET_FILTERS: FilterTable<Subnet> = {
  "subnet-id": (s) => [s.subnetId],
  subnetId: (s) => [s.subnetId],
  "vpc-id": (s) => [s.vpcId],
  vpcId: (s) => [s.vpcId],
  "availability-zone": (s) => [s.availabilityZone],
  availabilityZone: (s) => [s.availabilityZone],
  "availability-zone-id": (s) => [availabilityZoneId(s.availabilityZone)],
  availabilityZoneId: (s) => [availabilityZoneId(s.availabilityZone)],
  "cidr-block": (s) => [s.cidrBlock],
  cidr: (s) => [s.cidrBlock],
  cidrBlock: (s) => [s.cidrBlock],
  "default-for-az": (s) => [String(s.defaultForAz)],
  defaultForAz: (s) => [String(s.defaultForAz)],
  "map-public-ip-on-launch": (s) => [String(s.mapPublicIpOnLaunch)],
  "owner-id": owner,
  state: () => ["available"],
  "subnet-arn": (s, region) => [subnetArn(s, region)],
  "tag-key": tagKeys,
};

const SECURITY_GROUP_FILTERS: FilterTable<SecurityGroup> = {
  "group-id": (g) => [g.groupId],
  "group-name": (g) => [g.groupName],
  "vpc-id": (g) => [g.vpcId],
  description: (g) => [g.description],
  "owner-id": owner,
  "tag-key": tagKeys,
};

const associationIds = (t: RouteTable) =>
  t.mainAssociationId === undefined ? [...t.subnets.values()] : [t.mainAssociationId, ...t.subnets.values()];

const ROUTE_TABLE_FILTERS: FilterTable<RouteTable> = {
  "route-table-id": (t) => [t.routeTableId],
  "vpc-id": (t) => [t.vpcId],
  "owner-id": owner,
  "association.subnet-id": (t) => [...t.subnets.keys()],
  // Tables without any association match neither true nor false, as AWS documents.
  "association.main": (t) => (associationIds(t).length > 0 ? [String(t.main)] : []),
  "association.route-table-association-id": associationIds,
  "association.route-table-id": (t) => (associationIds(t).length > 0 ? [t.routeTableId] : []),
  "route.destination-cidr-block": (t) => t.routes.map((r) => r.destinationCidrBlock),
  "route.gateway-id": (t) => t.routes.flatMap((r) => (r.gatewayId ? [r.gatewayId] : [])),
  "route.nat-gateway-id": (t) => t.routes.flatMap((r) => (r.natGatewayId ? [r.natGatewayId] : [])),
  "route.origin": (t) => t.routes.map((r) => r.origin),
  "route.state": () => ["active"],
  "tag-key": tagKeys,
};

// ---------------------------------------------------------------------------------------------
// Output, in ec2Query's lowerCamel wire names (lists become `<item>`s).

function tagSet(tags: Record<string, string>) {
  const entries = Object.entries(tags);
  return entries.length === 0 ? undefined : entries.map(([key, value]) => ({ key, value }));
}

/** `us-east-1a` → `use1-az1`: close enough to AWS's per-account zone ids for a fake. */
function availabilityZoneId(zone: string): string {
  const m = /^([a-z]{2})-([a-z]+)-(\d+)([a-z])$/.exec(zone);
  if (!m) return zone;
  const [, area = "", direction = "", n = "", letter = "a"] = m;
  return `${area}${direction.charAt(0)}${n}-az${letter.charCodeAt(0) - 96}`;
}

function subnetArn(subnet: Subnet, region: string): string {
  return `arn:aws:ec2:${region}:${ACCOUNT_ID}:subnet/${subnet.subnetId}`;
}

function vpcOut(vpc: Vpc) {
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

function subnetOut(subnet: Subnet, region: string) {
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

function securityGroupOut(group: SecurityGroup, region: string) {
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

function routeTableOut(table: RouteTable) {
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
