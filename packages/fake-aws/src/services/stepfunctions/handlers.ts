import { bindHandlers, type OperationHandler } from "../../core/handler-table.js";
import { paginate } from "../../core/pagination.js";
import { Reader } from "../../core/readers.js";
import { AwsError, type CallContext, type Handler } from "../../core/types.js";
import { startExecution, stopExecution } from "./executions.js";
import {
  checkName,
  type Execution,
  machineArn,
  requireExecution,
  requireMachine,
  type SfnEnv,
  type StateMachine,
} from "./state.js";
import { validateDefinition } from "./validate.js";

/**
 * Step Functions' request handlers (awsJson1_0): state machines, executions and their history.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
 */

const validation = (message: string) => new AwsError("ValidationException", message);
const read = (input: Record<string, unknown>) => Reader.of(input, validation);
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/;
/** Definitions are at most 1 MB. */
const MAX_DEFINITION = 1024 * 1024;

function readDefinition(reader: Reader, type: StateMachine["type"]): string {
  const definition = reader.string("definition", { required: true, min: 1, max: MAX_DEFINITION });
  validateDefinition(definition, type);
  return definition;
}

/** The role must exist and let Step Functions assume it. */
function readRole(env: SfnEnv, reader: Reader, context: CallContext): string {
  const roleArn = reader.string("roleArn", { required: true, min: 1, max: 256 });
  if (!ROLE_ARN.test(roleArn))
    throw new AwsError("InvalidArn", `Invalid Arn: 'Role ARN is not valid: ${roleArn}'`);
  const trusted = env.world.roleTrusts
    ? env.world.roleTrusts(roleArn, "states.amazonaws.com", { "aws:SourceAccount": context.accountId })
    : env.world.exists("iam-role", roleArn, context.region);
  if (!trusted) {
    throw new AwsError(
      "AccessDeniedException",
      `Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role.`,
    );
  }
  return roleArn;
}

function readTags(reader: Reader): StateMachine["tags"] {
  const tags = reader.objects("tags", { max: 50 }).map((tag) => ({
    key: tag.string("key", { required: true, min: 1, max: 128 }),
    value: tag.string("value", { max: 256 }) ?? "",
  }));
  if (tags.length > 50) throw new AwsError("TooManyTags", "Too many tags: a resource has at most 50");
  return tags;
}

const CreateStateMachine: OperationHandler<SfnEnv> = (env, input, context) => {
  const reader = read(input);
  const name = reader.string("name", { required: true });
  checkName(name);
  const type = (reader.string("type", { oneOf: ["STANDARD", "EXPRESS"] }) ??
    "STANDARD") as StateMachine["type"];
  const definition = readDefinition(reader, type);
  const roleArn = readRole(env, reader, context);
  const tags = readTags(reader);
  const arn = machineArn(context, name);
  const existing = env.state.machines.get(arn);
  if (existing !== undefined) {
    if (existing.definition === definition && existing.roleArn === roleArn && existing.type === type) {
      return { stateMachineArn: arn, creationDate: existing.creationDate };
    }
    throw new AwsError("StateMachineAlreadyExists", `State Machine Already Exists: '${arn}'`);
  }
  const machine: StateMachine = {
    arn,
    name,
    region: context.region,
    definition,
    roleArn,
    type,
    creationDate: context.now(),
    tags,
  };
  env.state.machines.set(arn, machine);
  return { stateMachineArn: arn, creationDate: machine.creationDate };
};

const DescribeStateMachine: OperationHandler<SfnEnv> = (env, input, context) => {
  const machine = requireMachine(
    env.state,
    context,
    read(input).string("stateMachineArn", { required: true }),
  );
  return {
    stateMachineArn: machine.arn,
    name: machine.name,
    status: "ACTIVE",
    definition: machine.definition,
    roleArn: machine.roleArn,
    type: machine.type,
    creationDate: machine.creationDate,
    loggingConfiguration: { level: "OFF", includeExecutionData: false },
    tracingConfiguration: { enabled: false },
  };
};

