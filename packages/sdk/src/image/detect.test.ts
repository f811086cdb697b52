import { describe, expect, it } from "vitest";
import { FIXTURES, type FixtureName } from "../../test/build-fixtures.js";
import { FlexjobError } from "../errors.js";
import { detectBuildPlan } from "./detect.js";
import type { BuildOverrides, BuildPlan, DetectOptions } from "./plan.js";
import { memoryRepoFiles } from "./repo-files.js";

const detect = (name: FixtureName, overrides: BuildOverrides = {}, options: DetectOptions = {}) =>
  detectBuildPlan(name, overrides, { files: memoryRepoFiles(FIXTURES[name]), job: "nightly", ...options });

const detectTree = (
  tree: Record<string, string>,
  overrides: BuildOverrides = {},
  options: DetectOptions = {},
) => detectBuildPlan("jobs/report", overrides, { files: memoryRepoFiles(tree), job: "report", ...options });

/** The error a promise rejects with, as the fields a user sees. */
async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof FlexjobError)) throw new Error(`expected a FlexjobError, got ${String(error)}`);
  return { code: error.code, fault: error.fault, message: error.message, remedy: error.remedy };
}

const json = (value: unknown) => JSON.stringify(value);

describe("detectBuildPlan: one plan per ecosystem and package manager", () => {
  it("npm: version from an engines range, production-only install, scripts.start run directly", async () => {
    expect(await detect("npm")).toEqual({
      provider: "node",
      language: "Node.js",
      version: { value: "24", source: 'package.json engines.node ">=18"' },
      packageManager: { name: "npm", source: "package-lock.json" },
      installCommand: "npm ci --omit=dev",
      startCommand: ["node", "src/report.js"],
      startSource: "package.json scripts.start",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "node:24-trixie-slim", runtime: "node:24-trixie-slim" },
      notes: [],
      dependencyFiles: ["package.json", "package-lock.json"],
    } satisfies BuildPlan);
  });

  it("pnpm: exact version from packageManager, .nvmrc line pinned, build then prune", async () => {
    expect(await detect("pnpm")).toEqual({
      provider: "node",
      language: "Node.js",
      version: { value: "22", source: ".nvmrc" },
      packageManager: { name: "pnpm", version: "9.15.0", source: "package.json packageManager" },
      installCommand: "pnpm install --frozen-lockfile",
      buildCommand: "pnpm run build",
      pruneCommand: "pnpm prune --prod",
      startCommand: ["node", "dist/job.js"],
      startSource: "package.json scripts.start",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "node:22-trixie-slim", runtime: "node:22-trixie-slim" },
      notes: [],
      dependencyFiles: ["package.json", "pnpm-lock.yaml"],
    } satisfies BuildPlan);
  });

  it("yarn 1: exact .node-version used as written, start from main", async () => {
    expect(await detect("yarn1")).toEqual({
      provider: "node",
      language: "Node.js",
      version: { value: "20.11.1", source: ".node-version" },
      packageManager: { name: "yarn", version: "1.22.22", source: "yarn.lock in the Yarn 1 format" },
      installCommand: "yarn install --frozen-lockfile --production",
      startCommand: ["node", "lib/index.js"],
      startSource: "package.json main",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "node:20.11.1-bookworm-slim", runtime: "node:20.11.1-bookworm-slim" },
      notes: [
        "Node.js 20 (.node-version) reached its end of life on 2026-04-30 and gets no security fixes: move to a supported line (22, 24, 26)",
      ],
      dependencyFiles: ["package.json", "yarn.lock"],
    } satisfies BuildPlan);
  });

  it("yarn berry: version from .tool-versions, immutable install, workspaces focus to prune", async () => {
    expect(await detect("yarnBerry")).toEqual({
      provider: "node",
      language: "Node.js",
      version: { value: "22.12.0", source: ".tool-versions nodejs" },
      packageManager: { name: "yarn", version: "4.5.3", source: "package.json packageManager" },
      installCommand: "yarn install --immutable",
      buildCommand: "yarn build",
      pruneCommand: "yarn workspaces focus --all --production",
      startCommand: ["yarn", "node", "dist/digest.js"],
      startSource: "package.json scripts.start",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "node:22.12.0-bookworm-slim", runtime: "node:22.12.0-bookworm-slim" },
      notes: [],
      dependencyFiles: ["package.json", "yarn.lock", ".yarnrc.yml"],
    } satisfies BuildPlan);
  });

  it("bun: the bun image, frozen production install", async () => {
    expect(await detect("bun")).toEqual({
      provider: "node",
      language: "Bun",
      version: { value: "1", source: "default (no version file)" },
      packageManager: { name: "bun", source: "bun.lockb" },
      installCommand: "bun install --frozen-lockfile --production",
      startCommand: ["bun", "run", "src/cleanup.ts"],
      startSource: "package.json scripts.start",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "oven/bun:1-slim", runtime: "oven/bun:1-slim" },
      notes: [],
      dependencyFiles: ["package.json", "bun.lockb"],
    } satisfies BuildPlan);
  });

  it("pip: .python-version, requirements with the files they include, main.py", async () => {
    expect(await detect("pip")).toEqual({
      provider: "python",
      language: "Python",
      version: { value: "3.12", source: ".python-version" },
      packageManager: { name: "pip", source: "requirements.txt" },
      installCommand: "pip install -r requirements.txt",
      startCommand: ["python", "main.py"],
      startSource: "main.py",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "python:3.12-slim-trixie", runtime: "python:3.12-slim-trixie" },
      notes: [],
      dependencyFiles: ["requirements.txt", "requirements/base.txt", "requirements/constraints.txt"],
    } satisfies BuildPlan);
  });

  it("poetry: Poetry version from the lock header, a [tool.poetry.scripts] start installs the project", async () => {
    expect(await detect("poetry")).toEqual({
      provider: "python",
      language: "Python",
      version: { value: "3.14", source: 'pyproject.toml tool.poetry.dependencies.python "^3.11"' },
      packageManager: { name: "poetry", version: "1.8.3", source: "poetry.lock" },
      installCommand: "poetry install --only main --no-root",
      buildCommand: "poetry install --only main",
      startCommand: ["report"],
      startSource: "pyproject.toml [tool.poetry.scripts] report",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "python:3.14-slim-trixie", runtime: "python:3.14-slim-trixie" },
      notes: [],
      dependencyFiles: ["pyproject.toml", "poetry.lock"],
    } satisfies BuildPlan);
  });

  it("uv: requires-python range picks the newest line it allows, Procfile worker starts", async () => {
    expect(await detect("uv")).toEqual({
      provider: "python",
      language: "Python",
      version: { value: "3.12", source: 'pyproject.toml requires-python ">=3.10,<3.13"' },
      packageManager: { name: "uv", version: "0.7.2", source: "uv.lock" },
      installCommand: "uv sync --locked --no-dev --no-install-project",
      startCommand: ["python", "-m", "etl", "--since", "yesterday"],
      startSource: "Procfile worker",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "python:3.12-slim-trixie", runtime: "python:3.12-slim-trixie" },
      notes: [],
      dependencyFiles: ["pyproject.toml", "uv.lock"],
    } satisfies BuildPlan);
  });

  it("pipenv: Pipfile [requires], deploy install, psycopg2 brings libpq", async () => {
    expect(await detect("pipenv")).toEqual({
      provider: "python",
      language: "Python",
      version: { value: "3.11", source: "Pipfile [requires]" },
      packageManager: { name: "pipenv", version: "2024.4.0", source: "Pipfile.lock" },
      installCommand: "pipenv install --deploy",
      startCommand: ["python", "app.py"],
      startSource: "app.py",
      systemPackages: ["libpq5"],
      buildPackages: ["gcc", "libpq-dev"],
      baseImages: { build: "python:3.11-slim-trixie", runtime: "python:3.11-slim-trixie" },
      notes: [
        "psycopg2 compiles against a system library: build stage gets gcc, libpq-dev, runtime gets libpq5",
      ],
      dependencyFiles: ["Pipfile", "Pipfile.lock"],
    } satisfies BuildPlan);
  });

  it("go at the root: toolchain line wins over the go directive, binary named after the module", async () => {
    expect(await detect("goRoot")).toEqual({
      provider: "go",
      language: "Go",
      version: { value: "1.23.4", source: "go.mod toolchain" },
      installCommand: "go mod download",
      buildCommand: 'go build -trimpath -ldflags="-s -w" -o /out/report .',
      startCommand: ["/app/report"],
      startSource: "go.mod main package .",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "golang:1.23.4-bookworm", runtime: "gcr.io/distroless/static-debian13:nonroot" },
      notes: [
        "Go 1.23 (go.mod toolchain) reached its end of life on 2025-08-12 and gets no security fixes: move to a supported line (1.26, 1.27)",
      ],
      dependencyFiles: ["go.mod", "go.sum"],
    } satisfies BuildPlan);
  });

  it("go with one cmd/ package: that package is the job", async () => {
    expect(await detect("goCmd")).toEqual({
      provider: "go",
      language: "Go",
      version: { value: "1.23.2", source: "go.mod go directive" },
      installCommand: "go mod download",
      buildCommand: 'go build -trimpath -ldflags="-s -w" -o /out/sync ./cmd/sync',
      startCommand: ["/app/sync"],
      startSource: "main package cmd/sync",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "golang:1.23.2-bookworm", runtime: "gcr.io/distroless/static-debian13:nonroot" },
      notes: [
        "Go 1.23 (go.mod go directive) reached its end of life on 2025-08-12 and gets no security fixes: move to a supported line (1.26, 1.27)",
      ],
      dependencyFiles: ["go.mod"],
    } satisfies BuildPlan);
  });

  it("ruby: .ruby-version over the Gemfile's range, bundler from the lock, pg brings libpq", async () => {
    expect(await detect("ruby")).toEqual({
      provider: "ruby",
      language: "Ruby",
      version: { value: "3.3.6", source: ".ruby-version" },
      packageManager: { name: "bundler", version: "2.5.22", source: "Gemfile.lock" },
      installCommand: "gem install bundler --version 2.5.22 && bundle install",
      startCommand: ["bundle", "exec", "ruby", "worker.rb"],
      startSource: "Procfile worker",
      systemPackages: ["libpq5"],
      buildPackages: ["build-essential", "libpq-dev"],
      baseImages: { build: "ruby:3.3.6-slim-bookworm", runtime: "ruby:3.3.6-slim-bookworm" },
      notes: ["pg compiles against a system library: build stage gets libpq-dev, runtime gets libpq5"],
      dependencyFiles: ["Gemfile", "Gemfile.lock"],
    } satisfies BuildPlan);
  });

  it("rust: rust-toolchain.toml channel, the [[bin]] that claims src/main.rs, openssl from Cargo.lock", async () => {
    expect(await detect("rust")).toEqual({
      provider: "rust",
      language: "Rust",
      version: { value: "1.83.0", source: "rust-toolchain.toml channel" },
      packageManager: { name: "cargo", source: "Cargo.toml" },
      buildCommand:
        "cargo build --release --locked --bin invoice-run && mkdir -p /out && cp target/release/invoice-run /out/",
      startCommand: ["/app/invoice-run"],
      startSource: "Cargo.toml binary invoice-run",
      systemPackages: ["ca-certificates", "libssl3t64"],
      buildPackages: ["pkg-config", "libssl-dev"],
      baseImages: { build: "rust:1.83.0-slim-bookworm", runtime: "debian:13-slim" },
      notes: [
        "openssl-sys compiles against a system library: build stage gets pkg-config, libssl-dev, runtime gets libssl3t64",
      ],
      dependencyFiles: [],
    } satisfies BuildPlan);
  });

  it("maven: the wrapper's Maven version, Java from a property reference, the built jar runs", async () => {
    expect(await detect("maven")).toEqual({
      provider: "java",
      language: "Java",
      version: { value: "17", source: "pom.xml maven.compiler.release" },
      packageManager: { name: "maven", version: "3.9.9", source: "mvnw" },
      installCommand: "./mvnw --batch-mode dependency:go-offline",
      buildCommand: "./mvnw --batch-mode -DskipTests package",
      startCommand: ["java", "-jar", "/app/app.jar"],
      startSource: "the jar Maven builds",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "eclipse-temurin:17-jdk-noble", runtime: "eclipse-temurin:17-jre-noble" },
      notes: ["tests are skipped in the image build (-DskipTests): run them in CI before deploying"],
      dependencyFiles: ["pom.xml", "mvnw", ".mvn/"],
    } satisfies BuildPlan);
  });

  it("gradle: the toolchain's languageVersion, the wrapper's Gradle version", async () => {
    expect(await detect("gradle")).toEqual({
      provider: "java",
      language: "Java",
      version: { value: "21", source: "Gradle Java toolchain" },
      packageManager: { name: "gradle", version: "8.10.2", source: "gradlew" },
      installCommand: "./gradlew --no-daemon dependencies",
      buildCommand: "./gradlew --no-daemon build -x test",
      startCommand: ["java", "-jar", "/app/app.jar"],
      startSource: "the jar Gradle builds",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "eclipse-temurin:21-jdk-noble", runtime: "eclipse-temurin:21-jre-noble" },
      notes: ["tests are skipped in the image build (-x test): run them in CI before deploying"],
      dependencyFiles: ["build.gradle.kts", "settings.gradle.kts", "gradlew", "gradle/"],
    } satisfies BuildPlan);
  });

  it("php: require.php range, composer without dev packages, the one bin script runs", async () => {
    expect(await detect("php")).toEqual({
      provider: "php",
      language: "PHP",
      version: { value: "8.4", source: 'composer.json require.php "^8.2"' },
      packageManager: { name: "composer", version: "2.8", source: "composer.json" },
      installCommand: "composer install --no-dev --no-interaction --no-scripts --no-autoloader --prefer-dist",
      buildCommand: "composer dump-autoload --no-dev --optimize",
      startCommand: ["php", "bin/send-digest"],
      startSource: "composer.json bin",
      systemPackages: [],
      buildPackages: ["git", "unzip"],
      baseImages: { build: "php:8.4-cli-trixie", runtime: "php:8.4-cli-trixie" },
      notes: [
        "composer.json requires ext-intl: the php image has only its built-in extensions; add others with your own Dockerfile (docker-php-ext-install)",
      ],
      dependencyFiles: ["composer.json", "composer.lock"],
    } satisfies BuildPlan);
  });

  it("deno: deno.jsonc with comments, a plain tasks.start runs directly and its entry is cached", async () => {
    expect(await detect("deno")).toEqual({
      provider: "deno",
      language: "Deno",
      version: { value: "2", source: "default (no version file)" },
      installCommand: "deno install --frozen",
      buildCommand: "deno cache main.ts",
      startCommand: ["deno", "run", "--allow-net", "--allow-env", "main.ts"],
      startSource: "deno.jsonc tasks.start",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "denoland/deno:debian-2.8.2", runtime: "denoland/deno:debian-2.8.2" },
      notes: [],
      dependencyFiles: ["deno.jsonc", "deno.lock"],
    } satisfies BuildPlan);
  });

  it("Procfile alone: worker over web, on plain Debian", async () => {
    expect(await detect("procfile")).toEqual({
      provider: "procfile",
      language: "Debian",
      version: { value: "13", source: "default (no version file)" },
      startCommand: ["./bin/rotate-logs", "--all"],
      startSource: "Procfile worker",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "debian:13-slim", runtime: "debian:13-slim" },
      notes: [
        "Procfile has worker, web: using worker (precedence cron > clock > scheduler > worker > job > web)",
        "no language detected: the image is plain Debian with the folder's files; add packages with APT_PACKAGES",
      ],
      dependencyFiles: [],
    } satisfies BuildPlan);
  });

  it("start.sh alone: run by the interpreter of its #! line", async () => {
    expect(await detect("startScript")).toEqual({
      provider: "procfile",
      language: "Debian",
      version: { value: "13", source: "default (no version file)" },
      startCommand: ["/usr/bin/env", "bash", "start.sh"],
      startSource: "start.sh",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "debian:13-slim", runtime: "debian:13-slim" },
      notes: [
        "no language detected: the image is plain Debian with the folder's files; add packages with APT_PACKAGES",
      ],
      dependencyFiles: [],
    } satisfies BuildPlan);
  });

  it("the user's Dockerfile wins over a detectable package.json, and its FROM images are recorded", async () => {
    expect(await detect("userDockerfile")).toEqual({
      provider: "dockerfile",
      language: "Dockerfile",
      version: { value: "from Dockerfile", source: "Dockerfile" },
      startCommand: [],
      startSource: "Dockerfile CMD",
      systemPackages: [],
      buildPackages: [],
      baseImages: { build: "node:22-alpine", runtime: "gcr.io/distroless/nodejs22-debian12" },
      notes: [
        "Dockerfile found: building it as is; with no .dockerignore in the repository, flexjob leaves only credential files (.env, .npmrc, keys, .git) out of the build context",
      ],
      dependencyFiles: [],
    } satisfies BuildPlan);
  });
});

