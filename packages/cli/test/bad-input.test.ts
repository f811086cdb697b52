/**
 * Input that used to crash, hang or leak: each is exit 2 with a clear error, never a stack trace,
 * "this is a bug", or a secret from the config.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "flexjob-bad-input-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  return name;
}

function expectCleanFailure(result: { code: number; stdout: string; stderr: string }): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).not.toContain("this is a bug");
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("config files flexjob cannot read", () => {
  it("a FIFO is refused without reading it, so nothing hangs", async () => {
    execFileSync("mkfifo", [join(dir, "pipe.yml")]);
    const result = await runCli(["validate", "--config", "pipe.yml"], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).toBe(
      "error: config file pipe.yml is a named pipe (FIFO), not a file\n  fix: give the path of flexjob.yml itself, e.g. --config apps/report/flexjob.yml\n",
    );
  });

  it("a folder", async () => {
    await mkdir(join(dir, "folder.yml"));
    const result = await runCli(["validate", "--config", "folder.yml"], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).toContain("error: config file folder.yml is a folder, not a file\n");
  });

  it("a symbolic link loop", async () => {
    await symlink("loop-b.yml", join(dir, "loop-a.yml"));
    await symlink("loop-a.yml", join(dir, "loop-b.yml"));
    const result = await runCli(["validate", "--config", "loop-a.yml"], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).toBe(
      "error: config file loop-a.yml is a loop of symbolic links\n  fix: point the link at the real flexjob.yml, or give its path\n",
    );
  });

  it("a path too long for the file system", async () => {
    const result = await runCli(["validate", "--config", `${"a".repeat(5000)}.yml`], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).toMatch(/^error: config file …a+\.yml has a path too long for the file system\n/);
    expect(result.stderr.length).toBeLessThan(300);
  });

  it("a file over the 1 MiB cap", async () => {
    await file("huge.yml", `app: shop\n# ${"x".repeat(1024 * 1024)}\n`);
    const result = await runCli(["validate", "--config", "huge.yml"], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).toContain("error: config file huge.yml is larger than 1 MiB\n");
  });
});

describe("YAML that expands or refers badly", () => {
  it("an alias before its anchor, located, without the alias's name", async () => {
    await file(
      "alias.yml",
      "app: shop\njobs:\n  x:\n    schedule: rate(1 hour)\n    env:\n      DB_PASSWORD: *hunter2\n",
    );
    const result = await runCli(["validate", "--config", "alias.yml"], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).toBe(
      "error: alias.yml:6:20: an alias (*name) comes before its anchor (&name), or has none\n  fix: define the anchor above the first alias that uses it, or quote a value that starts with *\n",
    );
  });

  it("billion laughs: alias expansion is capped", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (const [index, name] of [..."bcdefghij"].entries()) {
      const previous = "abcdefghij"[index];
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
    }
    await file("laughs.yml", `${levels.join("\n")}\n`);
    const result = await runCli(["validate", "--config", "laughs.yml"], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).toContain(
      "error: laughs.yml: aliases expand to too much data (yaml's limit is 100)\n",
    );
  });

  it("nesting deep enough to overflow a parser's stack, and an alias inside its own anchor", async () => {
    await file("deep.yml", `app: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`);
    await file("cycle.yml", "app: shop\njobs: &j\n  x:\n    schedule: rate(1 hour)\n    env: *j\n");
    for (const name of ["deep.yml", "cycle.yml"]) {
      const result = await runCli(["validate", "--config", name], { cwd: dir });
      expectCleanFailure(result);
      expect(result.stderr).toContain(`error: ${name}: nested more than 64 levels deep\n`);
    }
  });
});

describe("names JavaScript objects already have", () => {
  it("a job named constructor and env named toString are valid", async () => {
    await file(
      "constructor.yml",
      "app: shop\njobs:\n  constructor:\n    image: alpine:3\n    schedule: rate(1 hour)\n    env:\n      toString: a\n    secrets:\n      valueOf: arn:aws:ssm:eu-west-1:123456789012:parameter/x\n",
    );
    const result = await runCli(["validate", "--config", "constructor.yml"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^shop: 1 job, all valid\n\nconstructor\n/);
  });

  it("a job named __proto__ or toString is a clear error, not a silently empty config", async () => {
    await file(
      "proto.yml",
      "app: shop\njobs:\n  __proto__:\n    image: alpine:3\n    schedule: rate(1 hour)\n  toString:\n    image: alpine:3\n    schedule: rate(1 hour)\n",
    );
    const result = await runCli(["validate", "--config", "proto.yml"], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).toContain('  proto.yml:3:3 jobs.__proto__: the name "__proto__" is not allowed\n');
    expect(result.stderr).toContain('  proto.yml:6:3 jobs.toString: job name "toString" is not valid');
  });
});

describe("flexjob init", () => {
  it("into a missing folder is a clear error and creates nothing", async () => {
    const result = await runCli(["init", "--config", "missing/deeper/flexjob.yml"], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).toBe(
      "error: cannot write missing/deeper/flexjob.yml: the folder missing/deeper does not exist\n  fix: create it first (mkdir -p missing/deeper), or check the path\n",
    );
    await expect(readFile(join(dir, "missing/deeper/flexjob.yml"))).rejects.toThrow();
  });

  it("onto a folder, even with --force, is a clear error", async () => {
    await mkdir(join(dir, "apps"), { recursive: true });
    const result = await runCli(["init", "--config", "apps", "--force"], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).toBe(
      "error: apps is a folder\n  fix: give the file to write, e.g. --config apps/flexjob.yml\n",
    );
  });
});

describe("secrets typed into the config", () => {
  it("validate names every problem and never prints the secret", async () => {
    await file(
      "secrets.yml",
      [
        "app: shop",
        "jobs:",
        "  report:",
        "    image: alpine:3",
        "    schedule: rate(1 hour)",
        "    secrets:",
        "      DB_PASSWORD: hunter2",
        "    env:",
        "      API_TOKEN: [hunter2]",
        "      CACHE_URL: [redis://:hunter2@cache:6379]",
        "",
      ].join("\n"),
    );
    const result = await runCli(["validate", "--config", "secrets.yml"], { cwd: dir });
    expectCleanFailure(result);
    expect(result.stderr).not.toContain("hunter2");
    expect(result.stderr).toContain(
      "  secrets.yml:7:7 jobs.report.secrets.DB_PASSWORD: the value is not valid: it is not an ARN (the value is not shown, as it may be the secret itself)\n",
    );
    expect(result.stderr).toContain(
      '  secrets.yml:9:7 jobs.report.env.API_TOKEN: env.API_TOKEN must be a string, a number or a boolean, got ["***"]\n',
    );
    expect(result.stderr).toContain(
      '  secrets.yml:10:7 jobs.report.env.CACHE_URL: env.CACHE_URL must be a string, a number or a boolean, got ["***"]\n',
    );
  });

  it("plan --offline shows a URL password in env or a command line as ***", async () => {
    await file(
      "urls.yml",
      [
        "app: shop",
        "region: eu-west-1",
        "jobs:",
        "  report:",
        "    image: alpine:3",
        "    schedule: rate(1 hour)",
        '    command: ["psql", "postgres+psycopg://app:hunter2@db/app"]',
        "    env:",
        "      CACHE_URL: redis://:hunter2@cache:6379",
        "      MONGO: mongodb+srv://admin:hunter2@cluster0.example.net",
        "",
      ].join("\n"),
    );
    for (const json of [[], ["--json"]]) {
      const result = await runCli(["plan", "--offline", "--config", "urls.yml", ...json], { cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain("hunter2");
    }
    const json = await runCli(["plan", "--offline", "--config", "urls.yml", "--json"], { cwd: dir });
    expect(json.stdout).toContain('"postgres+psycopg://app:***@db/app"');
  });
});
