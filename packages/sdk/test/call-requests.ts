import type { AuthorizationRequest, CallRecord } from "fake-aws";

/**
 * What IAM authorizes for each call fake-aws logged: the action, and — for the IAM and Scheduler
 * calls and the role passes a call makes — the resource ARN and the condition keys IAM would set.
 * Other calls get resource `*` and `exact: false`: only their action is checked.
 */
export interface CallRequest extends AuthorizationRequest {
  /** Whether the resource and context are what AWS would evaluate (else only the action counts). */
  exact: boolean;
  /** The index of the call in the log that made this request. */
  call: number;
}

export function callRequests(calls: readonly CallRecord[], accountId: string): CallRequest[] {
  // A role's boundary is part of the request context of later calls on it.
  const boundaries = new Map<string, string>();
  // RunTask passes the roles of the revision it starts: those its family was last registered with.
  const familyRoles = new Map<string, string[]>();
  return calls.flatMap((call, index) =>
    requestsOf(call, accountId, { boundaries, familyRoles }).map((request) => ({ ...request, call: index })),
  );
}

function requestsOf(
  call: CallRecord,
  accountId: string,
  seen: { boundaries: Map<string, string>; familyRoles: Map<string, string[]> },
): Omit<CallRequest, "call">[] {
  const { boundaries } = seen;
  const input = call.input;
  const text = (key: string) => (typeof input[key] === "string" ? (input[key] as string) : undefined);
  // CloudWatch signs as `monitoring`; IAM's prefix for its actions is `cloudwatch`.
  const action = `${call.service === "monitoring" ? "cloudwatch" : call.service}:${call.operation}`;
  if (call.service === "monitoring" && /Dashboards?$/.test(call.operation)) {
    // Dashboards are named in ARNs without a region.
    const names = Array.isArray(input.DashboardNames)
      ? input.DashboardNames.map(String)
      : [text("DashboardName")];
    return names.map((name) => ({
      action,
      resource: `arn:aws:cloudwatch::${accountId}:dashboard/${name ?? ""}`,
      exact: name !== undefined,
    }));
  }
  if (call.service === "iam") {
    const role = text("RoleName");
    if (call.operation === "CreateRole" && role !== undefined) {
      const boundary = text("PermissionsBoundary");
      if (boundary !== undefined) boundaries.set(role, boundary);
    }
    if (call.operation === "PutRolePermissionsBoundary" && role !== undefined) {
      boundaries.set(role, text("PermissionsBoundary") ?? "");
    }
    const boundary = role === undefined ? undefined : boundaries.get(role);
    const resource =
      role !== undefined
        ? `arn:aws:iam::${accountId}:role/${role}`
        : (text("PolicyArn") ?? `arn:aws:iam::${accountId}:policy/${text("PolicyName") ?? ""}`);
    const context = boundary === undefined ? {} : { "iam:PermissionsBoundary": boundary };
    return [{ action, resource, context, exact: true }];
  }
  if (call.service === "scheduler") return schedulerRequests(call, accountId);
  // A parameter by its name (the deploy record) or its ARN (a secret the config names), as IAM sees it.
  if (call.service === "ssm" && /^(Get|Put|Delete)Parameter$/.test(call.operation)) {
    const name = text("Name") ?? "";
    const resource = name.startsWith("arn:")
      ? name
      : `arn:aws:ssm:${call.region}:${accountId}:parameter/${name.replace(/^\//, "")}`;
    return [{ action, resource, exact: true }];
  }
  // Reads of a secret's value are granted on exactly the secrets the config names.
  if (action === "secretsmanager:GetSecretValue") {
    const resource = text("SecretId") ?? text("Name") ?? "*";
    return [{ action, resource, exact: resource.startsWith("arn:") }];
  }
  // Connections and API destinations, by the name the call gives.
  const webhook = /^(?:Create|Describe|Update|Delete)(Connection|ApiDestination)$/.exec(call.operation);
  if (call.service === "events" && webhook !== null) {
    const type = webhook[1] === "Connection" ? "connection" : "api-destination";
    const resource = `arn:aws:events:${call.region}:${accountId}:${type}/${text("Name") ?? ""}`;
    return [{ action, resource, exact: true }];
  }
  if (call.service === "ecs" && call.operation === "RegisterTaskDefinition") {
    const passed = ["executionRoleArn", "taskRoleArn"].flatMap((key) => text(key) ?? []);
    seen.familyRoles.set(text("family") ?? "", passed);
    return [
      { action, resource: "*", exact: false },
      ...passed.map((resource) => passRole(resource, "ecs-tasks.amazonaws.com")),
    ];
  }
  if (call.service === "ecs") return ecsTaskRequests(call, accountId, seen.familyRoles);
  if (call.service === "logs" && call.operation === "FilterLogEvents") {
    const group = text("logGroupName") ?? "";
    return [{ action, resource: `arn:aws:logs:${call.region}:${accountId}:log-group:${group}`, exact: true }];
  }
  return [{ action, resource: "*", exact: false }];
}

