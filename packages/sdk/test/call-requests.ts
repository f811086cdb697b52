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
  return calls.flatMap((call, index) =>
    requestsOf(call, accountId, boundaries).map((request) => ({ ...request, call: index })),
  );
}

function requestsOf(
  call: CallRecord,
  accountId: string,
  boundaries: Map<string, string>,
): Omit<CallRequest, "call">[] {
  const input = call.input;
  const text = (key: string) => (typeof input[key] === "string" ? (input[key] as string) : undefined);
  const action = `${call.service}:${call.operation}`;
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
  if (call.service === "ecs" && call.operation === "RegisterTaskDefinition") {
    const passed = ["executionRoleArn", "taskRoleArn"].flatMap((key) => text(key) ?? []);
    return [
      { action, resource: "*", exact: false },
      ...passed.map((resource) => passRole(resource, "ecs-tasks.amazonaws.com")),
    ];
  }
  return [{ action, resource: "*", exact: false }];
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
