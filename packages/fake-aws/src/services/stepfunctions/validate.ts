import { AwsError } from "../../core/types.js";
import { expressionOf, expressionsIn, syntaxProblem } from "./jsonata.js";
import { isObject, isPath, parseIntrinsic } from "./paths.js";

/**
 * CreateStateMachine's definition check: the Amazon States Language rules AWS enforces for the
 * states and fields flexjob generates, reported as AWS reports them
 * (`Invalid State Machine Definition: 'CODE: message at /path'`). What this fake does not run
 * (Wait, JSONata Map and Parallel, distributed Map, other resources) is refused the same way
 * rather than ignored.
 * https://states-language.net/spec.html
 */

export const SYNC_RUN_TASK = "arn:aws:states:::ecs:runTask.sync";
export const SDK_LIST_TASKS = "arn:aws:states:::aws-sdk:ecs:listTasks";
export const SDK_STOP_TASK = "arn:aws:states:::aws-sdk:ecs:stopTask";
export const SDK_PUT_METRIC_DATA = "arn:aws:states:::aws-sdk:cloudwatch:putMetricData";
const RESOURCES = new Set([SYNC_RUN_TASK, SDK_LIST_TASKS, SDK_STOP_TASK, SDK_PUT_METRIC_DATA]);

const COMMON = ["Type", "Comment", "QueryLanguage", "InputPath", "OutputPath"];
const FIELDS: Record<string, string[]> = {
  Task: [
    ...COMMON,
    "Resource",
    "Parameters",
    "ResultPath",
    "ResultSelector",
    "Retry",
    "Catch",
    "TimeoutSeconds",
    "Next",
    "End",
  ],
  Pass: [...COMMON, "Parameters", "Result", "ResultPath", "Next", "End"],
  Choice: [...COMMON, "Choices", "Default"],
  Succeed: [...COMMON],
  Fail: ["Type", "Comment", "QueryLanguage", "Error", "Cause"],
  Map: [
    ...COMMON,
    "ItemsPath",
    "ItemProcessor",
    "Iterator",
    "ItemSelector",
    "Parameters",
    "MaxConcurrency",
    "ResultPath",
    "ResultSelector",
    "Retry",
    "Catch",
    "Next",
    "End",
  ],
  Parallel: [
    ...COMMON,
    "Branches",
    "Parameters",
    "ResultPath",
    "ResultSelector",
    "Retry",
    "Catch",
    "Next",
    "End",
  ],
};
/** A JSONata state's fields: `Arguments` and `Output` stand for the five JSONPath fields. */
const JSONATA_COMMON = ["Type", "Comment", "QueryLanguage"];
const JSONATA_FIELDS: Record<string, string[]> = {
  Task: [
    ...JSONATA_COMMON,
    "Resource",
    "Arguments",
    "Output",
    "Assign",
    "Retry",
    "Catch",
    "TimeoutSeconds",
    "Next",
    "End",
  ],
  Pass: [...JSONATA_COMMON, "Output", "Assign", "Next", "End"],
  Choice: [...JSONATA_COMMON, "Choices", "Default", "Output", "Assign"],
  Succeed: [...JSONATA_COMMON, "Output"],
  Fail: [...JSONATA_COMMON, "Error", "Cause"],
};
/** The JSONPath-only fields, which a JSONata state refuses by name. */
const JSONPATH_ONLY = new Set([
  "InputPath",
  "OutputPath",
  "Parameters",
  "ResultPath",
  "ResultSelector",
  "Result",
  "ItemsPath",
  "ItemSelector",
]);
/** Fields whose `{% %}` strings a JSONata state evaluates. */
const JSONATA_VALUES = ["Arguments", "Output", "Assign", "Error", "Cause"];
const TOP_LEVEL = ["Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"];
const LANGUAGES = ["JSONPath", "JSONata"];
const COMPARISONS = new Set(
  ["StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals"]
    .concat([
      "NumericEquals",
      "NumericLessThan",
      "NumericGreaterThan",
      "NumericLessThanEquals",
      "NumericGreaterThanEquals",
    ])
    .concat(["BooleanEquals"])
    .flatMap((name) => [name, `${name}Path`])
    .concat(["IsPresent", "IsNull", "IsString", "IsNumeric", "IsBoolean"]),
);