/** The task calls of `flexjob run` and `status`, with the cluster as ECS sets `ecs:cluster`. */
function ecsTaskRequests(
  call: CallRecord,
  accountId: string,
  familyRoles: Map<string, string[]>,
): Omit<CallRequest, "call">[] {
  const input = call.input;
  const action = `ecs:${call.operation}`;
  const base = `arn:aws:ecs:${call.region}:${accountId}`;
  const clusterRef = typeof input.cluster === "string" ? input.cluster : "default";
  const cluster = clusterRef.startsWith("arn:") ? clusterRef : `${base}:cluster/${clusterRef}`;
  const context = { "ecs:cluster": cluster };
  switch (call.operation) {
    case "RunTask": {
      const ref = String(input.taskDefinition ?? "");
      const taskDefinition = ref.startsWith("arn:") ? ref : `${base}:task-definition/${ref}`;
      const family = /task-definition\/([^:]+)/.exec(taskDefinition)?.[1] ?? "";
      const tagged = Array.isArray(input.tags) && input.tags.length > 0;
      // The id of the task RunTask creates is not known before it exists; any id in the cluster stands for it.
      const newTask = `${base}:task/${cluster.split("/").pop() ?? ""}/new-task`;
      return [
        { action, resource: taskDefinition, context, exact: true },
        ...(familyRoles.get(family) ?? []).map((role) => passRole(role, "ecs-tasks.amazonaws.com")),
        ...(tagged
          ? [
              {
                action: "ecs:TagResource",
                resource: newTask,
                context: { "ecs:CreateAction": "RunTask" },
                exact: true,
              },
            ]
          : []),
      ];
    }
    case "DescribeTasks":
      return (Array.isArray(input.tasks) ? input.tasks : []).map((task) => ({
        action,
        resource: String(task),
        context,
        exact: true,
      }));
    case "StopTask":
      return [{ action, resource: String(input.task ?? ""), context, exact: true }];
    case "ListTasks":
      return [{ action, resource: "*", context, exact: true }];
    default:
      return [{ action, resource: "*", exact: false }];
  }
}

function passRole(resource: string, service: string): Omit<CallRequest, "call"> {
  return { action: "iam:PassRole", resource, context: { "iam:PassedToService": service }, exact: true };
}

function schedulerRequests(call: CallRecord, accountId: string): Omit<CallRequest, "call">[] {
  const input = call.input;
  const action = `scheduler:${call.operation}`;
  const base = `arn:aws:scheduler:${call.region}:${accountId}`;
  const name = typeof input.Name === "string" ? input.Name : "";
  const group = typeof input.GroupName === "string" ? input.GroupName : "default";
  switch (call.operation) {
    case "CreateSchedule":
    case "UpdateSchedule": {
      const target = input.Target as { RoleArn?: string } | undefined;
      return [
        { action, resource: `${base}:schedule/${group}/${name}`, exact: true },
        passRole(target?.RoleArn ?? "", "scheduler.amazonaws.com"),
      ];
    }
    case "GetSchedule":
    case "DeleteSchedule":
      return [{ action, resource: `${base}:schedule/${group}/${name}`, exact: true }];
    case "CreateScheduleGroup":
    case "DeleteScheduleGroup":
    case "GetScheduleGroup":
      return [{ action, resource: `${base}:schedule-group/${name}`, exact: true }];
    case "TagResource":
    case "ListTagsForResource":
      return [{ action, resource: String(input.ResourceArn ?? ""), exact: true }];
    default:
      return [{ action, resource: "*", exact: false }];
  }
}
