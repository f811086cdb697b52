import { callResource, type TaskCall } from "./integrations.js";
import { evaluateField, type JsonataScope } from "./jsonata.js";
import { isObject, lookup, placeResult, resolveTemplate, StatesError, select } from "./paths.js";
import type { Wait } from "./state.js";

/**
 * The Amazon States Language interpreter. Each state runs as a generator that yields the moment
 * it waits for (an ECS task stopping, a retry interval), so an execution moves only as the fake
 * clock does and a test decides when. Errors are StatesError; Retry and Catch handle them as
 * the spec says. https://states-language.net/spec.html
 */

type Steps<T> = Generator<Wait, T, void>;
type Json = Record<string, unknown>;

/** What a running execution gives the interpreter. */
export interface Machine {
  /** The moment the execution has reached. */
  nowMs(): number;
  /** `$$` without its State and Map parts. */
  context: Json;
  /** A Task state's call, given when it gives up (its TimeoutSeconds). */
  taskCall(deadlineMs: number): TaskCall;
  /** Adds a history event. */
  record(type: string, details?: Json): void;
  /** The variables JSONata states' Assign has set so far. */
  variables: Json;
}

export function* runMachine(m: Machine, machine: Json, input: unknown, item?: Json): Steps<unknown> {
  const states = machine.States as Record<string, Json>;
  // A branch has no QueryLanguage of its own; a JSONata machine has no branches (validation refuses them).
  const language = (machine.QueryLanguage as string | undefined) ?? "JSONPath";
  let name = machine.StartAt as string;
  let data = input;
  for (;;) {
    const state = states[name] as Json;
    const { output, next } = yield* runState(m, name, state, data, item, language);
    if (next === undefined) return output;
    name = next;
    data = output;
  }
}

/** Where a state leaves the execution: its output and the next state (none when it ends). */
interface Outcome {
  output: unknown;
  next: string | undefined;
}

function* runState(
  m: Machine,
  name: string,
  state: Json,
  rawInput: unknown,
  item: Json | undefined,
  machineLanguage: string,
): Steps<Outcome> {
  const type = state.Type as string;
  const enteredMs = m.nowMs();
  m.record(`${type}StateEntered`, { stateEnteredEventDetails: { name, input: JSON.stringify(rawInput) } });
  const contextOf = (retryCount: number): Json => ({
    ...m.context,
    State: { Name: name, EnteredTime: new Date(enteredMs).toISOString(), RetryCount: retryCount },
    ...(item !== undefined && { Map: { Item: item } }),
  });
  const result =
    ((state.QueryLanguage as string | undefined) ?? machineLanguage) === "JSONata"
      ? yield* runJsonataState(m, state, rawInput, contextOf)
      : yield* runJsonPathState(m, state, rawInput, contextOf);
  m.record(`${type}StateExited`, {
    stateExitedEventDetails: { name, output: JSON.stringify(result.output) },
  });
  return result;
}

/** A JSONPath state: InputPath, the state's work with Parameters and ResultPath, then OutputPath. */
function* runJsonPathState(
  m: Machine,
  state: Json,
  rawInput: unknown,
  contextOf: (retryCount: number) => Json,
): Steps<Outcome> {
  const type = state.Type as string;
  const input = state.InputPath === null ? {} : pick(state.InputPath, rawInput, contextOf(0), "InputPath");
  let result: Outcome;
  if (type === "Fail")
    throw new StatesError((state.Error as string) ?? "States.Fail", (state.Cause as string) ?? "");
  if (type === "Choice") result = { output: input, next: choose(state, input, contextOf(0)) };
  else if (type === "Succeed") result = { output: input, next: undefined };
  else if (type === "Pass") {
    const value =
      state.Parameters !== undefined
        ? resolveTemplate(state.Parameters, input, contextOf(0))
        : (state.Result ?? input);
    result = {
      output: placeResult(state.ResultPath as string | null | undefined, rawInput, value),
      next: nextOf(state),
    };
  } else {
    const attempt = function* (context: Json): Steps<Outcome> {
      let value = yield* work(m, state, input, context);
      if (state.ResultSelector !== undefined) value = resolveTemplate(state.ResultSelector, value, context);
      return {
        output: placeResult(state.ResultPath as string | null | undefined, rawInput, value),
        next: nextOf(state),
      };
    };
    result = yield* withRetry(m, state, contextOf, attempt, (catcher, caught) =>
      placeResult((catcher.ResultPath as string | null | undefined) ?? "$", rawInput, caught),
    );
  }
  const output =
    state.OutputPath === null ? {} : pick(state.OutputPath, result.output, contextOf(0), "OutputPath");
  return { output, next: result.next };
}