type Problems = string[];

/** What the whole machine decides for its states: its type, and the language states inherit. */
interface MachineRules {
  express: boolean;
  language: string;
}

/**
 * Throws InvalidDefinition listing every problem, or returns the parsed definition. EXPRESS
 * machines take only Request Response integrations (no `.sync`, no `.waitForTaskToken`).
 * https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html
 */
export function validateDefinition(text: string, type: "STANDARD" | "EXPRESS"): Record<string, unknown> {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch {
    throw invalid(["INVALID_JSON_DESCRIPTION: The definition is not valid JSON"]);
  }
  const problems: Problems = [];
  if (!isObject(definition))
    throw invalid(["SCHEMA_VALIDATION_FAILED: The definition must be a JSON object at /"]);
  const language = definition.QueryLanguage ?? "JSONPath";
  if (typeof language !== "string" || !LANGUAGES.includes(language)) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: QueryLanguage must be JSONPath or JSONata, not ${JSON.stringify(language)} at /QueryLanguage`,
    );
  }
  const rules = { express: type === "EXPRESS", language: String(language) };
  checkMachine(definition, "", problems, TOP_LEVEL, rules);
  const timeout = definition.TimeoutSeconds;
  if (timeout !== undefined && !positiveInt(timeout, 99_999_999)) {
    problems.push("SCHEMA_VALIDATION_FAILED: TimeoutSeconds must be a positive integer at /TimeoutSeconds");
  }
  if (problems.length > 0) throw invalid(problems);
  return definition;
}

function invalid(problems: Problems): AwsError {
  return new AwsError("InvalidDefinition", `Invalid State Machine Definition: '${problems.join(", ")}'`);
}

/** One machine (the top level, a Parallel branch, a Map's ItemProcessor): StartAt, States, reachability. */
function checkMachine(
  machine: Record<string, unknown>,
  at: string,
  problems: Problems,
  allowed: string[],
  rules: MachineRules,
): void {
  unknownFields(machine, allowed, at, problems);
  const states = machine.States;
  if (typeof machine.StartAt !== "string") {
    problems.push(`SCHEMA_VALIDATION_FAILED: The field 'StartAt' should be a string at ${at}/StartAt`);
  }
  if (!isObject(states) || Object.keys(states).length === 0) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: The field 'States' should be a non-empty object at ${at}/States`,
    );
    return;
  }
  const names = new Set(Object.keys(states));
  if (typeof machine.StartAt === "string" && !names.has(machine.StartAt)) {
    problems.push(`MISSING_TRANSITION_TARGET: Missing 'Next' target: ${machine.StartAt} at ${at}/StartAt`);
  }
  for (const [name, state] of Object.entries(states)) {
    const where = `${at}/States/${name}`;
    if (name.length > 80)
      problems.push(`SCHEMA_VALIDATION_FAILED: State names are at most 80 characters at ${where}`);
    if (!isObject(state)) problems.push(`SCHEMA_VALIDATION_FAILED: A state must be an object at ${where}`);
    else checkState(state, where, names, problems, rules);
  }
  for (const name of unreachable(machine.StartAt, states)) {
    problems.push(`UNREACHABLE_STATE: State '${name}' is not reachable at ${at}/States/${name}`);
  }
}

function checkState(
  state: Record<string, unknown>,
  at: string,
  names: Set<string>,
  problems: Problems,
  rules: MachineRules,
): void {
  const type = state.Type;
  if (typeof type !== "string" || !(type in FIELDS)) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: ${JSON.stringify(type)} is not a supported state type at ${at}/Type`,
    );
    return;
  }
  const next = (field: string, target: unknown) => {
    if (typeof target !== "string" || !names.has(target)) {
      problems.push(`MISSING_TRANSITION_TARGET: Missing 'Next' target: ${String(target)} at ${at}/${field}`);
    }
  };
  const language = state.QueryLanguage ?? rules.language;
  if (state.QueryLanguage !== undefined && !LANGUAGES.includes(String(state.QueryLanguage))) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: QueryLanguage must be JSONPath or JSONata at ${at}/QueryLanguage`,
    );
  } else if (rules.language === "JSONata" && language === "JSONPath") {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: A state cannot use JSONPath when the state machine's QueryLanguage is JSONata at ${at}/QueryLanguage`,
    );
  }
  if (language === "JSONata") checkJsonataState(state, type, at, problems, next, rules);
  else checkJsonPathState(state, type, at, problems, next, rules);
}

