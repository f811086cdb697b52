/**
 * The Action in-process (`run()` then `reportFailure`, as index.ts chains them) with secrets typed
 * into the config: every secret is masked (`::add-mask::`) before the first other line, and none
 * appears in the log, an annotation, the outputs or the job summary.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildImageResolver, createClients } from "@flexjob/sdk";
import { type FakeAws, startFakeAws } from "fake-aws";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { reportFailure } from "../src/report-failure.js";
import { type ActionWorld, run } from "../src/run.js";

const SECRET = "hunter2";

/** The configs of the examples, by scenario name. */
const CONFIGS = {
  "a secret typed where its ARN belongs": `app: shop
region: eu-west-1
jobs:
  report:
    image: public.ecr.aws/docker/library/busybox:1.37
    schedule: rate(1 hour)
    secrets:
      DB_PASSWORD: ${SECRET}
`,
  "a secret-named env value of the wrong type": `app: shop
region: eu-west-1
jobs:
  report:
    image: public.ecr.aws/docker/library/busybox:1.37
    schedule: rate(1 hour)
    env:
      API_TOKEN: [${SECRET}]
`,
  "a URL password in a wrong-typed env value and in an invalid command": `app: shop
region: eu-west-1
jobs:
  report:
    image: public.ecr.aws/docker/library/busybox:1.37
    schedule: rate(1 hour)
    command: ""
    tasks: "psql postgres+psycopg://app:${SECRET}@db/app"
    env:
      CACHE: [redis://:${SECRET}@cache:6379]
`,
} as const;

const VALID = `app: shop
region: eu-west-1
jobs:
  report:
    image: public.ecr.aws/docker/library/busybox:1.37
    schedule: rate(1 hour)
    command: ["sh", "-c", "psql mongodb+srv://admin:${SECRET}@cluster0.example.net"]
    env:
      CACHE_URL: redis://:${SECRET}@cache:6379
      DATABASE_URL: postgres+psycopg://app:${SECRET}@db/app
`;

let runner: string;
let stdout: string[];
let aws: FakeAws;

beforeAll(async () => {
  runner = await mkdtemp(join(tmpdir(), "flexjob-action-secrets-"));
  aws = await startFakeAws({ region: "eu-west-1", clock: { start: "2026-12-05T00:00:00Z" } });
});
afterAll(async () => {
  await aws.close();
  await rm(runner, { recursive: true, force: true });
});

beforeEach(async () => {
  // @actions/core caches the summary file's path, so every test writes to the same two files.
  await writeFile(join(runner, "output"), "");
  await writeFile(join(runner, "summary"), "");
  stdout = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

async function runStep(config: string, inputs: Record<string, string> = {}) {
  const workspace = await mkdtemp(join(runner, "checkout-"));
  await writeFile(join(workspace, "flexjob.yml"), config);
  const env: Record<string, string> = {
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: join(runner, "output"),
    GITHUB_STEP_SUMMARY: join(runner, "summary"),
    GITHUB_EVENT_NAME: "push",
    GITHUB_REF_NAME: "main",
    GITHUB_REPOSITORY: "octo/shop",
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
  const world: ActionWorld = {
    env: process.env,
    clients: (region) => createClients({ region, endpoint: aws.url }),
    now: () => new Date("2026-12-05T00:00:00Z"),
    sleep: async () => {},
    imageResolver: (configDir) => buildImageResolver({ configDir }),
  };
  await run(world).catch(reportFailure);
  const lines = stdout.join("").split("\n");
  const masks = lines.filter((line) => line.startsWith("::add-mask::"));
  const firstOther = lines.findIndex((line) => line !== "" && !line.startsWith("::add-mask::"));
  const lastMask = lines.findLastIndex((line) => line.startsWith("::add-mask::"));
  const shown = lines.filter((line) => !line.startsWith("::add-mask::")).join("\n");
  return {
    masks,
    masksFirst: firstOther === -1 || lastMask < firstOther,
    shown,
    outputs: await readFile(join(runner, "output"), "utf8"),
    summary: await readFile(join(runner, "summary"), "utf8"),
  };
}

describe("a config with a secret in it fails without printing the secret", () => {
  it.each(Object.entries(CONFIGS))("%s", async (_, config) => {
    const step = await runStep(config);
    expect(step.masks).toContain(`::add-mask::${SECRET}`);
    expect(step.masksFirst).toBe(true);
    // An annotation on the config's line, a failed step, a summary: none with the secret.
    expect(step.shown).toMatch(/^::error title=flexjob%3A jobs\.report\.[^,]+,file=flexjob\.yml,line=\d+/m);
    expect(step.shown).toContain("::error::flexjob: flexjob.yml has");
    expect(step.summary).toContain("## flexjob failed");
    for (const text of [step.shown, step.outputs, step.summary]) expect(text).not.toContain(SECRET);
  });
});

describe("a valid config with URL passwords in env and the command", () => {
  it("masks each password before the first line, and the plan, outputs and summary never hold one", async () => {
    const step = await runStep(VALID, { "dry-run": "true" });
    expect(step.masksFirst).toBe(true);
    expect(step.masks).toEqual(
      expect.arrayContaining([
        `::add-mask::redis://:${SECRET}@cache:6379`,
        `::add-mask::${SECRET}`,
        `::add-mask::postgres+psycopg://app:${SECRET}@db/app`,
      ]),
    );
    expect(step.shown).toContain("::group::Plan");
    expect(step.outputs).toContain("plan<<");
    expect(step.summary).toContain("## flexjob: shop in eu-west-1");
    expect(step.shown).not.toContain("::error");
    for (const text of [step.shown, step.outputs, step.summary]) expect(text).not.toContain(SECRET);
  });
});
