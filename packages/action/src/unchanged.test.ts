import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AwsClients, DeployRecord } from "@flexjob/sdk/record";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ActionInputs } from "./inputs.js";
import { SecretMask } from "./secrets.js";
import { firstStep, namesKnownJobs, recordKey } from "./unchanged.js";

const CONFIG =
  "app: shop\nregion: eu-west-1\njobs:\n  report:\n    image: alpine:3\n    schedule: rate(1 hour)\n";

const inputs: ActionInputs = {
  config: undefined,
  jobs: undefined,
  rootDirectory: ".",
  dryRun: false,
  prune: false,
  runNow: false,
  wait: true,
  verify: false,
  inline: undefined,
};

/** Stands in for dist/index.js, the file whose bytes name a build of the Action. */
const BUILD = new URL(import.meta.url).pathname;

describe("recordKey", () => {
  const read = { raw: { app: "shop", jobs: { report: { image: "alpine:3" } } }, file: "flexjob.yml" };
  const key = (
    overrides: Partial<ActionInputs> = {},
    changes: Partial<typeof read> = {},
    ref = "main",
    region = "eu-west-1",
    build = BUILD,
  ) => recordKey({ ...inputs, ...overrides }, { ...read, ...changes }, { ref, region, build });

  it("covers the build, the config as data, its file, the inputs that shape a deploy, the branch and the region", async () => {
    const base = await key();
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(await key()).toBe(base);
    const others = await Promise.all([
      key({}, { raw: { app: "shop", jobs: { report: { image: "alpine:3.21" } } } }),
      key({}, { file: "apps/shop/flexjob.yml" }),
      key({ prune: true }),
      key({ jobs: ["report"] }),
      key({ rootDirectory: "apps" }),
      key({}, {}, "staging"),
      key({}, {}, "main", "us-east-1"),
      key({}, {}, "main", "eu-west-1", new URL("./unchanged.ts", import.meta.url).pathname),
    ]);
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it("leaves out what only shapes the run: dry-run, run-now, wait and verify", async () => {
    const base = await key();
    expect(await key({ dryRun: true, runNow: true, wait: false, verify: true })).toBe(base);
  });
});

describe("namesKnownJobs", () => {
  it("is a map of jobs holding every job the jobs input names", () => {
    const raw = {
      app: "shop",
      jobs: { report: { image: "alpine:3" }, cleanup: { source: { rootDir: "." } } },
    };
    expect(namesKnownJobs(raw, undefined)).toBe(true);
    expect(namesKnownJobs(raw, ["report", "cleanup"])).toBe(true);
    expect(namesKnownJobs(raw, ["reprot"])).toBe(false);
    expect(namesKnownJobs({ app: "shop", jobs: [] }, undefined)).toBe(false);
    expect(namesKnownJobs("app: shop", undefined)).toBe(false);
  });
});

describe("firstStep", () => {
  let workspace: string;
  let sent: unknown[];
  let answer: () => Promise<unknown>;
  const clients = () =>
    ({
      region: "eu-west-1",
      ssm: {
        send: async (command: unknown) => {
          sent.push(command);
          return answer();
        },
      },
    }) as unknown as AwsClients;
  const world = () => ({
    env: { GITHUB_WORKSPACE: workspace, GITHUB_EVENT_NAME: "push", GITHUB_REF_NAME: "main" },
    build: BUILD,
    clients,
    now: () => new Date("2026-12-07T10:00:00Z"),
  });
  const record = (key: string): DeployRecord => ({
    key,
    at: "2026-12-06T10:00:00Z",
    app: "shop",
    region: "eu-west-1",
    accountId: "123456789012",
    jobs: [{ name: "report", image: "alpine:3", scheduleArns: [] }],
  });
  const stored = (value: DeployRecord) => async () => ({
    Parameter: { Value: JSON.stringify({ format: 1, ...value }) },
  });

  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), "flexjob-first-step-"));
    await writeFile(join(workspace, "flexjob.yml"), CONFIG);
    sent = [];
    answer = async () => {
      throw Object.assign(new Error("Parameter not found"), { name: "ParameterNotFound", $metadata: {} });
    };
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await rm(workspace, { recursive: true, force: true });
  });

  const keyOfThisRun = async () => {
    const first = await firstStep(world(), new SecretMask(() => {}));
    if (first.skipped) throw new Error("skipped with no record");
    return first.check.key ?? "";
  };

  it("with no record, reads once and hands the deploy its key", async () => {
    const first = await firstStep(world(), new SecretMask(() => {}));
    expect(first).toEqual({
      skipped: false,
      check: { key: expect.stringMatching(/^[0-9a-f]{64}$/), record: undefined, read: expect.anything() },
    });
    expect(sent).toHaveLength(1);
    // What it read goes to the full run, which does not read it again.
    if (first.skipped) throw new Error("skipped with no record");
    expect(first.check.read?.inputs.verify).toBe(false);
    expect(first.check.read?.config).toMatchObject({ file: "flexjob.yml", raw: { app: "shop" } });
  });

  it("with a record of another key, hands the deploy that record", async () => {
    answer = stored(record("another"));
    const first = await firstStep(world(), new SecretMask(() => {}));
    expect(first).toMatchObject({ skipped: false, check: { record: { key: "another" } } });
  });

  it("with the record of this run's key, is answered; run-now and verify still deploy", async () => {
    const key = await keyOfThisRun();
    answer = stored(record(key));
    vi.stubEnv("GITHUB_OUTPUT", "");
    expect(await firstStep(world(), new SecretMask(() => {}))).toEqual({ skipped: true });
    for (const input of ["INPUT_RUN-NOW", "INPUT_VERIFY"]) {
      vi.stubEnv(input, "true");
      expect(await firstStep(world(), new SecretMask(() => {}))).toMatchObject({
        skipped: false,
        check: { key },
      });
      vi.unstubAllEnvs();
    }
  });

  it("reads nothing on a pull request, and goes on in full when the record cannot be read", async () => {
    const plan = await firstStep(
      { ...world(), env: { ...world().env, GITHUB_EVENT_NAME: "pull_request" } },
      new SecretMask(() => {}),
    );
    expect(plan).toEqual({
      skipped: false,
      check: { key: undefined, record: undefined, read: expect.anything() },
    });
    expect(sent).toEqual([]);

    answer = async () => {
      throw Object.assign(new Error("not authorized to perform: ssm:GetParameter"), {
        name: "AccessDeniedException",
        $metadata: {},
      });
    };
    const denied = await firstStep(world(), new SecretMask(() => {}));
    expect(denied).toMatchObject({ skipped: false, check: { key: expect.any(String), record: undefined } });
    expect(vi.mocked(process.stdout.write).mock.calls.map(([text]) => String(text))).toContain(
      "deploy record /flexjob/shop/last-deploy not read (AccessDeniedException): checking every resource\n",
    );
  });

  it("leaves a config it cannot read, or a jobs input naming a job it lacks, to the full run without a call", async () => {
    vi.stubEnv("INPUT_JOBS", "reprot");
    expect(await firstStep(world(), new SecretMask(() => {}))).toEqual({
      skipped: false,
      check: { key: undefined, record: undefined, read: expect.anything() },
    });
    vi.unstubAllEnvs();
    // A config it cannot read is read again, and reported, by the full run.
    await writeFile(join(workspace, "flexjob.yml"), "app: shop\njobs: [\n");
    expect(await firstStep(world(), new SecretMask(() => {}))).toEqual({
      skipped: false,
      check: { key: undefined, record: undefined },
    });
    expect(sent).toEqual([]);
  });
});