/** A JSONata state: no JSONPath fields, and every `{% %}` string parses. */
function checkJsonataState(
  state: Record<string, unknown>,
  type: string,
  at: string,
  problems: Problems,
  next: (field: string, target: unknown) => void,
  rules: MachineRules,
): void {
  const allowed = JSONATA_FIELDS[type];
  if (allowed === undefined) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: fake-aws runs ${type} states only with the JSONPath query language at ${at}/QueryLanguage`,
    );
    return;
  }
  for (const key of Object.keys(state)) {
    if (JSONPATH_ONLY.has(key)) {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The field '${key}' is not supported for the JSONata query language; use Arguments or Output at ${at}/${key}`,
      );
    } else if (!allowed.includes(key)) {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The field '${key}' is not supported by Step Functions at ${at}`,
      );
    }
  }
  checkTransition(state, type, at, problems, next);
  for (const field of JSONATA_VALUES) checkExpressions(state[field], `${at}/${field}`, problems);
  if (type === "Task") checkTask(state, at, problems, rules);
  if (type === "Choice") checkConditions(state, at, next, problems);
  if (state.Retry !== undefined) checkRetry(state.Retry, at, problems);
  if (state.Catch !== undefined) {
    eachObject(state.Catch, "Catch", at, problems, (catcher, where, index, last) => {
      unknownFields(catcher, ["ErrorEquals", "Next", "Output", "Assign", "Comment"], where, problems);
      checkErrorEquals(catcher.ErrorEquals, where, last, problems);
      next(`Catch[${index}]/Next`, catcher.Next);
      checkExpressions(catcher.Output, `${where}/Output`, problems);
      checkExpressions(catcher.Assign, `${where}/Assign`, problems);
    });
  }
}

/** A JSONata Choice: each rule's Condition is a `{% %}` string or a boolean. */
function checkConditions(
  state: Record<string, unknown>,
  at: string,
  next: (field: string, target: unknown) => void,
  problems: Problems,
): void {
  eachChoiceRule(state, at, next, problems, (rule, where) => {
    unknownFields(rule, ["Condition", "Next", "Comment", "Output", "Assign"], where, problems);
    if (typeof rule.Condition !== "boolean" && expressionOf(rule.Condition) === undefined) {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The field 'Condition' must be a JSONata expression '{% ... %}' or a boolean at ${where}/Condition`,
      );
    }
    for (const field of ["Condition", "Output", "Assign"]) {
      checkExpressions(rule[field], `${where}/${field}`, problems);
    }
  });
}

/** A Choice state's rules, each an object with a Next, then its Default; `check` sees each rule. */
function eachChoiceRule(
  state: Record<string, unknown>,
  at: string,
  next: (field: string, target: unknown) => void,
  problems: Problems,
  check: (rule: Record<string, unknown>, where: string) => void,
): void {
  const choices = state.Choices;
  if (!Array.isArray(choices) || choices.length === 0) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: The field 'Choices' should be a non-empty array at ${at}/Choices`,
    );
    return;
  }
  choices.forEach((rule, i) => {
    const where = `${at}/Choices[${i}]`;
    if (!isObject(rule)) {
      problems.push(`SCHEMA_VALIDATION_FAILED: A choice rule must be an object at ${where}`);
      return;
    }
    next(`Choices[${i}]/Next`, rule.Next);
    check(rule, where);
  });
  if (state.Default !== undefined) next("Default", state.Default);
}

function checkExpressions(value: unknown, at: string, problems: Problems): void {
  for (const found of expressionsIn(value)) {
    const problem = syntaxProblem(found.expression);
    if (problem !== undefined) {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The JSONata expression '${found.expression}' is not valid: ${problem} at ${at}${found.at}`,
      );
    }
  }
}

