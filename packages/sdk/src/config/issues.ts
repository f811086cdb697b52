import { z } from "zod";
import { showValue } from "../errors.js";
import { REDACTED } from "../secret-values.js";
import { listWithOr } from "../sizing/index.js";
import type { ProblemParams } from "./problem.js";
import { redactConfigValue } from "./secret-fields.js";

/** One problem with one field, before it is given a file location. */
export interface PathProblem {
  path: (string | number)[];
  message: string;
  remedy: string | undefined;
}

type Issue = z.core.$ZodIssue;
type Path = (string | number)[];

/** Turns zod's issues into flexjob's: a message naming the field and the bad value, and a remedy. */
export function problemsFromIssues(issues: readonly Issue[], root: z.ZodType): PathProblem[] {
  return issues.flatMap((issue) => problemsFromIssue(issue, toPath(issue.path), root, []));
}

/** The value at `path` as a message may quote it: never a secret, which is named by its kind only. */
function shownValue(input: unknown, path: Path): string {
  const redacted = redactConfigValue(input, path);
  if (redacted !== REDACTED) return showValue(redacted);
  return `${kindOf(input)} (not shown: it may be a secret)`;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value !== null && typeof value === "object") return "a mapping";
  return typeof value === "string" ? "a string" : typeof value === "number" ? "a number" : "a value";
}

function toPath(path: readonly PropertyKey[]): Path {
  return path.map((segment) => (typeof segment === "number" ? segment : String(segment)));
}

/**
 * `base` is the path of `root` within the whole config: a union branch's issues have paths
 * relative to the union, so they are resolved against the branch and reported at base + path.
 */
function problemsFromIssue(issue: Issue, path: Path, root: z.ZodType, base: Path): PathProblem[] {
  const fullPath = [...base, ...path];
  const at = (message: string, remedy: string | undefined): PathProblem[] => [
    { path: fullPath, message, remedy },
  ];
  const label = fieldLabel(fullPath);
  const input: unknown = issue.input;
  switch (issue.code) {
    case "custom": {
      const params = issue.params as Partial<ProblemParams> | undefined;
      return at(issue.message, params?.remedy);
    }
    case "invalid_key": {
      // The key's own checks explain themselves (job names, env names); report them at the key.
      const inner = issue.issues.find((each) => each.code === "custom");
      if (inner) return at(inner.message, (inner.params as Partial<ProblemParams> | undefined)?.remedy);
      return at(`${label} is not an allowed name`, "rename it");
    }
    case "unrecognized_keys":
      return unknownFieldProblems(issue.keys, objectKeys(schemaAt(root, path)), fullPath);
    case "invalid_union":
      return unionProblems(issue, path, root, base, label);
    case "invalid_type":
      return [invalidTypeProblem(issue, { path, root, fullPath })];
    case "not_multiple_of":
      return at(
        `${label} must be a whole number, got ${shownValue(input, fullPath)}`,
        rangeRemedy(schemaAt(root, path)),
      );
    case "too_small":
    case "too_big":
      return at(...sizeProblem(issue, label, shownValue(input, fullPath), schemaAt(root, path)));
    case "invalid_value": {
      const values = issue.values.map((value) => showValue(value));
      const suggestion = typeof input === "string" ? closest(input, issue.values.map(String)) : undefined;
      return at(
        `${label} must be ${listWithOr(values)}, got ${shownValue(input, fullPath)}`,
        suggestion === undefined
          ? `use one of ${values.join(", ")}`
          : `did you mean ${JSON.stringify(suggestion)}?`,
      );
    }
    case "invalid_format":
      return at(
        `${label} ${shownValue(input, fullPath)} is not in the expected format`,
        `write it like${exampleFor(root, path)}`,
      );
    default:
      return at(`${label}: ${issue.message}`, undefined);
  }
}

/** One problem per unknown key, suggesting the nearest known field when one is close. */
function unknownFieldProblems(keys: readonly string[], known: string[], fullPath: Path): PathProblem[] {
  return keys.map((key) => {
    const suggestion = closest(key, known);
    const where = fullPath.length === 0 ? "" : ` in ${fieldLabel(fullPath)}`;
    return {
      path: [...fullPath, key],
      message: `unknown field ${JSON.stringify(key)}${where}`,
      remedy:
        suggestion === undefined
          ? `remove it; the fields here are ${known.join(", ")}`
          : `did you mean ${JSON.stringify(suggestion)}?`,
    };
  });
}