describe("detectBuildPlan: precedence and the notes it leaves", () => {
  it("package-lock.json and pnpm-lock.yaml without packageManager: pnpm, with a note", async () => {
    const plan = await detectTree({
      "package.json": json({ scripts: { start: "node job.js" } }),
      "package-lock.json": "{}",
      "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
    });
    expect(plan.packageManager).toEqual({
      name: "pnpm",
      version: "9.15.9",
      source: 'pnpm-lock.yaml lockfileVersion "9.0"',
    });
    expect(plan.notes).toEqual([
      "pnpm-lock.yaml and package-lock.json found: using pnpm (precedence bun > pnpm > yarn > npm; set package.json packageManager to choose)",
      `pnpm-lock.yaml lockfileVersion "9.0" is written by pnpm 9 and 10: installing pnpm 9, which runs dependencies' install scripts; set package.json packageManager for pnpm 10`,
    ]);
  });

  it("packageManager beats the lockfiles of other managers", async () => {
    const plan = await detectTree({
      "package.json": json({ packageManager: "yarn@1.22.22", scripts: { start: "node job.js" } }),
      "package-lock.json": "{}",
      "yarn.lock": "# yarn lockfile v1\n",
    });
    expect(plan.packageManager).toEqual({
      name: "yarn",
      version: "1.22.22",
      source: "package.json packageManager",
    });
    expect(plan.notes).toEqual([
      "yarn.lock and package-lock.json found: using yarn (package.json packageManager)",
    ]);
  });

  it("no lockfile: npm install, with a note about reproducibility", async () => {
    const plan = await detectTree({ "package.json": "{}", "server.js": "" });
    expect(plan.installCommand).toBe("npm install --omit=dev");
    expect(plan.startCommand).toEqual(["node", "server.js"]);
    expect(plan.notes).toEqual([
      "no lockfile: npm resolves dependency versions at build time; commit package-lock.json for reproducible builds",
    ]);
  });

  it("Node version: .nvmrc beats engines.node, and a mismatch between them is noted", async () => {
    const plan = await detectTree({
      "package.json": json({ engines: { node: "^20.11" }, main: "job.js" }),
      "job.js": "",
      ".nvmrc": "lts/jod\n",
      ".node-version": "18\n",
    });
    expect(plan.version).toEqual({ value: "22", source: '.nvmrc "lts/jod"' });
    expect(plan.notes).toContain(
      'Node.js 22 (.nvmrc "lts/jod") does not satisfy package.json engines.node "^20.11"',
    );
  });

  it("engines.node that excludes the default line picks the newest line it allows", async () => {
    const plan = await detectTree({
      "package.json": json({ engines: { node: "20.x || 22.x" }, main: "job.js" }),
      "job.js": "",
    });
    expect(plan.version).toEqual({ value: "22", source: 'package.json engines.node "20.x || 22.x"' });
    expect(plan.baseImages.runtime).toBe("node:22-trixie-slim");
  });

  it("a line the table does not pin is used as written, with a note", async () => {
    const plan = await detectTree({
      "package.json": json({ main: "job.js" }),
      "package-lock.json": "{}",
      "job.js": "",
      ".nvmrc": "28",
    });
    expect(plan.baseImages.runtime).toBe("node:28-bookworm-slim");
    expect(plan.notes).toEqual([
      "Node.js 28 (.nvmrc) is not in flexjob's pinned versions (22, 24, 26): the image tag is used as written",
    ]);
  });

  it("a shell-syntax scripts.start runs through the package manager, which the image then needs", async () => {
    const plan = await detectTree({
      "package.json": json({ scripts: { start: "NODE_OPTIONS=--enable-source-maps node job.js" } }),
      "package-lock.json": "{}",
    });
    expect(plan.startCommand).toEqual(["npm", "start"]);
  });

  it.each([
    ["python", { "requirements.txt": "", "main.py": "" }, "python 3.12.1", "3.12.1"],
    ["ruby", { Gemfile: "source 'https://rubygems.org'\n", "main.rb": "" }, "ruby 3.3.6", "3.3.6"],
    ["php", { "composer.json": json({ bin: ["bin/job"] }), "bin/job": "" }, "php 8.3.14", "8.3.14"],
    ["go", { "go.mod": "module example.com/job\n", "main.go": "package main\n" }, "golang 1.26.1", "1.26.1"],
    [
      "rust",
      { "Cargo.toml": '[package]\nname = "job"\nversion = "0.1.0"\n', "src/main.rs": "" },
      "rust 1.90.0",
      "1.90.0",
    ],
    [
      "deno",
      { "deno.json": json({ tasks: { start: "deno run main.ts" } }), "main.ts": "" },
      "deno 2.8.2",
      "2.8.2",
    ],
    [
      "bun",
      { "package.json": json({ scripts: { start: "bun job.ts" } }), "bun.lock": "{}", "job.ts": "" },
      "bun 1.2.0",
      "1.2.0",
    ],
  ])(
    "%s: a .tool-versions line is the version, named by the file and the tool",
    async (_, tree, line, value) => {
      const [tool] = line.split(" ");
      const plan = await detectTree({ ...tree, ".tool-versions": `${line}\n` });
      expect(plan.version).toEqual({ value, source: `.tool-versions ${tool}` });
    },
  );

  it("poetry.lock and uv.lock both found: uv, by the documented precedence", async () => {
    const plan = await detectTree({
      "pyproject.toml": '[project]\nname = "x"\nversion = "1"\n',
      "poetry.lock": "",
      "uv.lock": "",
      "requirements.txt": "",
      "main.py": "",
    });
    expect(plan.packageManager).toEqual({ name: "uv", version: "0.7.2", source: "uv.lock" });
    expect(plan.notes).toEqual([
      "uv.lock and poetry.lock and requirements.txt found: using uv (precedence uv > poetry > pipenv > pip)",
    ]);
  });

  it("Python version: .python-version beats runtime.txt and requires-python; a bare major takes its newest line", async () => {
    const plan = await detectTree({
      "requirements.txt": "",
      ".python-version": "3\n",
      "runtime.txt": "python-3.10.4",
      "pyproject.toml": '[project]\nrequires-python = ">=3.9"\n',
      "main.py": "",
    });
    expect(plan.version).toEqual({ value: "3.14", source: ".python-version" });
    const runtimeTxt = await detectTree({
      "requirements.txt": "",
      "runtime.txt": "python-3.10.14",
      "main.py": "",
    });
    expect(runtimeTxt.version).toEqual({ value: "3.10.14", source: "runtime.txt" });
    expect(runtimeTxt.baseImages.runtime).toBe("python:3.10.14-slim-bookworm");
    expect(runtimeTxt.notes).toEqual([
      "Python 3.10 (runtime.txt) reached its end of life on 2026-10-31 and gets no security fixes: move to a supported line (3.11, 3.12, 3.13, 3.14, 3.15)",
    ]);
  });

  it("a Python app with a package.json for tooling builds as Python, with a note", async () => {
    const plan = await detectTree({
      "package.json": json({ devDependencies: { prettier: "3" } }),
      "requirements.txt": "",
      "main.py": "",
    });
    expect(plan.provider).toBe("python");
    expect(plan.notes).toEqual([
      "Python and Node.js (package.json) found: building as Python (precedence go > rust > java > php > ruby > python > deno > node > procfile); add a Dockerfile to choose otherwise",
    ]);
  });

  it("a lone app.py does not turn a Node project into a Python one", async () => {
    const plan = await detectTree({ "package.json": json({ main: "job.js" }), "job.js": "", "app.py": "" });
    expect(plan.provider).toBe("node");
  });

  it("Procfile beats the language's convention; release is never a start", async () => {
    const plan = await detectTree({
      "package.json": json({ scripts: { start: "node web.js" } }),
      "package-lock.json": "{}",
      Procfile: "release: node migrate.js\njob: node nightly.js\n",
    });
    expect(plan.startCommand).toEqual(["node", "nightly.js"]);
    expect(plan.startSource).toBe("Procfile job");
    expect(plan.notes).toEqual([]);
  });

  it("Procfile lines with shell syntax run through sh -c", async () => {
    const plan = await detectTree({ Procfile: "worker: cd jobs && ./run --fast\n" });
    expect(plan.startCommand).toEqual(["/bin/sh", "-c", "cd jobs && ./run --fast"]);
  });

  it("Java version: .java-version 1.8 means Java 8", async () => {
    const plan = await detectTree({ "pom.xml": "<project/>", ".java-version": "1.8\n" });
    expect(plan.version).toEqual({ value: "8", source: ".java-version" });
    expect(plan.baseImages).toEqual({
      build: "maven:3.9-eclipse-temurin-8",
      runtime: "eclipse-temurin:8-jre-noble",
    });
    expect(plan.buildCommand).toBe("mvn --batch-mode -DskipTests package");
  });
});

