import * as core from "@actions/core";
import { type FieldIssue, FlexjobError } from "@flexjob/sdk/record";

/**
 * The inputs of one job given in the workflow instead of a config file. Values are as written
 * (text); the same zod schema that checks flexjob.yml checks them once they are assembled into a
 * config (see inline-config.ts).
 */
export interface InlineJobInputs {
  app: string | undefined;
  region: string | undefined;
  name: string | undefined;
  schedule: string | undefined;
  image: string | undefined;
  command: string | undefined;
  cpu: string | undefined;
  memory: string | undefined;
  storage: string | undefined;
  arch: string | undefined;
  tasks: string | undefined;
  timezone: string | undefined;
  env: Record<string, string> | undefined;
  secrets: Record<string, string> | undefined;
}

/** Every input of action.yml, typed, with every default applied. */
export interface ActionInputs {
  /** Config file relative to rootDirectory; undefined means flexjob.yml, .yaml or .json there. */
  config: string | undefined;
  /** Only these jobs; undefined means every job whose `branch` matches. */
  jobs: string[] | undefined;
  /** Folder, relative to the workspace, the config is looked up in. */
  rootDirectory: string;
  dryRun: boolean;
  prune: boolean;
  runNow: boolean;
  wait: boolean;
  /** Read every resource even when the deploy record matches this run. */
  verify: boolean;
  /** Set when the job is given by inputs rather than by a config file. */
  inline: InlineJobInputs | undefined;
}

/** What the defaults depend on besides the inputs. */
export interface InputContext {
  /** GITHUB_EVENT_NAME. */
  eventName: string | undefined;
}

/** Events whose runs only plan: they run code from a branch nobody has merged yet. */
export const PLAN_ONLY_EVENTS: readonly string[] = ["pull_request", "pull_request_target"];

/** Inline inputs that are fields of the job itself, named as in flexjob.yml. */
export const INLINE_JOB_FIELDS = [
  "schedule",
  "image",
  "command",
  "cpu",
  "memory",
  "storage",
  "arch",
  "tasks",
  "timezone",
] as const;

/** The inline job inputs, in the order action.yml lists them. */
export const INLINE_INPUTS = ["app", "region", "name", ...INLINE_JOB_FIELDS, "env", "secrets"] as const;

export type InlineInputName = (typeof INLINE_INPUTS)[number];

/** Every input action.yml declares. */
export const INPUT_NAMES: ReadonlySet<string> = new Set([
  "config",
  "jobs",
  "root-directory",
  "dry-run",
  "prune",
  "run-now",
  "wait",
  "verify",
  ...INLINE_INPUTS,
]);

const TRUE = ["true", "True", "TRUE"];
const FALSE = ["false", "False", "FALSE"];

/**
 * Reads every input of the step — the one place that calls `core.getInput` — turning `""` (an
 * input not given) into undefined, applying the defaults and checking what can be checked
 * without the config. Throws one `INPUT_INVALID` FlexjobError listing every bad input, each
 * issue's path the input's name.
 */
export function readInputs(context: InputContext): ActionInputs {
  const issues: FieldIssue[] = [];
  const text = (name: string): string | undefined => {
    const value = core.getInput(name);
    return value === "" ? undefined : value;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const value = text(name);
    if (value === undefined) return fallback;
    if (TRUE.includes(value)) return true;
    if (FALSE.includes(value)) return false;
    issues.push({
      path: name,
      message: `input ${name} must be true or false, got ${JSON.stringify(value)}`,
      remedy: `write ${name}: true or ${name}: false, or leave it out (default ${fallback})`,
    });
    return fallback;
  };
  const pairs = (name: "env" | "secrets", valueWord: string): Record<string, string> | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = parsePairs(value, name, valueWord);
    issues.push(...parsed.issues);
    return parsed.pairs;
  };

  const inline: InlineJobInputs = {
    app: text("app"),
    region: text("region"),
    name: text("name"),
    schedule: text("schedule"),
    image: text("image"),
    command: text("command"),
    cpu: text("cpu"),
    memory: text("memory"),
    storage: text("storage"),
    arch: text("arch"),
    tasks: text("tasks"),
    timezone: text("timezone"),
    env: pairs("env", "value"),
    secrets: pairs("secrets", "arn"),
  };
  const given = INLINE_INPUTS.filter((name) => inline[name] !== undefined);
  const config = text("config");
  if (given.length > 0 && config !== undefined) {
    issues.push({
      path: "config",
      message: `input config (${JSON.stringify(config)}) and the inline job inputs (${given.join(", ")}) are both set`,
      remedy: "describe the job either in the config file or with inputs: remove one of them",
    });
  }
  if (given.length > 0 && inline.name === undefined) {
    issues.push({
      path: "name",
      message: `input name is required when the job is given by inputs (${given.join(", ")} are set)`,
      remedy: "set name: to the job's name, e.g. name: nightly-report",
    });
  }

  const plansOnly = context.eventName !== undefined && PLAN_ONLY_EVENTS.includes(context.eventName);
  const inputs: ActionInputs = {
    config,
    jobs: jobList(text("jobs")),
    rootDirectory: text("root-directory") ?? ".",
    dryRun: flag("dry-run", plansOnly),
    prune: flag("prune", false),
    runNow: flag("run-now", false),
    wait: flag("wait", true),
    verify: flag("verify", false),
    inline: given.length > 0 ? inline : undefined,
  };
  if (issues.length > 0) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    throw new FlexjobError(`the step's inputs have ${count}`, {
      code: "INPUT_INVALID",
      remedy: "fix the inputs under with: in the workflow",
      issues,
    });
  }
  return inputs;
}

/** `a, b` or one a line; blanks dropped, duplicates once, order kept. */
function jobList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(/[,\n]/)
    .map((name) => name.trim())
    .filter((name) => name !== "");
  return names.length === 0 ? undefined : [...new Set(names)];
}

/**
 * `KEY=value`, one a line. Blank lines and `#` comments are skipped; the value is everything after
 * the first `=`, so it may contain `=`; whitespace around name and value is trimmed. A bad line is
 * reported by its number only: its content may be a secret.
 */
export function parsePairs(
  value: string,
  input: string,
  valueWord: string,
): { pairs: Record<string, string>; issues: FieldIssue[] } {
  // No prototype: a variable named constructor or __proto__ is a key like any other.
  const pairs: Record<string, string> = Object.create(null);
  const firstLine: Record<string, number> = Object.create(null);
  const issues: FieldIssue[] = [];
  for (const [index, raw] of value.split(/\r?\n/).entries()) {
    const line = raw.trim();
    const number = index + 1;
    if (line === "" || line.startsWith("#")) continue;
    const equals = line.indexOf("=");
    const name = equals === -1 ? "" : line.slice(0, equals).trim();
    if (name === "") {
      issues.push({
        path: input,
        message: `input ${input} line ${number} is not NAME=${valueWord}`,
        remedy: `write one NAME=${valueWord} a line, e.g. ${input === "env" ? "LOG_LEVEL=info" : "DATABASE_URL=arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"}`,
      });
      continue;
    }
    const first = firstLine[name];
    if (first !== undefined) {
      issues.push({
        path: input,
        message: `input ${input} line ${number} sets ${name} again (first set on line ${first})`,
        remedy: `keep one line for ${name}`,
      });
      continue;
    }
    firstLine[name] = number;
    pairs[name] = line.slice(equals + 1).trim();
  }
  return { pairs, issues };
}
