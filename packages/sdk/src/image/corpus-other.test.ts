import { describe, expect, it } from "vitest";
import { CORPUS_OTHER } from "../../test/corpus-other.js";
import { parseDockerfile } from "../../test/dockerfile-parser.js";
import { FlexjobError } from "../errors.js";
import { detectBuildPlan } from "./detect.js";
import { generateDockerfile } from "./generate-dockerfile.js";
import type { BuildPlan } from "./plan.js";
import { memoryRepoFiles } from "./repo-files.js";

type Name = keyof typeof CORPUS_OTHER;

async function planOf(name: Name): Promise<BuildPlan> {
  const repo = CORPUS_OTHER[name];
  return detectBuildPlan(
    "job",
    {},
    {
      files: memoryRepoFiles(repo.files),
      job: "nightly",
      ...("command" in repo ? { command: repo.command } : {}),
    },
  );
}

async function failure(name: Name) {
  try {
    await planOf(name);
  } catch (error) {
    if (!(error instanceof FlexjobError)) throw error;
    return { code: error.code, fault: error.fault, message: error.message, remedy: error.remedy };
  }
  throw new Error(`${name} built, but was expected to be refused`);
}

/** What BuildKit reads from the generated Dockerfile: the plan's start, images and apt packages. */
function checkDockerfile(plan: BuildPlan): void {
  const { instructions } = parseDockerfile(generateDockerfile(plan));
  const cmds = instructions.filter((instruction) => instruction.keyword === "CMD");
  expect(cmds.map((cmd) => cmd.json)).toEqual([plan.startCommand]);
  const args = instructions.filter((instruction) => instruction.keyword === "ARG").map((arg) => arg.args);
  expect(args.filter((arg) => arg.startsWith("BASE_IMAGE="))).toHaveLength(1);
  const installed = instructions
    .filter((instruction) => instruction.keyword === "RUN")
    .flatMap((run) => /--no-install-recommends\s+([^&]*)&&/.exec(run.args)?.[1]?.trim().split(/\s+/) ?? []);
  expect([...new Set(installed)].sort()).toEqual(
    [...new Set([...plan.systemPackages, ...plan.buildPackages])].sort(),
  );
}