describe("detectBuildPlan: no way to start the job fails before any build", () => {
  it("a package.json without start, main, index.js or server.js", async () => {
    expect(await failure(detectTree({ "package.json": json({ scripts: { build: "tsc" } }) }))).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message:
        'no start command for the job in jobs/report: package.json has no "start" script and no "main" or "bin" file that exists or that the build writes, and there is no index.js, server.js, Procfile or start.sh',
      remedy:
        'add a "start" script to package.json (e.g. "node dist/job.js"), set jobs.report.command in flexjob.yml, add a Procfile line (e.g. "worker: node dist/job.js"), add a start.sh, or set build arg START_CMD',
    });
  });

  it("a Python project without an entry point names where it looked", async () => {
    expect(await failure(detectTree({ "requirements.txt": "requests\n" }))).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message:
        "no start command for the job in jobs/report: there is no Procfile, main.py, app.py or start.sh, and pyproject.toml has no [project.scripts] entry",
      remedy:
        'add a Procfile with a "worker:" line or a main.py, set jobs.report.command in flexjob.yml, or set build arg START_CMD',
    });
  });

  it("several cmd/ packages: lists them and says how to choose", async () => {
    const tree = {
      "go.mod": "module example.com/jobs\n\ngo 1.23\n",
      "cmd/export/main.go": "package main\n",
      "cmd/import/main.go": "package main\n",
    };
    expect(await failure(detectTree(tree))).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message:
        "no start command for the job in jobs/report: cmd/ has several main packages (cmd/export, cmd/import) and none is chosen",
      remedy:
        "choose the binary: flexjob builds every cmd/ package into /app, so set build arg START_CMD or jobs.report.command to one of /app/export, /app/import",
    });
    const chosen = await detectTree(tree, { START_CMD: "/app/import --full" });
    expect(chosen.buildCommand).toBe('go build -trimpath -ldflags="-s -w" -o /out/ ./cmd/...');
    expect(chosen.startCommand).toEqual(["/app/import", "--full"]);
    expect(chosen.startSource).toBe("build arg START_CMD");
  });

  it("several Cargo binaries without default-run", async () => {
    const tree = {
      "Cargo.toml": '[package]\nname = "tools"\n',
      "src/bin/a.rs": "",
      "src/bin/b.rs": "",
    };
    expect((await failure(detectTree(tree))).message).toBe(
      "no start command for the job in jobs/report: Cargo.toml has several binaries (a, b) and no default-run",
    );
    const withDefault = await detectTree({
      ...tree,
      "Cargo.toml": '[package]\nname = "tools"\ndefault-run = "b"\n',
    });
    expect(withDefault.startCommand).toEqual(["/app/b"]);
  });

  it("a job command from flexjob.yml is enough, and wins over START_CMD", async () => {
    const plan = await detectTree(
      { "package.json": json({ scripts: { build: "tsc" } }), "package-lock.json": "{}" },
      { START_CMD: "node other.js" },
      { command: ["node", "dist/report.js"] },
    );
    expect(plan.startCommand).toEqual(["node", "dist/report.js"]);
    expect(plan.startSource).toBe("flexjob.yml jobs.report.command");
    expect(plan.notes).toEqual(["jobs.report.command is set: build arg START_CMD is not used"]);
  });

  it("an empty folder says so, and how to point flexjob elsewhere", async () => {
    expect(await failure(detectTree({}))).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message:
        "nothing in jobs/report says how to build the job (the folder is empty or missing): no Dockerfile, package.json, pyproject.toml, requirements.txt, go.mod, Gemfile, Cargo.toml, pom.xml, build.gradle, composer.json, deno.json, Procfile or start.sh, and jobs.report.command is not set",
      remedy:
        'set jobs.report.command in flexjob.yml (or build arg START_CMD) to the command the job runs, e.g. ["bin/backup.sh"], and flexjob builds a Debian image with the tools it names; or add a Procfile with a "cron:" or "worker:" line, a start.sh, a Dockerfile or your language\'s manifest to jobs/report; or point source.rootDir at the folder that has them, or set jobs.report.image to run an existing image',
    });
  });
});