/**
 * A JSONata state: Arguments in, Output out (default: the input, or a Task's result), Assign
 * after, all seeing `$states`; a Choice rule holds when its Condition is true.
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
function* runJsonataState(
  m: Machine,
  state: Json,
  input: unknown,
  contextOf: (retryCount: number) => Json,
): Steps<Outcome> {
  const type = state.Type as string;
  const scope: JsonataScope = { input, context: contextOf(0), variables: m.variables };
  const out = (owner: Json, s: JsonataScope, fallback: unknown, field = "Output"): unknown => {
    const output = owner.Output !== undefined ? evaluateField(owner.Output, s, field) : fallback;
    assign(m, owner.Assign, s);
    return output;
  };
  if (type === "Fail") {
    const text = (field: string, fallback: string) =>
      state[field] === undefined ? fallback : String(evaluateField(state[field], scope, field));
    throw new StatesError(text("Error", "States.Fail"), text("Cause", ""));
  }
  if (type === "Choice") return chooseJsonata(state, scope, out);
  if (type === "Succeed") return { output: out(state, scope, input), next: undefined };
  if (type === "Pass") return { output: out(state, scope, input), next: nextOf(state) };
  const attempt = function* (context: Json): Steps<Outcome> {
    const attemptScope = { ...scope, context };
    const args =
      state.Arguments !== undefined ? evaluateField(state.Arguments, attemptScope, "Arguments") : input;
    const result = yield* task(m, state, args);
    return { output: out(state, { ...attemptScope, result }, result), next: nextOf(state) };
  };
  return yield* withRetry(m, state, contextOf, attempt, (catcher, errorOutput) =>
    out(catcher, { ...scope, errorOutput }, errorOutput, "Catch.Output"),
  );
}

function chooseJsonata(
  state: Json,
  scope: JsonataScope,
  out: (owner: Json, s: JsonataScope, fallback: unknown, field?: string) => unknown,
): Outcome {
  for (const [i, rule] of (state.Choices as Json[]).entries()) {
    const field = `Choices[${i}].Condition`;
    const holds =
      typeof rule.Condition === "boolean" ? rule.Condition : evaluateField(rule.Condition, scope, field);
    if (typeof holds !== "boolean") {
      throw new StatesError(
        "States.QueryEvaluationError",
        `The JSONata expression specified for the field '${field}' returned ${JSON.stringify(holds)}, not a boolean`,
      );
    }
    if (holds) {
      const owner = rule.Output !== undefined || rule.Assign !== undefined ? rule : state;
      return { output: out(owner, scope, scope.input), next: rule.Next as string };
    }
  }
  if (typeof state.Default === "string")
    return { output: out(state, scope, scope.input), next: state.Default };
  throw new StatesError("States.NoChoiceMatched", "No Matches!");
}

/** Assign: every value is evaluated against the variables as they were, then all are set at once. */
function assign(m: Machine, assignments: unknown, scope: JsonataScope): void {
  if (!isObject(assignments)) return;
  const values = Object.entries(assignments).map(
    ([key, value]) => [key, evaluateField(value, scope, `Assign/${key}`)] as const,
  );
  for (const [key, value] of values) m.variables[key] = value;
}

function nextOf(state: Json): string | undefined {
  return state.End === true ? undefined : (state.Next as string);
}

function pick(path: unknown, value: unknown, context: Json, field: string): unknown {
  return typeof path === "string" ? select(path, value, context, field) : value;
}

