import jsonata from "jsonata";
import { isObject, StatesError } from "./paths.js";

/**
 * Step Functions' JSONata query language: a string field whose whole value is `{% expression %}`
 * is evaluated, anywhere inside `Arguments`, `Output`, `Assign` and the like; other values stay
 * as written. Expressions see the reserved `$states` (input, context, and per field result or
 * errorOutput) and the execution's variables. A failure, or an expression that returns nothing,
 * is `States.QueryEvaluationError`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 *
 * jsonata 1.x evaluates synchronously, which the generator interpreter needs (2.x only returns
 * promises); the expressions Step Functions documents behave the same in both.
 */

const TEMPLATE = /^\{%([\s\S]*)%\}$/;

/** What `$states` holds while a field is evaluated. */
export interface JsonataScope {
  input: unknown;
  context: Record<string, unknown>;
  result?: unknown;
  errorOutput?: unknown;
  /** Variables assigned by earlier states (`Assign`). */
  variables: Record<string, unknown>;
}

/** The expression inside `{% … %}`, or undefined when the value is not one. */
export function expressionOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  return TEMPLATE.exec(value)?.[1]?.trim();
}

/** Why the expression does not parse, or undefined when it does. */
export function syntaxProblem(expression: string): string | undefined {
  if (expression.length === 0) return "the expression is empty";
  try {
    jsonata(expression);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Every `{% %}` string in a field's value, with its path below the field, e.g. `/MetricData`. */
export function expressionsIn(value: unknown, at = ""): { at: string; expression: string }[] {
  const expression = expressionOf(value);
  if (expression !== undefined) return [{ at, expression }];
  if (Array.isArray(value)) return value.flatMap((item, i) => expressionsIn(item, `${at}[${i}]`));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => expressionsIn(item, `${at}/${key}`));
}

/** A field's value with each `{% %}` string replaced by what its expression evaluates to. */
export function evaluateField(value: unknown, scope: JsonataScope, field: string): unknown {
  const expression = expressionOf(value);
  if (expression !== undefined) return evaluate(expression, scope, field);
  if (Array.isArray(value)) return value.map((item, i) => evaluateField(item, scope, `${field}[${i}]`));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = evaluateField(item, scope, `${field}/${key}`);
  return out;
}

function evaluate(expression: string, scope: JsonataScope, field: string): unknown {
  const states: Record<string, unknown> = { input: scope.input, context: scope.context };
  if ("result" in scope) states.result = scope.result;
  if ("errorOutput" in scope) states.errorOutput = scope.errorOutput;
  let value: unknown;
  try {
    value = jsonata(expression).evaluate(undefined, { ...scope.variables, states });
  } catch (error) {
    const reason = isObject(error) && typeof error.message === "string" ? error.message : String(error);
    throw new StatesError(
      "States.QueryEvaluationError",
      `The JSONata expression '${expression}' specified for the field '${field}' could not be evaluated: ${reason}`,
    );
  }
  if (value === undefined) {
    throw new StatesError(
      "States.QueryEvaluationError",
      `The JSONata expression '${expression}' specified for the field '${field}' returned nothing (undefined)`,
    );
  }
  return plain(value);
}

/** JSONata's results as plain JSON: its sequences are arrays with extra flags, functions have no JSON. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value) ?? "null");
}