describe("detectBuildPlan: other input errors", () => {
  it("source.dockerfile that does not exist", async () => {
    expect(await failure(detectTree({ "main.py": "" }, {}, { dockerfile: "docker/Dockerfile.job" }))).toEqual(
      {
        code: "INPUT_INVALID",
        fault: "user",
        message: 'source.dockerfile "docker/Dockerfile.job" does not exist in jobs/report',
        remedy:
          "give the Dockerfile's path relative to source.rootDir, or remove source.dockerfile to let flexjob detect the build",
      },
    );
  });

  it("source.dockerfile names the user's Dockerfile", async () => {
    const plan = await detectTree(
      { "docker/job.Dockerfile": "FROM alpine:3.21\n" },
      {},
      { dockerfile: "docker/job.Dockerfile" },
    );
    expect(plan.provider).toBe("dockerfile");
    expect(plan.baseImages).toEqual({ build: "alpine:3.21", runtime: "alpine:3.21" });
  });

  it("a package.json that is not JSON", async () => {
    const error = await failure(detectTree({ "package.json": "{ name: x" }));
    expect(error.message).toMatch(/^package\.json in jobs\/report is not valid JSON: /);
    expect(error.remedy).toBe(
      "fix the syntax of package.json; flexjob reads it to decide how to build the image",
    );
  });

  it("a pyproject.toml that is not TOML names the line", async () => {
    const error = await failure(detectTree({ "pyproject.toml": '[project]\nname = "x = 1\n' }));
    expect(error.message).toBe(
      "pyproject.toml in jobs/report is not valid TOML: control characters are not allowed in strings at line 2",
    );
  });

  it("a Yarn 2+ lockfile whose __metadata.version maps to no Yarn version", async () => {
    const error = await failure(
      detectTree({ "package.json": json({ main: "job.js" }), "yarn.lock": "__metadata:\n  version: 99\n" }),
    );
    expect(error).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message:
        'yarn.lock in jobs/report has __metadata.version "99", which flexjob cannot map to a yarn version',
      remedy: 'add "packageManager": "yarn@4.18.1" (the version you use) to package.json and commit it',
    });
  });

  it("an engines range no known line satisfies and without a lower bound", async () => {
    const error = await failure(
      detectTree({ "package.json": json({ engines: { node: "<16" }, main: "a.js" }) }),
    );
    expect(error.message).toBe(
      'package.json engines.node in jobs/report asks for "<16", which none of the Node.js versions flexjob pins (22, 24, 26) satisfies',
    );
    expect(error.remedy).toBe('set build arg VERSION to the Node.js version to build with, e.g. "24"');
  });

  it("a version file that holds no version", async () => {
    const error = await failure(
      detectTree({ "requirements.txt": "", "main.py": "", ".python-version": "system\n" }),
    );
    expect(error.message).toBe('.python-version in jobs/report has "system", which is not a Python version');
  });
});