/** Task, Pass, Map and Parallel go on with exactly one of Next or End. */
function checkTransition(
  state: Record<string, unknown>,
  type: string,
  at: string,
  problems: Problems,
  next: (field: string, target: unknown) => void,
): void {
  if (["Task", "Pass", "Map", "Parallel"].includes(type)) {
    if ((state.Next === undefined) === (state.End !== true)) {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: A state must have exactly one of 'Next' or 'End': true at ${at}`,
      );
    } else if (state.Next !== undefined) next("Next", state.Next);
  }
}

function checkJsonPathState(
  state: Record<string, unknown>,
  type: string,
  at: string,
  problems: Problems,
  next: (field: string, target: unknown) => void,
  rules: MachineRules,
): void {
  unknownFields(state, FIELDS[type] as string[], at, problems);
  checkTransition(state, type, at, problems, next);
  for (const field of ["InputPath", "OutputPath", "ResultPath", "ItemsPath"]) {
    const value = state[field];
    if (value !== undefined && value !== null && (typeof value !== "string" || !isPath(value))) {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The value for the field '${field}' must be a valid JSONPath at ${at}/${field}`,
      );
    }
  }
  for (const field of ["Parameters", "ResultSelector", "ItemSelector"]) {
    if (state[field] !== undefined) checkTemplate(state[field], `${at}/${field}`, problems);
  }
  if (type === "Task") checkTask(state, at, problems, rules);
  if (type === "Choice") checkChoice(state, at, next, problems);
  if (type === "Fail") {
    for (const field of ["Error", "Cause"]) {
      if (state[field] !== undefined && typeof state[field] !== "string") {
        problems.push(`SCHEMA_VALIDATION_FAILED: The field '${field}' should be a string at ${at}/${field}`);
      }
    }
  }
  if (type === "Map") checkMap(state, at, problems, rules);
  if (type === "Parallel") checkBranches(state.Branches, at, problems, rules);
  if (state.Retry !== undefined) checkRetry(state.Retry, at, problems);
  if (state.Catch !== undefined) checkCatch(state.Catch, at, next, problems);
}

function checkBranches(branches: unknown, at: string, problems: Problems, rules: MachineRules): void {
  if (!Array.isArray(branches) || branches.length === 0) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: The field 'Branches' should be a non-empty array at ${at}/Branches`,
    );
    return;
  }
  for (const [i, branch] of branches.entries()) {
    if (isObject(branch))
      checkMachine(branch, `${at}/Branches[${i}]`, problems, ["StartAt", "States", "Comment"], rules);
    else problems.push(`SCHEMA_VALIDATION_FAILED: A branch must be an object at ${at}/Branches[${i}]`);
  }
}

function checkTask(
  state: Record<string, unknown>,
  at: string,
  problems: Problems,
  rules: MachineRules,
): void {
  const pattern = /\.(sync|waitForTaskToken)$/.exec(String(state.Resource));
  if (rules.express && pattern !== null) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: Express state machines do not support the '.${pattern[1]}' service integration pattern at ${at}/Resource`,
    );
  } else if (typeof state.Resource !== "string" || !RESOURCES.has(state.Resource)) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: The resource ${JSON.stringify(state.Resource)} is not supported by fake-aws (it runs ${[...RESOURCES].join(", ")}) at ${at}/Resource`,
    );
  }
  if (state.TimeoutSeconds !== undefined && !positiveInt(state.TimeoutSeconds, 99_999_999)) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: TimeoutSeconds must be a positive integer at ${at}/TimeoutSeconds`,
    );
  }
}

function checkMap(state: Record<string, unknown>, at: string, problems: Problems, rules: MachineRules): void {
  const processor = state.ItemProcessor ?? state.Iterator;
  const field = state.ItemProcessor !== undefined ? "ItemProcessor" : "Iterator";
  if (!isObject(processor)) {
    problems.push(`SCHEMA_VALIDATION_FAILED: The field 'ItemProcessor' is required at ${at}`);
    return;
  }
  const config = processor.ProcessorConfig;
  if (config !== undefined && (!isObject(config) || (config.Mode ?? "INLINE") !== "INLINE")) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: fake-aws runs only INLINE Map states at ${at}/${field}/ProcessorConfig`,
    );
  }
  checkMachine(
    processor,
    `${at}/${field}`,
    problems,
    ["StartAt", "States", "Comment", "ProcessorConfig"],
    rules,
  );
  if (
    state.MaxConcurrency !== undefined &&
    !(Number.isInteger(state.MaxConcurrency) && (state.MaxConcurrency as number) >= 0)
  ) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: MaxConcurrency must be a non-negative integer at ${at}/MaxConcurrency`,
    );
  }
}