const UpdateStateMachine: OperationHandler<SfnEnv> = (env, input, context) => {
  const reader = read(input);
  const machine = requireMachine(env.state, context, reader.string("stateMachineArn", { required: true }));
  if (!reader.has("definition") && !reader.has("roleArn")) {
    throw new AwsError("MissingRequiredParameter", "Either the definition or the roleArn must be specified");
  }
  if (reader.has("definition")) machine.definition = readDefinition(reader, machine.type);
  if (reader.has("roleArn")) machine.roleArn = readRole(env, reader, context);
  return { updateDate: context.now() };
};

const DeleteStateMachine: OperationHandler<SfnEnv> = (env, input, context) => {
  const arn = read(input).string("stateMachineArn", { required: true });
  if (env.state.machines.has(arn)) requireMachine(env.state, context, arn);
  env.state.machines.delete(arn);
  return {};
};

const ListStateMachines: OperationHandler<SfnEnv> = (env, input, context) => {
  const reader = read(input);
  const machines = [...env.state.machines.values()]
    .filter((m) => m.region === context.region)
    .sort((a, b) => a.name.localeCompare(b.name));
  const page = paginate(machines, (m) => m.arn, {
    token: reader.string("nextToken"),
    max: reader.int("maxResults", { min: 0, max: 1000 }) || 100,
    invalidToken: () => new AwsError("InvalidToken", "Invalid Token"),
  });
  return {
    stateMachines: page.items.map((m) => ({
      stateMachineArn: m.arn,
      name: m.name,
      type: m.type,
      creationDate: m.creationDate,
    })),
    nextToken: page.nextToken,
  };
};

function taggable(env: SfnEnv, reader: Reader, context: CallContext): StateMachine {
  const arn = reader.string("resourceArn", { required: true });
  const machine = env.state.machines.get(arn);
  if (machine === undefined || machine.region !== context.region) {
    throw new AwsError("ResourceNotFound", `Resource not found: '${arn}'`);
  }
  return machine;
}

const TagResource: OperationHandler<SfnEnv> = (env, input, context) => {
  const reader = read(input);
  const machine = taggable(env, reader, context);
  const merged = new Map(machine.tags.map((t) => [t.key, t.value]));
  for (const tag of readTags(reader)) merged.set(tag.key, tag.value);
  if (merged.size > 50) throw new AwsError("TooManyTags", "Too many tags: a resource has at most 50");
  machine.tags = [...merged].map(([key, value]) => ({ key, value }));
  return {};
};

const UntagResource: OperationHandler<SfnEnv> = (env, input, context) => {
  const reader = read(input);
  const machine = taggable(env, reader, context);
  const keys = reader.strings("tagKeys", { required: true }) ?? [];
  machine.tags = machine.tags.filter((t) => !keys.includes(t.key));
  return {};
};

const ListTagsForResource: OperationHandler<SfnEnv> = (env, input, context) => ({
  tags: taggable(env, read(input), context).tags.map((t) => ({ ...t })),
});

const StartExecution: OperationHandler<SfnEnv> = (env, input, context) => {
  const reader = read(input);
  const stateMachineArn = reader.string("stateMachineArn", { required: true });
  return startExecutionCall(
    env,
    { stateMachineArn, name: reader.string("name"), input: reader.string("input") },
    context,
  );
};

/** StartExecution's defaults and answer, for the API and for Scheduler's universal target alike. */
export function startExecutionCall(
  env: SfnEnv,
  request: { stateMachineArn: string; name?: string | undefined; input?: string | undefined },
  context: CallContext,
): { executionArn: string; startDate: Date } {
  const machine = requireMachine(env.state, context, request.stateMachineArn);
  const name = request.name ?? crypto.randomUUID();
  const execution = startExecution(env, machine, { name, input: request.input ?? "{}" }, context);
  return { executionArn: execution.arn, startDate: new Date(execution.startMs) };
}

