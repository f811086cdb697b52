/**
 * The JSONPath subset of the Amazon States Language (`$`, `.name`, `['name']`, `[index]`, and
 * `$$` for the context object), payload templates (`Parameters`, `ResultSelector`: a key ending
 * in `.$` takes a path's value or an intrinsic function's result), and the intrinsics flexjob
 * generates. Errors are States errors, thrown as AWS raises them at run time.
 * https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 */

/** A run-time error an execution can Retry or Catch: `error` is its name (e.g. `States.Timeout`). */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    override readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
  }
}

type Segment = string | number;

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;

/** Parses `$.a.b[0]['c']` (or `$$.…`) into its root and segments; undefined if it is not one. */
export function parsePath(path: string): { context: boolean; segments: Segment[] } | undefined {
  const context = path.startsWith("$$");
  if (!path.startsWith("$")) return undefined;
  let rest = path.slice(context ? 2 : 1);
  const segments: Segment[] = [];
  while (rest.length > 0) {
    if (rest.startsWith(".")) {
      const name = NAME.exec(rest.slice(1));
      if (!name) return undefined;
      segments.push(name[0]);
      rest = rest.slice(1 + name[0].length);
    } else {
      const bracket = /^\[(?:(\d+)|'([^']*)')\]/.exec(rest);
      if (!bracket) return undefined;
      segments.push(bracket[1] !== undefined ? Number(bracket[1]) : (bracket[2] as string));
      rest = rest.slice(bracket[0].length);
    }
  }
  return { context, segments };
}

export const isPath = (value: string): boolean => parsePath(value) !== undefined;

/** The value at `path` in `input` (or the context object for `$$`); `undefined` when absent. */
export function lookup(path: string, input: unknown, context: unknown): unknown {
  const parsed = parsePath(path);
  if (!parsed) throw new StatesError("States.Runtime", `Invalid path '${path}'`);
  let value: unknown = parsed.context ? context : input;
  for (const segment of parsed.segments) {
    if (typeof segment === "number") value = Array.isArray(value) ? value[segment] : undefined;
    else value = isObject(value) ? value[segment] : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

/** Like lookup, but a missing value is the error AWS raises for the field that named it. */
export function select(path: string, input: unknown, context: unknown, field: string): unknown {
  const value = lookup(path, input, context);
  if (value === undefined) {
    throw new StatesError(
      "States.Runtime",
      `An error occurred while executing the state. The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(input)}'`,
    );
  }
  return value;
}

/** ResultPath: where the result goes in the state's input; `null` discards it, `$` replaces all. */
export function placeResult(resultPath: string | null | undefined, input: unknown, result: unknown): unknown {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === "$") return result;
  const parsed = parsePath(resultPath);
  if (!parsed || parsed.context)
    throw new StatesError("States.Runtime", `Invalid ResultPath '${resultPath}'`);
  const root: unknown = structuredClone(input);
  if (!isObject(root)) {
    throw new StatesError(
      "States.Runtime",
      `An error occurred while executing the state. Unable to apply ReferencePath ${resultPath} to input ${JSON.stringify(input)}`,
    );
  }
  let target: Record<string, unknown> = root;
  parsed.segments.forEach((segment, i) => {
    const key = String(segment);
    if (i === parsed.segments.length - 1) {
      target[key] = result;
      return;
    }
    const next = target[key];
    target[key] = isObject(next) ? next : {};
    target = target[key] as Record<string, unknown>;
  });
  return root;
}

/** A payload template with `.$` keys resolved against the input and the context object. */
export function resolveTemplate(template: unknown, input: unknown, context: unknown): unknown {
  if (Array.isArray(template)) return template.map((item) => resolveTemplate(item, input, context));
  if (!isObject(template)) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith(".$") && typeof value === "string") {
      const name = key.slice(0, -2);
      out[name] = isPath(value)
        ? select(value, input, context, key)
        : evaluateIntrinsic(value, input, context);
    } else {
      out[key] = resolveTemplate(value, input, context);
    }
  }
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---- intrinsic functions ----

type Arg = { literal: unknown } | { path: string } | { call: string; args: Arg[] };

const INTRINSICS = new Set([
  "States.Format",
  "States.MathAdd",
  "States.StringToJson",
  "States.JsonToString",
  "States.Array",
]);