/** Task, Map and Parallel: an attempt of the work, its Retry policy, then its Catch. */
function* withRetry(
  m: Machine,
  state: Json,
  contextOf: (retryCount: number) => Json,
  attempt: (context: Json) => Steps<Outcome>,
  caughtOutput: (catcher: Json, caught: Json) => unknown,
): Steps<Outcome> {
  const retriers = (state.Retry as Json[] | undefined) ?? [];
  const attempts = retriers.map(() => 0);
  for (let retryCount = 0; ; retryCount++) {
    try {
      return yield* attempt(contextOf(retryCount));
    } catch (error) {
      if (!(error instanceof StatesError)) throw error;
      const index = retriers.findIndex((r) => matches(r.ErrorEquals as string[], error.error));
      const retrier = retriers[index];
      const done = attempts[index] ?? 0;
      if (retrier !== undefined && done < ((retrier.MaxAttempts as number | undefined) ?? 3)) {
        attempts[index] = done + 1;
        const interval =
          ((retrier.IntervalSeconds as number | undefined) ?? 1) *
          ((retrier.BackoffRate as number | undefined) ?? 2) ** done;
        const capped = Math.min(
          interval,
          (retrier.MaxDelaySeconds as number | undefined) ?? Number.POSITIVE_INFINITY,
        );
        const untilMs = m.nowMs() + Math.round(capped * 1000);
        yield { untilMs: () => untilMs };
        continue;
      }
      const catcher = ((state.Catch as Json[] | undefined) ?? []).find((c) =>
        matches(c.ErrorEquals as string[], error.error),
      );
      if (catcher === undefined) throw error;
      return {
        output: caughtOutput(catcher, { Error: error.error, Cause: error.cause }),
        next: catcher.Next as string,
      };
    }
  }
}

/**
 * `States.ALL` matches any error and `States.TaskFailed` any but `States.Timeout`; neither
 * matches `States.Runtime`, which no retrier or catcher handles.
 */
function matches(errorEquals: string[], error: string): boolean {
  if (error === "States.Runtime") return false;
  return errorEquals.some(
    (name) =>
      name === error || name === "States.ALL" || (name === "States.TaskFailed" && error !== "States.Timeout"),
  );
}

function* work(m: Machine, state: Json, input: unknown, context: Json): Steps<unknown> {
  if (state.Type === "Task") {
    const parameters =
      state.Parameters !== undefined ? resolveTemplate(state.Parameters, input, context) : input;
    return yield* task(m, state, parameters);
  }
  if (state.Type === "Parallel") {
    const branches = state.Branches as Json[];
    const parameters =
      state.Parameters !== undefined ? resolveTemplate(state.Parameters, input, context) : input;
    return yield* all(
      m,
      branches.map((branch) => () => runMachine(m, branch, parameters)),
      0,
    );
  }
  return yield* runMap(m, state, input, context);
}

/** A Task state's call of its resource, between its TaskScheduled and TaskSucceeded/Failed events. */
function* task(m: Machine, state: Json, parameters: unknown): Steps<unknown> {
  const timeout = state.TimeoutSeconds as number | undefined;
  const deadlineMs = timeout === undefined ? Number.POSITIVE_INFINITY : m.nowMs() + timeout * 1000;
  m.record("TaskScheduled", {
    taskScheduledEventDetails: { resource: state.Resource, parameters: JSON.stringify(parameters) },
  });
  try {
    const output = yield* callResource(state.Resource as string, parameters, m.taskCall(deadlineMs));
    m.record("TaskSucceeded", {
      taskSucceededEventDetails: { resource: state.Resource, output: JSON.stringify(output) },
    });
    return output;
  } catch (error) {
    if (error instanceof StatesError) {
      const type = error.error === "States.Timeout" ? "TaskTimedOut" : "TaskFailed";
      m.record(type, {
        [`${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`]: {
          resource: state.Resource,
          error: error.error,
          cause: error.cause,
        },
      });
    }
    throw error;
  }
}