function checkChoice(
  state: Record<string, unknown>,
  at: string,
  next: (field: string, target: unknown) => void,
  problems: Problems,
): void {
  eachChoiceRule(state, at, next, problems, (rule, where) => checkRule(rule, where, problems, true));
}

/** A choice rule: exactly one comparison (with its Variable) or one of And/Or/Not. */
function checkRule(rule: Record<string, unknown>, at: string, problems: Problems, top: boolean): void {
  const allowed = new Set([
    ...(top ? ["Next", "Comment"] : []),
    "Variable",
    "And",
    "Or",
    "Not",
    ...COMPARISONS,
  ]);
  unknownFields(rule, [...allowed], at, problems);
  const operators = Object.keys(rule).filter(
    (key) => COMPARISONS.has(key) || ["And", "Or", "Not"].includes(key),
  );
  if (operators.length !== 1) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: A choice rule must have exactly one comparison operator at ${at}`,
    );
    return;
  }
  const operator = operators[0] as string;
  if (operator === "And" || operator === "Or") {
    const rules = rule[operator];
    if (!Array.isArray(rules) || rules.length === 0) {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: '${operator}' takes a non-empty array of rules at ${at}/${operator}`,
      );
    } else {
      for (const [i, r] of rules.entries())
        if (isObject(r)) checkRule(r, `${at}/${operator}[${i}]`, problems, false);
    }
  } else if (operator === "Not") {
    if (isObject(rule.Not)) checkRule(rule.Not, `${at}/Not`, problems, false);
    else problems.push(`SCHEMA_VALIDATION_FAILED: 'Not' takes one rule at ${at}/Not`);
  } else if (typeof rule.Variable !== "string" || !isPath(rule.Variable)) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: The field 'Variable' must be a valid JSONPath at ${at}/Variable`,
    );
  }
}

/**
 * Each object of a Retry or Catch list, with where it is and whether it is the last (only the last
 * may name States.ALL); anything that is not a list of objects is a problem at its path.
 */
function eachObject(
  list: unknown,
  field: "Retry" | "Catch",
  at: string,
  problems: Problems,
  check: (item: Record<string, unknown>, where: string, index: number, last: boolean) => void,
): void {
  if (!Array.isArray(list)) {
    problems.push(`SCHEMA_VALIDATION_FAILED: The field '${field}' should be an array at ${at}/${field}`);
    return;
  }
  const noun = field === "Retry" ? "A retrier" : "A catcher";
  for (const [index, item] of list.entries()) {
    const where = `${at}/${field}[${index}]`;
    if (isObject(item)) check(item, where, index, index === list.length - 1);
    else problems.push(`SCHEMA_VALIDATION_FAILED: ${noun} must be an object at ${where}`);
  }
}

const RETRIER_FIELDS = [
  "ErrorEquals",
  "IntervalSeconds",
  "MaxAttempts",
  "BackoffRate",
  "MaxDelaySeconds",
  "JitterStrategy",
  "Comment",
];

function checkRetry(retry: unknown, at: string, problems: Problems): void {
  eachObject(retry, "Retry", at, problems, (retrier, where, _index, last) => {
    unknownFields(retrier, RETRIER_FIELDS, where, problems);
    checkErrorEquals(retrier.ErrorEquals, where, last, problems);
    checkRetrier(retrier, where, problems);
  });
}

/** A retrier's numbers: IntervalSeconds ≥ 1, MaxAttempts ≥ 0, BackoffRate ≥ 1.0, MaxDelaySeconds ≥ 1. */
function checkRetrier(retrier: Record<string, unknown>, where: string, problems: Problems): void {
  const {
    IntervalSeconds: interval,
    MaxAttempts: attempts,
    BackoffRate: rate,
    MaxDelaySeconds: maxDelay,
  } = retrier;
  if (interval !== undefined && !positiveInt(interval, 99_999_999)) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: IntervalSeconds must be a positive integer at ${where}/IntervalSeconds`,
    );
  }
  if (
    attempts !== undefined &&
    !(Number.isInteger(attempts) && (attempts as number) >= 0 && (attempts as number) <= 99_999_999)
  ) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: MaxAttempts must be a non-negative integer at ${where}/MaxAttempts`,
    );
  }
  if (rate !== undefined && !(typeof rate === "number" && rate >= 1)) {
    problems.push(`SCHEMA_VALIDATION_FAILED: BackoffRate must be at least 1.0 at ${where}/BackoffRate`);
  }
  if (maxDelay !== undefined && !positiveInt(maxDelay, 31_622_400)) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: MaxDelaySeconds must be an integer from 1 to 31622400 at ${where}/MaxDelaySeconds`,
    );
  }
  if (retrier.JitterStrategy !== undefined && !["FULL", "NONE"].includes(retrier.JitterStrategy as string)) {
    problems.push(`SCHEMA_VALIDATION_FAILED: JitterStrategy must be FULL or NONE at ${where}/JitterStrategy`);
  }
}