/** Parses an intrinsic call; throws a message naming the problem (validation reports it). */
export function parseIntrinsic(text: string): Arg {
  const parser = { text, at: 0 };
  const call = parseCall(parser);
  skipSpace(parser);
  if (parser.at !== text.length) throw new Error(`unexpected '${text.slice(parser.at)}'`);
  return call;
}

function parseCall(p: { text: string; at: number }): Arg {
  skipSpace(p);
  const name = /^States\.[A-Za-z]+/.exec(p.text.slice(p.at));
  if (!name) throw new Error(`expected an intrinsic function at ${p.at}`);
  if (!INTRINSICS.has(name[0])) throw new Error(`unsupported intrinsic function ${name[0]}`);
  p.at += name[0].length;
  if (p.text[p.at] !== "(") throw new Error(`expected '(' after ${name[0]}`);
  p.at += 1;
  const args: Arg[] = [];
  skipSpace(p);
  if (p.text[p.at] === ")") {
    p.at += 1;
    return { call: name[0], args };
  }
  for (;;) {
    args.push(parseArg(p));
    skipSpace(p);
    const next = p.text[p.at];
    p.at += 1;
    if (next === ")") return { call: name[0], args };
    if (next !== ",") throw new Error(`expected ',' or ')' in ${name[0]}`);
  }
}

function parseArg(p: { text: string; at: number }): Arg {
  skipSpace(p);
  const rest = p.text.slice(p.at);
  if (rest.startsWith("'")) {
    let value = "";
    let i = 1;
    while (i < rest.length && rest[i] !== "'") {
      if (rest[i] === "\\" && i + 1 < rest.length) i += 1;
      value += rest[i];
      i += 1;
    }
    if (rest[i] !== "'") throw new Error("unterminated string literal");
    p.at += i + 1;
    return { literal: value };
  }
  if (rest.startsWith("States.")) return parseCall(p);
  if (rest.startsWith("$")) {
    const path = /^\$\$?[^,)\s]*/.exec(rest)?.[0] ?? "$";
    if (!isPath(path)) throw new Error(`invalid path ${path}`);
    p.at += path.length;
    return { path };
  }
  const scalar = /^(-?\d+(?:\.\d+)?|true|false|null)/.exec(rest);
  if (!scalar) throw new Error(`unexpected argument '${rest}'`);
  p.at += scalar[0].length;
  return { literal: JSON.parse(scalar[0]) };
}

function skipSpace(p: { text: string; at: number }): void {
  while (p.text[p.at] === " ") p.at += 1;
}

export function evaluateIntrinsic(text: string, input: unknown, context: unknown): unknown {
  let parsed: Arg;
  try {
    parsed = parseIntrinsic(text);
  } catch (error) {
    throw new StatesError(
      "States.IntrinsicFailure",
      `Invalid intrinsic function '${text}': ${String(error)}`,
    );
  }
  return evaluateArg(parsed, input, context);
}

function evaluateArg(arg: Arg, input: unknown, context: unknown): unknown {
  if ("literal" in arg) return arg.literal;
  if ("path" in arg) return select(arg.path, input, context, arg.path);
  const args = arg.args.map((a) => evaluateArg(a, input, context));
  const fail = (message: string) => new StatesError("States.IntrinsicFailure", `${arg.call}: ${message}`);
  switch (arg.call) {
    case "States.Format": {
      const [template, ...values] = args;
      if (typeof template !== "string") throw fail("the first argument must be a string");
      const parts = template.split("{}");
      if (parts.length - 1 !== values.length)
        throw fail("the number of arguments does not match the template");
      return parts.reduce((out, part, i) => {
        if (i === 0) return part;
        const value = values[i - 1];
        return out + (typeof value === "string" ? value : JSON.stringify(value)) + part;
      }, "");
    }
    case "States.MathAdd": {
      const [a, b] = args;
      if (args.length !== 2 || !Number.isInteger(a) || !Number.isInteger(b)) throw fail("takes two integers");
      return (a as number) + (b as number);
    }
    case "States.StringToJson": {
      if (args.length !== 1 || typeof args[0] !== "string") throw fail("takes one string");
      try {
        return JSON.parse(args[0]);
      } catch {
        throw fail("the argument is not JSON");
      }
    }
    case "States.JsonToString":
      if (args.length !== 1) throw fail("takes one argument");
      return JSON.stringify(args[0]);
    default:
      return args;
  }
}