/** A missing field, a non-mapping config, or a value of the wrong type, each with the fix it needs. */
function invalidTypeProblem(
  issue: z.core.$ZodIssueInvalidType,
  where: { path: Path; root: z.ZodType; fullPath: Path },
): PathProblem {
  const { path, root, fullPath } = where;
  const at = (message: string, remedy: string | undefined): PathProblem => ({
    path: fullPath,
    message,
    remedy,
  });
  const label = fieldLabel(fullPath);
  const input: unknown = issue.input;
  if (fullPath.length === 0) {
    return at(
      `the config must be a mapping, got ${shownValue(input, fullPath)}`,
      'write app: and jobs: at the top level; "flexjob init" writes a starter flexjob.yml',
    );
  }
  if (input === undefined)
    return at(`${label} is required`, `add ${lastKey(fullPath)}${exampleFor(root, path)}`);
  if (issue.expected === "int") {
    return at(
      `${label} must be a whole number, got ${shownValue(input, fullPath)}`,
      rangeRemedy(schemaAt(root, path)),
    );
  }
  const expected = typeWords(issue.expected);
  return at(
    `${label} must be ${expected}, got ${shownValue(input, fullPath)}`,
    `write ${lastKey(fullPath)} as ${expected}${exampleFor(root, path)}`,
  );
}

/**
 * A union reports every branch's issues. When the value had the type of one branch, that branch's
 * issues are the ones that matter ("must be at most 1440", not "must be a string"); when it had
 * the type of none, the problem is its type.
 */
function unionProblems(
  issue: z.core.$ZodIssueInvalidUnion,
  path: Path,
  root: z.ZodType,
  base: Path,
  label: string,
): PathProblem[] {
  const isTypeMismatch = (each: Issue) =>
    each.code === "invalid_type" && each.expected !== "int" && each.path.length === 0;
  const union = unwrap(schemaAt(root, path));
  const options = union instanceof z.ZodUnion ? (union.options as readonly z.ZodType[]) : [];
  const branch = issue.errors.findIndex((errors) => errors.length > 0 && !errors.every(isTypeMismatch));
  const option = options[branch];
  const branchIssues = issue.errors[branch];
  if (branch !== -1 && option && branchIssues) {
    return branchIssues.flatMap((each) =>
      problemsFromIssue(each, toPath(each.path), option, [...base, ...path]),
    );
  }
  const expected = issue.errors.flatMap((errors) =>
    errors.flatMap((each) =>
      each.code === "invalid_type"
        ? [each.expected === "boolean" ? "a boolean" : typeWords(each.expected)]
        : [],
    ),
  );
  const fullPath = [...base, ...path];
  const input: unknown = issue.input;
  const words = listWithOr([...new Set(expected)]);
  if (input === undefined) {
    return [
      {
        path: fullPath,
        message: `${label} is required`,
        remedy: `add ${lastKey(fullPath)}${exampleFor(root, path)}`,
      },
    ];
  }
  return [
    {
      path: fullPath,
      message: `${label} must be ${words}, got ${shownValue(input, fullPath)}`,
      remedy: `write ${lastKey(fullPath)} as ${words}${exampleFor(root, path)}`,
    },
  ];
}

function sizeProblem(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  label: string,
  shown: string,
  schema: z.ZodType | undefined,
): [string, string] {
  const input: unknown = issue.input;
  if (issue.origin === "number" || issue.origin === "int") {
    const range = numberRange(schema);
    const remedy = rangeRemedy(schema);
    if (range) return [`${label} must be ${range}, got ${shown}`, remedy];
    const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
    return [`${label} must be ${bound}, got ${shown}`, remedy];
  }
  const count = Array.isArray(input) ? input.length : typeof input === "string" ? input.length : undefined;
  const unit = issue.origin === "string" ? "characters" : "entries";
  if (issue.code === "too_small") {
    return Number(issue.minimum) === 1
      ? [`${label} is empty`, `give at least one value, or leave ${label} out`]
      : [`${label} has ${count} ${unit}; the minimum is ${issue.minimum}`, `give at least ${issue.minimum}`];
  }
  return [`${label} has ${count} ${unit}; the limit is ${issue.maximum}`, `give at most ${issue.maximum}`];
}

