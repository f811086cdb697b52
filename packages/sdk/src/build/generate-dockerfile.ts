import { FlexjobError } from "../errors.js";
import { RUNTIMES, type Runtime, TOOLS, tagFor } from "./base-images.js";
import { inputError } from "./context.js";
import type { BuildPlan } from "./plan.js";

/**
 * Writes the Dockerfile of a {@link BuildPlan}. Every generated file has the same shape:
 *
 * - No `# syntax=` line: it makes BuildKit pull its frontend image from Docker Hub on every build,
 *   which fails behind a registry mirror or offline, and the frontend built into Docker 23 and
 *   later already has what these files use (cache mounts, `COPY --chmod`).
 * - `ARG VERSION` / `BASE_IMAGE` / `BUILD_IMAGE` before the first stage, so a registry mirror or
 *   another version needs only `--build-arg`.
 * - Stages deps → build → runtime. The dependency manifests are copied before the source, so a
 *   change to the code alone reuses the dependency layer. What the job needs at run time
 *   (node_modules, a virtualenv, gems) is installed into a layer; package managers' download
 *   caches and compilers' caches are BuildKit cache mounts, which never reach the image.
 * - The runtime stage has no compilers or dev dependencies, runs as the numeric user
 *   10001:10001 and starts with an exec-form CMD, so the job's process is PID 1 and receives
 *   ECS's SIGTERM.
 * - OCI labels from `IMAGE_SOURCE` / `IMAGE_REVISION` come last, so a new commit never
 *   invalidates a cached layer.
 *
 * Overrides (INSTALL_CMD, START_CMD…) are already in the plan: the Dockerfile shows the commands
 * that run, not placeholders for them.
 */

export interface GenerateOptions {
  /** `org.opencontainers.image.source`, e.g. the repository URL; also settable as --build-arg IMAGE_SOURCE. */
  source?: string;
  /** `org.opencontainers.image.revision`, e.g. the commit SHA; also settable as --build-arg IMAGE_REVISION. */
  revision?: string;
}

/** The numeric user the job runs as: not root, and not a name that must exist in /etc/passwd. */
export const RUNTIME_USER = "10001:10001";

/** Build args the generated Dockerfile reads for its OCI labels. */
export const LABEL_BUILD_ARGS = { source: "IMAGE_SOURCE", revision: "IMAGE_REVISION" } as const;

type Stage = string[];

function run(command: string, caches: readonly string[] = []): string {
  const mounts = caches.map((target) => `--mount=type=cache,target=${target}`);
  if (mounts.length <= 1) return `RUN ${[...mounts, command].join(" ")}`;
  return `RUN ${[...mounts, command].join(" \\\n    ")}`;
}

function apt(packages: readonly string[]): string[] {
  if (packages.length === 0) return [];
  return [
    "RUN apt-get update \\",
    ` && apt-get install --yes --no-install-recommends ${[...packages].sort().join(" ")} \\`,
    " && rm -rf /var/lib/apt/lists/*",
  ];
}

/** A user with a home folder, for tools that write to ~ (npm's logs, pip's cache). */
const CREATE_USER = [
  "RUN groupadd --system --gid 10001 app \\",
  " && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app",
];

const WRAPPERS = new Set(["mvnw", "gradlew"]);

/** COPY lines for the dependency files: one per folder, so each lands where it was. */
function copyDependencies(files: readonly string[]): string[] {
  const lines: string[] = [];
  const byFolder = new Map<string, string[]>();
  for (const file of files) {
    if (WRAPPERS.has(file)) {
      // The wrapper runs even when the checkout lost its mode bit (Windows, zip downloads).
      lines.push(`COPY --chmod=755 ${file} ./`);
    } else if (file.endsWith("/")) {
      lines.push(`COPY ${file} ${file}`);
    } else {
      const folder = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "./";
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
    }
  }
  const grouped = [...byFolder].map(([folder, names]) => `COPY ${names.join(" ")} ${folder}`);
  return [...grouped, ...lines];
}

function wrappersAgain(files: readonly string[]): string[] {
  return files.filter((file) => WRAPPERS.has(file)).map((file) => `COPY --chmod=755 ${file} ./`);
}