function checkCatch(
  catchers: unknown,
  at: string,
  next: (field: string, target: unknown) => void,
  problems: Problems,
): void {
  eachObject(catchers, "Catch", at, problems, (catcher, where, index, last) => {
    unknownFields(catcher, ["ErrorEquals", "Next", "ResultPath", "Comment"], where, problems);
    checkErrorEquals(catcher.ErrorEquals, where, last, problems);
    next(`Catch[${index}]/Next`, catcher.Next);
    const resultPath = catcher.ResultPath;
    if (
      resultPath !== undefined &&
      resultPath !== null &&
      (typeof resultPath !== "string" || !isPath(resultPath))
    ) {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The value for the field 'ResultPath' must be a valid JSONPath at ${where}/ResultPath`,
      );
    }
  });
}

/** `States.ALL` must stand alone, in the last retrier or catcher. */
function checkErrorEquals(errors: unknown, at: string, last: boolean, problems: Problems): void {
  if (!Array.isArray(errors) || errors.length === 0 || !errors.every((e) => typeof e === "string")) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: The field 'ErrorEquals' should be a non-empty array of strings at ${at}/ErrorEquals`,
    );
    return;
  }
  if (errors.includes("States.ALL") && (errors.length > 1 || !last)) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear alone, in the last retrier or catcher at ${at}/ErrorEquals`,
    );
  }
}

function checkTemplate(template: unknown, at: string, problems: Problems): void {
  if (Array.isArray(template)) {
    for (const [i, item] of template.entries()) checkTemplate(item, `${at}[${i}]`, problems);
    return;
  }
  if (!isObject(template)) return;
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith(".$")) {
      checkTemplate(value, `${at}/${key}`, problems);
      continue;
    }
    if (typeof value !== "string") {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The value for the field '${key}' must be a STRING that contains a JSONPath at ${at}/${key}`,
      );
    } else if (!isPath(value)) {
      try {
        parseIntrinsic(value);
      } catch (error) {
        problems.push(
          `SCHEMA_VALIDATION_FAILED: The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call (${error instanceof Error ? error.message : String(error)}) at ${at}/${key}`,
        );
      }
    }
  }
}

function unknownFields(
  value: Record<string, unknown>,
  allowed: string[],
  at: string,
  problems: Problems,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The field '${key}' is not supported by Step Functions at ${at || "/"}`,
      );
    }
  }
}

function unreachable(startAt: unknown, states: Record<string, unknown>): string[] {
  const seen = new Set<string>();
  const queue = typeof startAt === "string" ? [startAt] : [];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name) || !(name in states)) continue;
    seen.add(name);
    const state = states[name];
    if (!isObject(state)) continue;
    const targets = [state.Next, state.Default];
    for (const list of [state.Choices, state.Catch]) {
      if (Array.isArray(list)) for (const item of list) if (isObject(item)) targets.push(item.Next);
    }
    for (const target of targets) if (typeof target === "string") queue.push(target);
  }
  return Object.keys(states).filter((name) => !seen.has(name));
}

function positiveInt(value: unknown, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max;
}