function numberRange(schema: z.ZodType | undefined): string | undefined {
  const number = findNumber(schema);
  if (!number || number.minValue === null || number.maxValue === null) return undefined;
  return `${number.isInt ? "a whole number" : "a number"} from ${number.minValue} to ${number.maxValue}`;
}

function rangeRemedy(schema: z.ZodType | undefined): string {
  const range = numberRange(schema);
  return range ? `use ${range}` : "use a whole number";
}

function findNumber(schema: z.ZodType | undefined): z.ZodNumber | undefined {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodNumber) return inner;
  if (inner instanceof z.ZodUnion) {
    for (const option of inner.options as readonly z.ZodType[]) {
      const found = findNumber(option);
      if (found) return found;
    }
  }
  return undefined;
}

function typeWords(expected: string): string {
  switch (expected) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "int":
      return "a whole number";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
    case "record":
      return "a mapping";
    default:
      return expected;
  }
}

/** `retry.attempts` within a job, `network.subnets[0]` at the top; the job name is in the path. */
export function fieldLabel(path: Path): string {
  const relative = path[0] === "jobs" && path.length > 2 ? path.slice(2) : path;
  if (relative.length === 0) return "the config";
  if (path[0] === "jobs" && path.length === 2) return `job ${JSON.stringify(String(path[1]))}`;
  return relative
    .map((segment, index) =>
      typeof segment === "number" ? `[${segment}]` : index === 0 ? segment : `.${segment}`,
    )
    .join("");
}

/** `jobs.nightly.retry.attempts`, `network.subnets.0`: the dotted path of FieldIssue. */
export function dottedPath(path: Path): string {
  return path.map(String).join(".");
}

function lastKey(path: Path): string {
  const key = [...path].reverse().find((segment) => typeof segment === "string");
  return key ?? "a value";
}

// ---------------------------------------------------------------------------------------------
// Reading the schema back: which keys an object takes, and the documented example of a field.

/** Looks through wrappers (optional, default, prefault, nullable) and transforms to the input schema. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let next = current && unwrapOnce(current); next; next = unwrapOnce(next)) current = next;
  return current;
}

function child(schema: z.ZodType | undefined, key: string | number): z.ZodType | undefined {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return (inner.shape as Record<string, z.ZodType>)[String(key)];
  if (inner instanceof z.ZodRecord) return inner.valueType as z.ZodType;
  if (inner instanceof z.ZodArray) return inner.element as z.ZodType;
  if (inner instanceof z.ZodUnion) {
    for (const option of inner.options as readonly z.ZodType[]) {
      const found = child(option, key);
      if (found) return found;
    }
  }
  return undefined;
}

/** The schema of the field at `path` (input paths, as in zod issues), or undefined off the schema. */
export function schemaAt(root: z.ZodType, path: Path): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const segment of path) current = child(current, segment);
  return current;
}

function objectKeys(schema: z.ZodType | undefined): string[] {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

/** The first documented example of a field, found on the field or any wrapper of it. */
function exampleOf(schema: z.ZodType | undefined): unknown {
  let current = schema;
  while (current) {
    const examples = current.meta()?.examples;
    if (Array.isArray(examples) && examples.length > 0) return examples[0];
    current = unwrapOnce(current);
  }
  return undefined;
}

function unwrapOnce(schema: z.ZodType): z.ZodType | undefined {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodReadonly
  ) {
    return schema.unwrap() as z.ZodType;
  }
  if (schema instanceof z.ZodPipe) return schema.in as z.ZodType;
  return undefined;
}

function exampleFor(root: z.ZodType, path: Path): string {
  const example = exampleOf(schemaAt(root, path));
  if (example === undefined) return "";
  return `, e.g. ${lastKey(path)}: ${JSON.stringify(example)}`;
}

// ---------------------------------------------------------------------------------------------
// "did you mean"

/** The candidate within a small edit distance of `word` (case-insensitive), if there is one. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const wanted = word.toLowerCase();
  const allowed = wanted.length >= 9 ? 3 : 2;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    // Fewer edits than the shorter word has letters: "a" is not a typo of "app".
    if (distance < bestDistance && distance < Math.min(wanted.length, candidate.length)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, with an adjacent transposition counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(distance);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? Number.POSITIVE_INFINITY;
}
