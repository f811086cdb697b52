import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfigText } from "@flexjob/sdk";
import { describe, expect, it } from "vitest";
import { INPUT_NAMES } from "../src/inputs.js";
import { REPO_ROOT } from "./harness.js";

const dir = join(REPO_ROOT, "examples/workflows");

interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
}

describe.each(readdirSync(dir).filter((name) => name.endsWith(".yml")))("examples/workflows/%s", (name) => {
  const { raw } = parseConfigText(readFileSync(join(dir, name), "utf8"), name);
  const workflow = raw as Workflow;
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it("uses flexjob after configure-aws-credentials, with inputs action.yml declares", () => {
    const uses = steps.map((step) => step.uses ?? "");
    const flexjob = uses.indexOf("flexjob/flexjob@v1");
    expect(flexjob).toBeGreaterThan(uses.indexOf("aws-actions/configure-aws-credentials@v4"));
    expect(uses.indexOf("aws-actions/configure-aws-credentials@v4")).toBeGreaterThan(-1);
    const given = Object.keys(steps[flexjob]?.with ?? {});
    expect(given.filter((input) => !INPUT_NAMES.has(input))).toEqual([]);
  });

  it("asks for an OIDC token and read access only", () => {
    expect(workflow.permissions).toEqual({ "id-token": "write", contents: "read" });
  });
});

describe("packages/action/README.md", () => {
  it("documents every input and output action.yml declares", () => {
    const readme = readFileSync(join(REPO_ROOT, "packages/action/README.md"), "utf8");
    const { raw } = parseConfigText(readFileSync(join(REPO_ROOT, "action.yml"), "utf8"), "action.yml");
    const { outputs } = raw as { outputs: Record<string, unknown> };
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]);
    expect(new Set(rows)).toEqual(new Set([...INPUT_NAMES, ...Object.keys(outputs)]));
  });
});