describe("corpus: Procfiles, versions and command-only builds (#14 items 4-6)", () => {
  it("Procfile with web and cron: cron runs, with the precedence in a note", async () => {
    const plan = await planOf("procfileWebAndCron");
    expect(plan).toEqual({
      provider: "python",
      language: "Python",
      version: { value: "3.14", source: "default (no version file)" },
      packageManager: { name: "pip", source: "requirements.txt" },
      installCommand: "pip install -r requirements.txt",
      startCommand: ["python", "jobs/nightly.py"],
      startSource: "Procfile cron",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "python:3.14-slim-trixie", runtime: "python:3.14-slim-trixie" },
      notes: [
        "Procfile has cron, web: using cron (precedence cron > clock > scheduler > worker > job > web)",
      ],
      dependencyFiles: ["requirements.txt"],
    } satisfies BuildPlan);
    checkDockerfile(plan);
  });

  it("Procfile with only clock: its script's curl and jq are installed on Debian", async () => {
    const plan = await planOf("procfileClockOnly");
    expect(plan).toEqual({
      provider: "procfile",
      language: "Debian",
      version: { value: "13", source: "default (no version file)" },
      startCommand: ["bin/clock.sh"],
      startSource: "Procfile clock",
      systemPackages: ["ca-certificates", "curl", "jq"],
      buildPackages: [],
      baseImages: { build: "debian:13-slim", runtime: "debian:13-slim" },
      notes: [
        "no language detected: the image is plain Debian with the folder's files and the tools the start command names: ca-certificates (curl uses TLS), curl (curl in bin/clock.sh), jq (jq in bin/clock.sh); add others with APT_PACKAGES",
      ],
      dependencyFiles: [],
    } satisfies BuildPlan);
    checkDockerfile(plan);
  });

  it("Procfile that installs at start and calls npm bin: a warning for each", async () => {
    const plan = await planOf("procfileInstallsAtStart");
    expect(plan).toEqual({
      provider: "procfile",
      language: "Debian",
      version: { value: "13", source: "default (no version file)" },
      startCommand: ["/bin/sh", "-c", "npm install && $(npm bin)/tsx job.ts"],
      startSource: "Procfile worker",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "debian:13-slim", runtime: "debian:13-slim" },
      notes: [
        'warning: Procfile worker runs "npm install" at start: every run installs again and fails when the package registry is unreachable; install in the build instead (the manifest, build arg INSTALL_CMD or APT_PACKAGES) and drop it from the line',
        'warning: Procfile worker uses "npm bin", which npm 9 removed, so the job fails at start: call the tool by name (node_modules/.bin is on PATH in generated Node.js images) or through npx',
        "no language detected: the image is plain Debian with the folder's files; add packages with APT_PACKAGES",
      ],
      dependencyFiles: [],
    } satisfies BuildPlan);
    checkDockerfile(plan);
  });

  it("engines.node 0.12.7 is refused, naming the lines flexjob builds", async () => {
    expect(await failure("enginesNode0127")).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message:
        'Node.js 0.12.7 (package.json engines.node "0.12.7" in job) is older than Node.js 16, the oldest line flexjob builds',
      remedy:
        "ask for a line flexjob can build: 22, 24, 26 (supported), or 16, 18, 19, 20, 21, 23, 25 (ended, built with a note); write it in package.json engines.node or set build arg VERSION",
    });
  });

  it("Python 2.7 from runtime.txt is refused, naming the lines flexjob builds", async () => {
    expect(await failure("python27")).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message: "Python 2.7.18 (runtime.txt in job) is older than Python 3.8, the oldest line flexjob builds",
      remedy:
        "ask for a line flexjob can build: 3.11, 3.12, 3.13, 3.14, 3.15 (supported), or 3.8, 3.9, 3.10 (ended, built with a note); write it in runtime.txt or set build arg VERSION",
    });
  });

  it("shell scripts only, command bin/backup.sh: Debian with the tools the script names", async () => {
    const plan = await planOf("shellBackup");
    expect(plan).toEqual({
      provider: "shell",
      language: "Debian",
      version: { value: "13", source: "default (no version file)" },
      startCommand: ["bin/backup.sh"],
      startSource: "flexjob.yml jobs.nightly.command",
      systemPackages: ["awscli", "ca-certificates", "postgresql-client"],
      buildPackages: [],
      baseImages: { build: "debian:13-slim", runtime: "debian:13-slim" },
      notes: [
        "no language detected: assumed a shell job from jobs.nightly.command, on Debian with bash",
        "installs the tools the command and its scripts name: awscli (aws in bin/backup.sh), ca-certificates (aws uses TLS), postgresql-client (pg_dump in bin/backup.sh); add others with build arg APT_PACKAGES",
      ],
      dependencyFiles: [],
    } satisfies BuildPlan);
    checkDockerfile(plan);
  });

  it("a Deno script without deno.json builds when the command runs deno", async () => {
    const plan = await planOf("denoScript");
    expect(plan).toEqual({
      provider: "deno",
      language: "Deno",
      version: { value: "2", source: "default (no version file)" },
      buildCommand: "deno cache main.ts",
      startCommand: ["deno", "run", "-A", "main.ts"],
      startSource: "flexjob.yml jobs.nightly.command",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "denoland/deno:debian-2.8.2", runtime: "denoland/deno:debian-2.8.2" },
      notes: [
        "no deno.json: assumed a Deno script because jobs.nightly.command runs deno; main.ts's imports are cached at build time",
      ],
      dependencyFiles: [],
    } satisfies BuildPlan);
    checkDockerfile(plan);
  });

  it("requirements.txt alone with the job's command: pip, the command starts", async () => {
    const plan = await planOf("pythonRequirementsOnly");
    expect(plan).toEqual({
      provider: "python",
      language: "Python",
      version: { value: "3.14", source: "default (no version file)" },
      packageManager: { name: "pip", source: "requirements.txt" },
      installCommand: "pip install -r requirements.txt",
      startCommand: ["python", "report.py"],
      startSource: "flexjob.yml jobs.nightly.command",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "python:3.14-slim-trixie", runtime: "python:3.14-slim-trixie" },
      notes: [],
      dependencyFiles: ["requirements.txt"],
    } satisfies BuildPlan);
    checkDockerfile(plan);
  });

  it("Poetry without poetry.lock: poetry install, with a note about the missing lock", async () => {
    const plan = await planOf("poetryWithoutLock");
    expect(plan).toEqual({
      provider: "python",
      language: "Python",
      version: { value: "3.14", source: 'pyproject.toml tool.poetry.dependencies.python "^3.12"' },
      packageManager: { name: "poetry", version: "2.1.3", source: "pyproject.toml [tool.poetry]" },
      installCommand: "poetry install --only main --no-root",
      startCommand: ["python", "main.py"],
      startSource: "main.py",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "python:3.14-slim-trixie", runtime: "python:3.14-slim-trixie" },
      notes: [
        "no lockfile: poetry resolves dependency versions at build time; commit one for reproducible builds",
      ],
      dependencyFiles: ["pyproject.toml"],
    } satisfies BuildPlan);
    checkDockerfile(plan);
  });

  it("go.mod without go.sum: a module without dependencies builds", async () => {
    const plan = await planOf("goWithoutSum");
    expect(plan).toEqual({
      provider: "go",
      language: "Go",
      version: { value: "1.26", source: "go.mod go directive" },
      installCommand: "go mod download",
      buildCommand: 'go build -trimpath -ldflags="-s -w" -o /out/sweeper .',
      startCommand: ["/app/sweeper"],
      startSource: "go.mod main package .",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "golang:1.26-trixie", runtime: "gcr.io/distroless/static-debian13:nonroot" },
      notes: [],
      dependencyFiles: ["go.mod"],
    } satisfies BuildPlan);
    checkDockerfile(plan);
  });
});