function* runMap(m: Machine, state: Json, input: unknown, context: Json): Steps<unknown> {
  const items = typeof state.ItemsPath === "string" ? lookup(state.ItemsPath, input, context) : input;
  if (!Array.isArray(items)) {
    throw new StatesError(
      "States.Runtime",
      `Map's ItemsPath '${String(state.ItemsPath ?? "$")}' did not select an array`,
    );
  }
  const processor = (state.ItemProcessor ?? state.Iterator) as Json;
  const selector = state.ItemSelector ?? state.Parameters;
  const iterations = items.map((value, index) => () => {
    const item = { Index: index, Value: value };
    const itemInput =
      selector !== undefined ? resolveTemplate(selector, input, { ...context, Map: { Item: item } }) : value;
    return runMachine(m, processor, itemInput, item);
  });
  return yield* all(m, iterations, (state.MaxConcurrency as number | undefined) ?? 0);
}

/**
 * Runs branches side by side on the one fake clock: steps every branch that is ready, then
 * waits for the earliest. One failing ends the others (their `finally` stops their tasks).
 */
function* all(m: Machine, makers: (() => Steps<unknown>)[], max: number): Steps<unknown[]> {
  const results: unknown[] = [];
  const running: { index: number; steps: Steps<unknown>; wait?: Wait }[] = [];
  let started = 0;
  try {
    for (;;) {
      let progressed = true;
      while (progressed) {
        progressed = false;
        while (started < makers.length && (max === 0 || running.length < max)) {
          running.push({ index: started, steps: (makers[started] as () => Steps<unknown>)() });
          started += 1;
        }
        for (const branch of [...running]) {
          if (branch.wait !== undefined && branch.wait.untilMs() > m.nowMs()) continue;
          const step = branch.steps.next();
          progressed = true;
          if (step.done) {
            results[branch.index] = step.value;
            running.splice(running.indexOf(branch), 1);
          } else branch.wait = step.value;
        }
      }
      if (running.length === 0) return results;
      yield { untilMs: () => Math.min(...running.map((b) => b.wait?.untilMs() ?? m.nowMs())) };
    }
  } finally {
    for (const branch of running) branch.steps.return(undefined);
  }
}

/** A Choice state's next state: the first rule that holds, else Default, else States.NoChoiceMatched. */
function choose(state: Json, input: unknown, context: Json): string {
  for (const rule of state.Choices as Json[]) {
    if (holds(rule, input, context)) return rule.Next as string;
  }
  if (typeof state.Default === "string") return state.Default;
  throw new StatesError("States.NoChoiceMatched", "No Matches!");
}

function holds(rule: Json, input: unknown, context: Json): boolean {
  if (Array.isArray(rule.And)) return rule.And.every((r) => holds(r as Json, input, context));
  if (Array.isArray(rule.Or)) return rule.Or.some((r) => holds(r as Json, input, context));
  if (isObject(rule.Not)) return !holds(rule.Not, input, context);
  const value = lookup(rule.Variable as string, input, context);
  for (const [operator, operand] of Object.entries(rule)) {
    if (operator === "Variable" || operator === "Next" || operator === "Comment") continue;
    return compare(operator, value, operand, input, context);
  }
  return false;
}

function compare(operator: string, value: unknown, operand: unknown, input: unknown, context: Json): boolean {
  if (operator === "IsPresent") return (value !== undefined) === operand;
  if (operator === "IsNull") return (value === null) === operand;
  if (operator === "IsString") return (typeof value === "string") === operand;
  if (operator === "IsNumeric") return (typeof value === "number") === operand;
  if (operator === "IsBoolean") return (typeof value === "boolean") === operand;
  if (value === undefined) {
    throw new StatesError(
      "States.Runtime",
      `Invalid path '${"Variable"}': the choice state's Variable was not found in the input`,
    );
  }
  const other = operator.endsWith("Path") ? lookup(operand as string, input, context) : operand;
  const base = operator.replace(/Path$/, "");
  const kind = base.startsWith("String") ? "string" : base.startsWith("Numeric") ? "number" : "boolean";
  if (typeof value !== kind || typeof other !== kind) return false;
  const a = value as string | number | boolean;
  const b = other as string | number | boolean;
  if (base.endsWith("LessThanEquals")) return a <= b;
  if (base.endsWith("GreaterThanEquals")) return a >= b;
  if (base.endsWith("LessThan")) return a < b;
  if (base.endsWith("GreaterThan")) return a > b;
  return a === b;
}