describe("detectBuildPlan: build args override every choice", () => {
  it("VERSION replaces the detected version; a line is pinned by the table", async () => {
    const plan = await detect("pnpm", { VERSION: "22" });
    expect(plan.version).toEqual({ value: "22", source: "build arg VERSION" });
    expect(plan.baseImages).toEqual({
      build: "node:22-trixie-slim",
      runtime: "node:22-trixie-slim",
    });
    const java = await detect("maven", { VERSION: "21.0.5" });
    expect(java.baseImages.runtime).toBe("eclipse-temurin:21-jre-noble");
  });

  it("INSTALL_CMD and BUILD_CMD replace the commands; an empty one removes the step", async () => {
    const plan = await detect("pnpm", {
      INSTALL_CMD: "pnpm install --frozen-lockfile --ignore-scripts",
      BUILD_CMD: "",
    });
    expect(plan.installCommand).toBe("pnpm install --frozen-lockfile --ignore-scripts");
    expect(plan.buildCommand).toBeUndefined();
    expect(plan.pruneCommand).toBeUndefined();
    expect(plan.notes).toEqual([
      'build arg INSTALL_CMD replaces "pnpm install --frozen-lockfile --prod" with "pnpm install --frozen-lockfile --ignore-scripts"',
      "build arg BUILD_CMD is empty: no build step",
    ]);
  });

  it("BUILD_CMD where none was detected installs devDependencies for it and prunes after", async () => {
    const plan = await detect("npm", { BUILD_CMD: "npx tsc" });
    expect(plan.installCommand).toBe("npm ci");
    expect(plan.buildCommand).toBe("npx tsc");
    expect(plan.pruneCommand).toBe("npm prune --omit=dev");
  });

  it("START_CMD is split like a job command, quotes included", async () => {
    const plan = await detect("pip", { START_CMD: `python -m report --title "Daily sales"` });
    expect(plan.startCommand).toEqual(["python", "-m", "report", "--title", "Daily sales"]);
    expect(plan.startSource).toBe("build arg START_CMD");
  });

  it("START_CMD with unquoted shell syntax is refused with the job command's remedy", async () => {
    expect(await failure(detect("pip", { START_CMD: "python a.py && python b.py" }))).toEqual({
      code: "INPUT_INVALID",
      fault: "user",
      message:
        'build arg START_CMD: command "python a.py && python b.py" has shell syntax "&" at character 13, but commands run without a shell',
      remedy:
        'quote it, or to run it through a shell write the command as a list: ["sh", "-c", "your && command"]',
    });
  });

  it("APT_PACKAGES adds to both stages, and moves a Go job off distroless", async () => {
    const plan = await detect("goRoot", { APT_PACKAGES: "tzdata, fonts-dejavu-core" });
    expect(plan.systemPackages).toEqual(["tzdata", "fonts-dejavu-core"]);
    expect(plan.buildPackages).toEqual(["tzdata", "fonts-dejavu-core"]);
    expect(plan.baseImages.runtime).toBe("debian:13-slim");
    expect(plan.notes).toEqual([
      "Go 1.23 (go.mod toolchain) reached its end of life on 2025-08-12 and gets no security fixes: move to a supported line (1.26, 1.27)",
      "APT_PACKAGES needs apt: the image runs on debian:13-slim instead of distroless",
    ]);
  });

  it("APT_PACKAGES refuses what is not a package name", async () => {
    expect((await failure(detect("npm", { APT_PACKAGES: "curl; rm -rf /" }))).message).toBe(
      'build arg APT_PACKAGES has "curl;", which is not a Debian package name',
    );
  });

  it("BASE_IMAGE sets both stages where they share an image, only the runtime where they do not", async () => {
    const mirror = "registry.example.com/library/node:24-trixie-slim";
    expect((await detect("npm", { BASE_IMAGE: mirror })).baseImages).toEqual({
      build: mirror,
      runtime: mirror,
    });
    const go = await detect("goRoot", { BASE_IMAGE: "gcr.io/distroless/static-debian12:debug" });
    expect(go.baseImages).toEqual({
      build: "golang:1.23.4-bookworm",
      runtime: "gcr.io/distroless/static-debian12:debug",
    });
    const both = await detect("goRoot", { BUILD_IMAGE: "mirror.example.com/golang:1.23.4-bookworm" });
    expect(both.baseImages.build).toBe("mirror.example.com/golang:1.23.4-bookworm");
  });

  it("refuses a VERSION, an image or a command that would break the Dockerfile", async () => {
    expect((await failure(detect("npm", { VERSION: "lts" }))).message).toBe(
      'build arg VERSION "lts" is not a version number',
    );
    expect((await failure(detect("npm", { BASE_IMAGE: "Node:22" }))).message).toMatch(
      /^build arg BASE_IMAGE: image "Node:22"/,
    );
    expect((await failure(detect("npm", { BUILD_CMD: "a\nb" }))).message).toBe(
      "build arg BUILD_CMD has a line break",
    );
  });
});
