/**
 * Cloud Map's asynchronous operations (CreatePrivateDnsNamespace, RegisterInstance, …): each
 * goes SUBMITTED → PENDING → SUCCESS (or FAIL), and its effect (the namespace appearing, the
 * instance registering) happens only at SUCCESS. How fast is configurable per operation type,
 * so a client's polling with backoff is exercised:
 * - `immediate`: SUCCESS at once, effect applied before the call returns;
 * - `polls`: the first GetOperation answers SUBMITTED, the next `polls - 1` PENDING, and the
 *   one after that SUCCESS (nothing else moves it on, as nothing else would reveal it);
 * - `clock`: PENDING once the fake clock has moved, SUCCESS `ms` after submission (checked on
 *   every call).
 */

export const OPERATION_TYPES = [
  "CREATE_NAMESPACE",
  "DELETE_NAMESPACE",
  "UPDATE_NAMESPACE",
  "UPDATE_SERVICE",
  "REGISTER_INSTANCE",
  "DEREGISTER_INSTANCE",
] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

export type OperationTiming =
  | { kind: "immediate" }
  | { kind: "polls"; polls: number }
  | { kind: "clock"; ms: number };

export type OperationStatus = "SUBMITTED" | "PENDING" | "SUCCESS" | "FAIL";

export interface OperationFailure {
  /** e.g. `CANNOT_CREATE_HOSTED_ZONE`, `INTERNAL_FAILURE`. */
  code: string;
  message: string;
}

export interface Operation<Effect> {
  id: string;
  region: string;
  type: OperationType;
  targets: Partial<Record<"NAMESPACE" | "SERVICE" | "INSTANCE", string>>;
  creatorRequestId: string | undefined;
  createDate: Date;
  updateDate: Date;
  status: OperationStatus;
  timing: OperationTiming;
  polls: number;
  failure: OperationFailure | undefined;
  effect: Effect;
}

export const DEFAULT_TIMINGS: Readonly<Record<OperationType, OperationTiming>> = {
  CREATE_NAMESPACE: { kind: "polls", polls: 2 },
  DELETE_NAMESPACE: { kind: "polls", polls: 2 },
  UPDATE_NAMESPACE: { kind: "polls", polls: 2 },
  UPDATE_SERVICE: { kind: "polls", polls: 2 },
  REGISTER_INSTANCE: { kind: "immediate" },
  DEREGISTER_INSTANCE: { kind: "immediate" },
};

export function checkTiming(timing: OperationTiming): void {
  if (timing.kind === "polls" && (!Number.isInteger(timing.polls) || timing.polls < 1)) {
    throw new RangeError("fake-aws cloudmap: polls must be an integer of at least 1");
  }
  if (timing.kind === "clock" && !(timing.ms > 0)) {
    throw new RangeError("fake-aws cloudmap: ms must be greater than 0");
  }
}

/**
 * Moves an operation on as far as its timing allows at `now`; `polled` counts a GetOperation.
 * Calls `finish` once, when it ends; returns whether it ended now.
 */
export function advance<Effect>(
  op: Operation<Effect>,
  now: Date,
  polled: boolean,
  finish: (op: Operation<Effect>) => void,
): boolean {
  if (op.status === "SUCCESS" || op.status === "FAIL") return false;
  if (polled) op.polls += 1;
  let next: OperationStatus;
  const { timing } = op;
  if (timing.kind === "immediate") next = "SUCCESS";
  else if (timing.kind === "polls") {
    next = op.polls > timing.polls ? "SUCCESS" : op.polls <= 1 ? "SUBMITTED" : "PENDING";
  } else {
    const elapsed = now.getTime() - op.createDate.getTime();
    next = elapsed >= timing.ms ? "SUCCESS" : elapsed > 0 ? "PENDING" : "SUBMITTED";
  }
  if (next === "SUCCESS" && op.failure !== undefined) next = "FAIL";
  if (next === op.status) return false;
  op.status = next;
  op.updateDate = now;
  if (next === "SUCCESS" || next === "FAIL") {
    finish(op);
    return true;
  }
  return false;
}
