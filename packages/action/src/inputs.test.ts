import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { FlexjobError, parseConfigText } from "@flexjob/sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ActionInputs, INPUT_NAMES, type InputContext, readInputs } from "./inputs.js";

/** Sets the step's inputs as the runner does: `INPUT_` + the name upper-cased, hyphens kept. */
function withInputs(inputs: Record<string, string>): void {
  for (const name of INPUT_NAMES) vi.stubEnv(`INPUT_${name.toUpperCase()}`, undefined);
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
}

function read(inputs: Record<string, string>, context: InputContext = { eventName: "push" }): ActionInputs {
  withInputs(inputs);
  return readInputs(context);
}

/** The error readInputs throws for these inputs. */
function failure(inputs: Record<string, string>): FlexjobError {
  try {
    read(inputs);
  } catch (error) {
    if (error instanceof FlexjobError) return error;
    throw error;
  }
  throw new Error("readInputs accepted the inputs");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("readInputs defaults", () => {
  it("with no input on a push: config file mode, every job, deploy for real, no prune, no run", () => {
    expect(read({})).toEqual({
      config: undefined,
      jobs: undefined,
      rootDirectory: ".",
      dryRun: false,
      prune: false,
      runNow: false,
      wait: true,
      verify: false,
      inline: undefined,
    });
  });

  it("an input set to the empty string counts as not given", () => {
    expect(read({ config: "", jobs: "", "root-directory": "", "dry-run": "", schedule: "" })).toEqual(
      read({}),
    );
  });

  it("dry-run defaults to true on pull_request and pull_request_target events", () => {
    expect(read({}, { eventName: "pull_request" }).dryRun).toBe(true);
    expect(read({}, { eventName: "pull_request_target" }).dryRun).toBe(true);
    expect(read({}, { eventName: "workflow_dispatch" }).dryRun).toBe(false);
    expect(read({}, { eventName: undefined }).dryRun).toBe(false);
  });

  it("an explicit dry-run: false deploys even on a pull request", () => {
    expect(read({ "dry-run": "false" }, { eventName: "pull_request" }).dryRun).toBe(false);
  });

  it("action.yml states the same static defaults readInputs applies", () => {
    const text = readFileSync(resolve(import.meta.dirname, "../../../action.yml"), "utf8");
    const { raw } = parseConfigText(text, "action.yml");
    const declared = (raw as { inputs: Record<string, { default?: string; description: string }> }).inputs;
    expect(new Set(Object.keys(declared))).toEqual(INPUT_NAMES);
    const defaults = Object.fromEntries(
      Object.entries(declared).flatMap(([name, input]) =>
        input.default === undefined ? [] : [[name, input.default]],
      ),
    );
    expect(defaults).toEqual({
      "root-directory": ".",
      prune: "false",
      "run-now": "false",
      wait: "true",
      verify: "false",
    });
    // What the runner passes when the workflow sets nothing reads as readInputs' own defaults.
    expect(read(defaults)).toEqual(read({}));
    for (const [name, input] of Object.entries(declared)) expect(input.description, name).toMatch(/\S/);
  });
});

describe("readInputs booleans", () => {
  it.each([
    ["true", true],
    ["True", true],
    ["TRUE", true],
    ["false", false],
    ["False", false],
    ["FALSE", false],
  ])("reads %s as %s", (text, value) => {
    expect(read({ prune: text, "run-now": text, wait: text, "dry-run": text, verify: text })).toMatchObject({
      prune: value,
      runNow: value,
      wait: value,
      dryRun: value,
      verify: value,
    });
  });

  it("rejects a value that is not true or false, naming the input and the value", () => {
    const error = failure({ prune: "yes" });
    expect(error.code).toBe("INPUT_INVALID");
    expect(error.issues).toEqual([
      {
        path: "prune",
        message: 'input prune must be true or false, got "yes"',
        remedy: "write prune: true or prune: false, or leave it out (default false)",
      },
    ]);
  });

  it("reports every bad input at once", () => {
    const error = failure({ "dry-run": "1", wait: "no", verify: "always" });
    expect(error.message).toBe("the step's inputs have 3 problems");
    expect(error.issues.map((issue) => issue.path)).toEqual(["dry-run", "wait", "verify"]);
    expect(error.issues.at(-1)).toEqual({
      path: "verify",
      message: 'input verify must be true or false, got "always"',
      remedy: "write verify: true or verify: false, or leave it out (default false)",
    });
  });
});

describe("readInputs jobs", () => {
  it("splits on commas and newlines, trims, drops blanks and repeats", () => {
    expect(read({ jobs: "report, cleanup\n\n  sync \nreport," }).jobs).toEqual(["report", "cleanup", "sync"]);
  });

  it("a list of only separators is no list", () => {
    expect(read({ jobs: " , \n" }).jobs).toBeUndefined();
  });
});

describe("readInputs env and secrets", () => {
  const inline = { app: "shop", name: "report", schedule: "@daily", image: "alpine:3" };

  it("reads NAME=value lines; a value keeps its own = signs; blanks and # comments are skipped", () => {
    const inputs = read({
      ...inline,
      env: "LOG_LEVEL=info\n\n# a comment\nQUERY = a=b&c=d \nEMPTY=",
      secrets: "DB_URL=arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/db-AbCdEf",
    });
    expect(inputs.inline?.env).toEqual({ LOG_LEVEL: "info", QUERY: "a=b&c=d", EMPTY: "" });
    expect(inputs.inline?.secrets).toEqual({
      DB_URL: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/db-AbCdEf",
    });
  });

  it("reads Windows line endings", () => {
    expect(read({ ...inline, env: "A=1\r\nB=2\r\n" }).inline?.env).toEqual({ A: "1", B: "2" });
  });

  it("rejects a line without NAME=, naming the input and the line but not its content", () => {
    const error = failure({ ...inline, env: "LOG_LEVEL=info\nsupersecretvalue\n=nothing" });
    expect(error.issues).toEqual([
      {
        path: "env",
        message: "input env line 2 is not NAME=value",
        remedy: "write one NAME=value a line, e.g. LOG_LEVEL=info",
      },
      {
        path: "env",
        message: "input env line 3 is not NAME=value",
        remedy: "write one NAME=value a line, e.g. LOG_LEVEL=info",
      },
    ]);
    expect(JSON.stringify(error.issues)).not.toContain("supersecretvalue");
  });

  it("rejects a name set twice, naming both lines", () => {
    const error = failure({ ...inline, secrets: "A=arn:one\nA=arn:two" });
    expect(error.issues).toEqual([
      {
        path: "secrets",
        message: "input secrets line 2 sets A again (first set on line 1)",
        remedy: "keep one line for A",
      },
    ]);
  });
});

describe("readInputs inline job or config file", () => {
  it("any inline job input selects inline mode, every inline input kept as text", () => {
    const inputs = read({
      app: "shop",
      region: "eu-west-1",
      name: "report",
      schedule: "every day at 03:30",
      image: "public.ecr.aws/docker/library/busybox:1.37",
      command: "sh -c 'echo hi'",
      cpu: "1",
      memory: "2 GiB",
      storage: "30",
      arch: "arm64",
      tasks: "2",
      timezone: "Europe/Berlin",
      env: "LOG_LEVEL=info",
    });
    expect(inputs.config).toBeUndefined();
    expect(inputs.inline).toEqual({
      app: "shop",
      region: "eu-west-1",
      name: "report",
      schedule: "every day at 03:30",
      image: "public.ecr.aws/docker/library/busybox:1.37",
      command: "sh -c 'echo hi'",
      cpu: "1",
      memory: "2 GiB",
      storage: "30",
      arch: "arm64",
      tasks: "2",
      timezone: "Europe/Berlin",
      env: { LOG_LEVEL: "info" },
      secrets: undefined,
    });
  });

  it("without inline inputs the config file is used, under root-directory", () => {
    const inputs = read({ config: "deploy/flexjob.yml", "root-directory": "apps/report" });
    expect(inputs).toMatchObject({
      config: "deploy/flexjob.yml",
      rootDirectory: "apps/report",
      inline: undefined,
    });
  });

  it("rejects inline inputs together with a config file", () => {
    const error = failure({ config: "flexjob.yml", name: "report", schedule: "@daily" });
    expect(error.issues).toEqual([
      {
        path: "config",
        message: 'input config ("flexjob.yml") and the inline job inputs (name, schedule) are both set',
        remedy: "describe the job either in the config file or with inputs: remove one of them",
      },
    ]);
  });

  it("requires name when the job is given by inputs", () => {
    const error = failure({ app: "shop", schedule: "@daily", image: "alpine:3" });
    expect(error.issues).toEqual([
      {
        path: "name",
        message: "input name is required when the job is given by inputs (app, schedule, image are set)",
        remedy: "set name: to the job's name, e.g. name: nightly-report",
      },
    ]);
  });

  it("leaves value checks to the config schema: a bad tasks value reads fine here", () => {
    expect(read({ app: "shop", name: "report", schedule: "@daily", tasks: "99" }).inline?.tasks).toBe("99");
  });
});