function describe(execution: Execution): Record<string, unknown> {
  return {
    executionArn: execution.arn,
    stateMachineArn: execution.stateMachine.arn,
    name: execution.name,
    status: execution.status,
    startDate: new Date(execution.startMs),
    stopDate: execution.stopMs === undefined ? undefined : new Date(execution.stopMs),
    input: execution.input,
    inputDetails: { included: true },
    output: execution.output,
    outputDetails: execution.output === undefined ? undefined : { included: true },
    error: execution.error,
    cause: execution.cause,
  };
}

const DescribeExecution: OperationHandler<SfnEnv> = (env, input, context) =>
  describe(requireExecution(env.state, context, read(input).string("executionArn", { required: true })));

const ListExecutions: OperationHandler<SfnEnv> = (env, input, context) => {
  const reader = read(input);
  const machine = requireMachine(env.state, context, reader.string("stateMachineArn", { required: true }));
  if (machine.type === "EXPRESS") {
    throw new AwsError(
      "StateMachineTypeNotSupported",
      "This operation is not supported by this type of state machine",
    );
  }
  const status = reader.string("statusFilter", {
    oneOf: ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"],
  });
  const executions = [...env.state.executions.values()]
    .filter((e) => e.stateMachine.arn === machine.arn && (status === undefined || e.status === status))
    .sort((a, b) => b.startMs - a.startMs || (a.arn < b.arn ? -1 : 1));
  const page = paginate(executions, (e) => e.arn, {
    token: reader.string("nextToken"),
    max: reader.int("maxResults", { min: 0, max: 1000 }) || 100,
    invalidToken: () => new AwsError("InvalidToken", "Invalid Token"),
  });
  return {
    executions: page.items.map((e) => {
      const {
        input: _input,
        inputDetails: _i,
        output: _o,
        outputDetails: _d,
        error: _e,
        cause: _c,
        ...item
      } = describe(e);
      return item;
    }),
    nextToken: page.nextToken,
  };
};

const StopExecution: OperationHandler<SfnEnv> = (env, input, context) => {
  const reader = read(input);
  const execution = requireExecution(env.state, context, reader.string("executionArn", { required: true }));
  stopExecution(env, execution, reader.string("error", { max: 256 }), reader.string("cause", { max: 32768 }));
  return { stopDate: new Date(execution.stopMs ?? env.clock.nowMs()) };
};

const GetExecutionHistory: OperationHandler<SfnEnv> = (env, input, context) => {
  const reader = read(input);
  const execution = requireExecution(env.state, context, reader.string("executionArn", { required: true }));
  const events = reader.bool("reverseOrder") ? [...execution.history].reverse() : execution.history;
  const page = paginate(events, (e) => String(e.id), {
    token: reader.string("nextToken"),
    max: reader.int("maxResults", { min: 0, max: 1000 }) || 100,
    invalidToken: () => new AwsError("InvalidToken", "Invalid Token"),
  });
  return {
    events: page.items.map((e) => ({
      timestamp: e.timestamp,
      type: e.type,
      id: e.id,
      previousEventId: e.previousEventId,
      ...e.details,
    })),
    nextToken: page.nextToken,
  };
};

const OPERATIONS: Record<string, OperationHandler<SfnEnv>> = {
  CreateStateMachine,
  DescribeStateMachine,
  UpdateStateMachine,
  DeleteStateMachine,
  ListStateMachines,
  TagResource,
  UntagResource,
  ListTagsForResource,
  StartExecution,
  DescribeExecution,
  ListExecutions,
  StopExecution,
  GetExecutionHistory,
};

export function sfnHandlers(env: SfnEnv): Record<string, Handler> {
  return bindHandlers(env, OPERATIONS);
}