function labelValue(name: string, value: string | undefined): string {
  if (value === undefined) return "";
  if (!/^[A-Za-z0-9._~:/?#@!&'()*+,;=%-]*$/.test(value)) {
    throw inputError(
      `image ${name} ${JSON.stringify(value)} has characters a Dockerfile ARG cannot hold as is`,
      `pass a URL or a commit SHA without spaces, quotes or $`,
    );
  }
  return value;
}

function runtimeTail(plan: BuildPlan, options: GenerateOptions): string[] {
  return [
    `# Last, so that a new revision never invalidates a cached layer.`,
    `ARG ${LABEL_BUILD_ARGS.source}=${labelValue("source", options.source)}`,
    `ARG ${LABEL_BUILD_ARGS.revision}=${labelValue("revision", options.revision)}`,
    `LABEL org.opencontainers.image.source="\${${LABEL_BUILD_ARGS.source}}" \\`,
    `      org.opencontainers.image.revision="\${${LABEL_BUILD_ARGS.revision}}"`,
    `USER ${RUNTIME_USER}`,
    `CMD ${JSON.stringify(plan.startCommand).replaceAll('","', '", "')}`,
  ];
}

/** The runtime table a plan's images come from, for writing them with `${VERSION}`. */
function runtimeOf(plan: BuildPlan): Runtime {
  if (plan.provider === "node") return plan.packageManager?.name === "bun" ? "bun" : "node";
  if (plan.provider === "procfile") return "debian";
  if (plan.provider === "dockerfile") throw new Error("unreachable");
  return plan.provider;
}

interface ImageArgs {
  lines: string[];
}

/** ARG lines for the images: `${VERSION}` where an image is exactly what the table makes of it. */
function imageArgs(plan: BuildPlan): ImageArgs {
  const runtime = runtimeOf(plan);
  const table = RUNTIMES[runtime];
  const tag = tagFor(runtime, plan.version.value);
  const templates = [table.buildImage, table.runtimeImage, TOOLS.mavenImage, TOOLS.gradleImage];
  const withVersion = (image: string) => {
    const template = templates.find((make) => make(tag) === image && make(`\${VERSION}`) !== image);
    return template ? template(`\${VERSION}`) : image;
  };
  const build = withVersion(plan.baseImages.build);
  const base = withVersion(plan.baseImages.runtime);
  const lines: string[] = [];
  if (build.includes(`\${VERSION}`) || base.includes(`\${VERSION}`)) lines.push(`ARG VERSION=${tag}`);
  if (plan.baseImages.build === plan.baseImages.runtime) {
    lines.push(`ARG BASE_IMAGE=${base}`, `ARG BUILD_IMAGE=\${BASE_IMAGE}`);
  } else {
    lines.push(`ARG BUILD_IMAGE=${build}`, `ARG BASE_IMAGE=${base}`);
  }
  return { lines };
}

function header(plan: BuildPlan): string[] {
  const manager = plan.packageManager
    ? `; ${plan.packageManager.name}${plan.packageManager.version ? ` ${plan.packageManager.version}` : ""}, from ${plan.packageManager.source}`
    : "";
  return [
    `# Generated by flexjob: ${plan.language} ${plan.version.value}, from ${plan.version.source}${manager}.`,
    `# Starts: ${plan.startCommand.join(" ")} (${plan.startSource}).`,
    "# A Dockerfile in the job's folder replaces this one.",
    ...plan.notes.map((note) => `# Note: ${note}`),
  ];
}

// ---------------------------------------------------------------------------------------------
// Per language: the stages between the ARGs and the runtime's tail.

interface Body {
  stages: Stage[];
  /** The runtime stage's lines before the tail (USER, CMD). */
  runtime: Stage;
}

function nodeBody(plan: BuildPlan): Body {
  const manager = plan.packageManager?.name ?? "npm";
  const release = plan.packageManager?.version;
  const berry = manager === "yarn" && release !== undefined && !release.startsWith("1");
  const caches: Record<string, string> = {
    npm: "/root/.npm",
    pnpm: "/pnpm/store",
    yarn: berry ? "/root/.yarn/berry/cache" : "/usr/local/share/.cache/yarn",
    bun: "/root/.bun/install/cache",
  };
  const cache = [caches[manager] ?? "/root/.npm"];
  // corepack runs the exact pnpm or Yarn that package.json's packageManager pins.
  const corepack =
    manager === "pnpm" ||
    (manager === "yarn" && plan.packageManager?.source === "package.json packageManager");
  const setup = [
    ...(manager === "pnpm" ? ["ENV PNPM_HOME=/pnpm", 'ENV PATH="$PNPM_HOME:$PATH"'] : []),
    ...(corepack ? ["ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0", "RUN corepack enable"] : []),
  ];
  const deps = [
    `FROM \${BUILD_IMAGE} AS deps`,
    ...apt(plan.buildPackages),
    ...setup,
    "WORKDIR /app",
    "# Manifests first: a change to the code alone reuses the installed dependencies.",
    ...copyDependencies(plan.dependencyFiles),
    ...(plan.installCommand ? [run(plan.installCommand, cache)] : []),
  ];
  const stages = [deps];
  const built = plan.buildCommand !== undefined;
  if (built) {
    stages.push([
      "FROM deps AS build",
      "COPY . .",
      run(plan.buildCommand ?? "", cache),
      ...(plan.pruneCommand
        ? ["# The build is done: drop what only it needed.", run(plan.pruneCommand, cache)]
        : []),
    ]);
  }
  const starter = plan.startCommand[0];
  const pmAtRuntime = corepack && (starter === "pnpm" || starter === "yarn");
  const runtime = [
    `FROM \${BASE_IMAGE} AS runtime`,
    ...apt(plan.systemPackages),
    ...CREATE_USER,
    ...(manager === "pnpm" && pmAtRuntime ? ["ENV PNPM_HOME=/pnpm", 'ENV PATH="$PNPM_HOME:$PATH"'] : []),
    "# node_modules/.bin on PATH: the start command's tools resolve as they do under npm run.",
    'ENV NODE_ENV=production PATH="/app/node_modules/.bin:$PATH"',
    "WORKDIR /app",
    ...(built ? ["COPY --from=build /app ./"] : ["COPY --from=deps /app ./", "COPY . ."]),
    ...(pmAtRuntime
      ? [
          `# The job starts through ${starter}: install it now, so no task downloads it at start.`,
          "ENV COREPACK_HOME=/usr/local/share/corepack COREPACK_ENABLE_DOWNLOAD_PROMPT=0",
          "RUN corepack enable && corepack install",
        ]
      : []),
  ];
  return { stages, runtime };
}

function pythonBody(plan: BuildPlan): Body {
  const manager = plan.packageManager?.name ?? "pip";
  const version = plan.packageManager?.version;
  const pipCache = "/root/.cache/pip";
  const caches: Record<string, string[]> = {
    pip: [pipCache],
    uv: ["/root/.cache/uv"],
    poetry: ["/root/.cache/pypoetry"],
    pipenv: ["/root/.cache/pipenv", pipCache],
  };
  const cache = caches[manager] ?? [pipCache];
  const venv = ['ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"'];
  const tool =
    manager === "pip"
      ? []
      : [
          `# ${manager} itself stays in this stage; only /opt/venv reaches the image.`,
          run(`pip install ${manager}==${version}`, [pipCache]),
        ];
  const managerEnv: Record<string, string[]> = {
    // uv's cache is a mount on another filesystem: copy rather than hard-link from it.
    uv: [
      "ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/opt/venv",
    ],
    poetry: ["ENV POETRY_NO_INTERACTION=1 POETRY_VIRTUALENVS_CREATE=false"],
  };
  const deps = [
    `FROM \${BUILD_IMAGE} AS deps`,
    ...apt(plan.buildPackages),
    "ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore",
    ...tool,
    ...(manager === "uv" ? [] : ["RUN python -m venv /opt/venv"]),
    ...venv,
    ...(managerEnv[manager] ?? []),
    "WORKDIR /app",
    ...(plan.dependencyFiles.length > 0
      ? [
          "# Manifests first: a change to the code alone reuses the installed dependencies.",
          ...copyDependencies(plan.dependencyFiles),
        ]
      : []),
    ...(plan.installCommand ? [run(plan.installCommand, cache)] : []),
  ];
  const stages = [deps];
  const built = plan.buildCommand !== undefined;
  if (built) stages.push(["FROM deps AS build", "COPY . .", run(plan.buildCommand ?? "", cache)]);
  const from = built ? "build" : "deps";
  const runtime = [
    `FROM \${BASE_IMAGE} AS runtime`,
    ...apt(plan.systemPackages),
    ...CREATE_USER,
    "# Unbuffered, so the job's output reaches CloudWatch as it is written.",
    "ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1",
    ...venv,
    "WORKDIR /app",
    `COPY --from=${from} /opt/venv /opt/venv`,
    ...(built ? ["COPY --from=build /app ./"] : ["COPY . ."]),
  ];
  return { stages, runtime };
}

function rubyBody(plan: BuildPlan): Body {
  const [major, minor] = tagFor("ruby", plan.version.value).split(".");
  // Bundler keeps downloaded .gem files under the Ruby ABI version (3.3.0 for every 3.3.x).
  const cache = [`/usr/local/bundle/ruby/${major}.${minor ?? "0"}.0/cache`];
  const locked = plan.dependencyFiles.includes("Gemfile.lock");
  const env = `ENV BUNDLE_PATH=/usr/local/bundle BUNDLE_WITHOUT=development:test${locked ? " BUNDLE_DEPLOYMENT=1" : ""}`;
  const deps = [
    `FROM \${BUILD_IMAGE} AS deps`,
    ...apt(plan.buildPackages),
    env,
    "WORKDIR /app",
    "# Manifests first: a change to the code alone reuses the installed gems.",
    ...copyDependencies(plan.dependencyFiles),
    ...(plan.installCommand ? [run(plan.installCommand, cache)] : []),
  ];
  const stages = [deps];
  const built = plan.buildCommand !== undefined;
  if (built) stages.push(["FROM deps AS build", "COPY . .", run(plan.buildCommand ?? "")]);
  const runtime = [
    `FROM \${BASE_IMAGE} AS runtime`,
    ...apt(plan.systemPackages),
    ...CREATE_USER,
    env,
    "WORKDIR /app",
    `COPY --from=${built ? "build" : "deps"} /usr/local/bundle /usr/local/bundle`,
    ...(built ? ["COPY --from=build /app ./"] : ["COPY . ."]),
  ];
  return { stages, runtime };
}

function phpBody(plan: BuildPlan): Body {
  const cache = ["/tmp/composer-cache"];
  const composer = plan.packageManager?.name === "composer";
  const stages: Stage[] = [];
  if (composer) stages.push([`FROM \${COMPOSER_IMAGE} AS composer`]);
  const hasBuildStage = composer || plan.installCommand !== undefined || plan.buildCommand !== undefined;
  if (hasBuildStage) {
    stages.push([
      `FROM \${BUILD_IMAGE} AS deps`,
      ...apt(plan.buildPackages),
      ...(composer
        ? [
            "COPY --from=composer /usr/bin/composer /usr/local/bin/composer",
            "ENV COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_CACHE_DIR=/tmp/composer-cache",
          ]
        : []),
      "WORKDIR /app",
      ...(plan.dependencyFiles.length > 0
        ? [
            "# Manifests first: a change to the code alone reuses the installed packages.",
            ...copyDependencies(plan.dependencyFiles),
          ]
        : []),
      ...(plan.installCommand ? [run(plan.installCommand, cache)] : []),
    ]);
    stages.push([
      "FROM deps AS build",
      "COPY . .",
      ...(plan.buildCommand ? [run(plan.buildCommand, cache)] : []),
    ]);
  }
  const runtime = [
    `FROM \${BASE_IMAGE} AS runtime`,
    ...apt(plan.systemPackages),
    "# PHP's production settings: errors are logged (to stderr), not printed into output.",
    'RUN cp "$PHP_INI_DIR/php.ini-production" "$PHP_INI_DIR/php.ini"',
    ...CREATE_USER,
    "WORKDIR /app",
    ...(hasBuildStage ? ["COPY --from=build /app ./"] : ["COPY . ."]),
  ];
  return { stages, runtime };
}

function denoBody(plan: BuildPlan): Body {
  const deps = [
    `FROM \${BUILD_IMAGE} AS deps`,
    ...apt(plan.buildPackages),
    "ENV DENO_DIR=/deno-dir DENO_NO_UPDATE_CHECK=1",
    "WORKDIR /app",
    ...(plan.dependencyFiles.length > 0
      ? [
          "# Manifests first: a change to the code alone reuses the cached modules.",
          ...copyDependencies(plan.dependencyFiles),
        ]
      : []),
    // DENO_DIR is a layer, not a cache mount: the job reads its modules from it at run time.
    ...(plan.installCommand ? [run(plan.installCommand)] : []),
  ];
  const build = ["FROM deps AS build", "COPY . .", ...(plan.buildCommand ? [run(plan.buildCommand)] : [])];
  const runtime = [
    `FROM \${BASE_IMAGE} AS runtime`,
    ...apt(plan.systemPackages),
    ...CREATE_USER,
    "ENV DENO_DIR=/deno-dir DENO_NO_UPDATE_CHECK=1",
    "WORKDIR /app",
    "# The job may add to Deno's module cache; nothing else is writable.",
    `COPY --from=build --chown=${RUNTIME_USER} /deno-dir /deno-dir`,
    "COPY --from=build /app ./",
  ];
  return { stages: [deps, build], runtime };
}

function goBody(plan: BuildPlan): Body {
  const modules = "/go/pkg/mod";
  const distroless = plan.baseImages.runtime.includes("distroless");
  const deps = [
    "# Go cross-compiles, so the build runs on the builder's own platform for every target.",
    `FROM --platform=$BUILDPLATFORM \${BUILD_IMAGE} AS deps`,
    ...apt(plan.buildPackages),
    "WORKDIR /src",
    "# Manifests first: a change to the code alone reuses the downloaded modules.",
    ...copyDependencies(plan.dependencyFiles),
    ...(plan.installCommand ? [run(plan.installCommand, [modules])] : []),
  ];
  const build = [
    "FROM deps AS build",
    "COPY . .",
    "ARG TARGETOS TARGETARCH",
    "# A static binary: no libc to match at run time.",
    "ENV CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH",
    run(plan.buildCommand ?? "", [modules, "/root/.cache/go-build"]),
  ];
  const runtime = [
    `FROM \${BASE_IMAGE} AS runtime`,
    ...(distroless ? [] : [...apt(["ca-certificates", ...plan.systemPackages]), ...CREATE_USER]),
    "WORKDIR /app",
    "COPY --from=build /out/ ./",
  ];
  return { stages: [deps, build], runtime };
}

function rustBody(plan: BuildPlan): Body {
  const build = [
    `FROM \${BUILD_IMAGE} AS build`,
    ...apt(plan.buildPackages),
    "WORKDIR /src",
    ...copyDependencies(plan.dependencyFiles),
    ...(plan.installCommand ? [run(plan.installCommand, ["/usr/local/cargo/registry"])] : []),
    "COPY . .",
    "# Cargo builds dependencies and the crate in one step; with target/ and the registry in cache",
    "# mounts, a change to the code alone recompiles only the crate on the same builder.",
    run(plan.buildCommand ?? "", ["/usr/local/cargo/registry", "/usr/local/cargo/git/db", "/src/target"]),
  ];
  const runtime = [
    `FROM \${BASE_IMAGE} AS runtime`,
    ...apt(plan.systemPackages),
    ...CREATE_USER,
    "WORKDIR /app",
    "COPY --from=build /out/ ./",
  ];
  return { stages: [build], runtime };
}

function javaBody(plan: BuildPlan): Body {
  const maven = plan.packageManager?.name === "maven";
  const cache = [maven ? "/root/.m2" : "/root/.gradle"];
  const output = maven ? "target" : "build/libs";
  const deps = [
    "# Bytecode is the same on every platform: compile once, on the builder's own platform.",
    `FROM --platform=$BUILDPLATFORM \${BUILD_IMAGE} AS deps`,
    ...apt(plan.buildPackages),
    ...(maven ? [] : ["ENV GRADLE_USER_HOME=/root/.gradle"]),
    "WORKDIR /src",
    "# Build files first: a change to the code alone reuses the resolved dependencies.",
    ...copyDependencies(plan.dependencyFiles),
    ...(plan.installCommand ? [run(plan.installCommand, cache)] : []),
  ];
  const build = [
    "FROM deps AS build",
    "COPY . .",
    ...wrappersAgain(plan.dependencyFiles),
    run(plan.buildCommand ?? "", cache),
    "# Exactly one runnable jar: not sources, javadoc or tests jars, nor Spring Boot's -plain jar.",
    "RUN set -eu; \\",
    `    jars=$(find ${output} -maxdepth 1 -name '*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar' \\`,
    "      ! -name '*-tests.jar' ! -name '*-plain.jar' ! -name 'original-*.jar'); \\",
    '    if [ "$(echo "$jars" | grep -c .)" -ne 1 ]; then \\',
    `      echo "expected one runnable jar in ${output}/, found: \${jars:-none}" >&2; exit 1; \\`,
    "    fi; \\",
    '    mkdir -p /out && cp "$jars" /out/app.jar',
  ];
  const runtime = [
    `FROM \${BASE_IMAGE} AS runtime`,
    ...apt(plan.systemPackages),
    ...CREATE_USER,
    "# The heap follows the task's memory; the JVM's default is a quarter of it.",
    'ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"',
    "WORKDIR /app",
    "COPY --from=build /out/ ./",
  ];
  return { stages: [deps, build], runtime };
}

function procfileBody(plan: BuildPlan): Body {
  const steps = plan.installCommand !== undefined || plan.buildCommand !== undefined;
  const stages: Stage[] = steps
    ? [
        [
          `FROM \${BUILD_IMAGE} AS build`,
          ...apt(plan.buildPackages),
          "WORKDIR /app",
          "COPY . .",
          ...(plan.installCommand ? [run(plan.installCommand)] : []),
          ...(plan.buildCommand ? [run(plan.buildCommand)] : []),
        ],
      ]
    : [];
  const runtime = [
    `FROM \${BASE_IMAGE} AS runtime`,
    ...apt(plan.systemPackages),
    ...CREATE_USER,
    "WORKDIR /app",
    steps ? "COPY --from=build /app ./" : "COPY . .",
  ];
  return { stages, runtime };
}

/**
 * The Dockerfile for a plan, as text. Pure: the same plan and options always give the same bytes.
 *
 * @example
 * const dockerfile = generateDockerfile(await detectBuildPlan("."), { source: "https://github.com/acme/jobs", revision: sha });
 */
export function generateDockerfile(plan: BuildPlan, options: GenerateOptions = {}): string {
  let body: Body;
  switch (plan.provider) {
    case "dockerfile":
      throw new FlexjobError("generateDockerfile was called for a job that has its own Dockerfile", {
        code: "INTERNAL",
        fault: "internal",
        remedy: "build the job's own Dockerfile (plan.version.source names it) instead of generating one",
      });
    case "node":
      body = nodeBody(plan);
      break;
    case "python":
      body = pythonBody(plan);
      break;
    case "ruby":
      body = rubyBody(plan);
      break;
    case "php":
      body = phpBody(plan);
      break;
    case "deno":
      body = denoBody(plan);
      break;
    case "go":
      body = goBody(plan);
      break;
    case "rust":
      body = rustBody(plan);
      break;
    case "java":
      body = javaBody(plan);
      break;
    case "procfile":
      body = procfileBody(plan);
      break;
  }
  const args = imageArgs(plan);
  const toolArgs = body.stages.some((stage) => stage.some((line) => line.includes(`\${COMPOSER_IMAGE}`)))
    ? [`ARG COMPOSER_IMAGE=${TOOLS.composerImage}`]
    : [];
  const usesBuildImage = body.stages.some((stage) => stage.some((line) => line.includes(`\${BUILD_IMAGE}`)));
  const argLines = args.lines.filter((line) => usesBuildImage || !line.startsWith("ARG BUILD_IMAGE="));
  const sections = [
    header(plan),
    [...argLines, ...toolArgs],
    ...body.stages,
    [...body.runtime, ...runtimeTail(plan, options)],
  ];
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}
