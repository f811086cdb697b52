import { internal, showValue } from "../errors.js";
import { debianFor, RUNTIMES, type Runtime, TOOLS, tagFor } from "./base-images.js";
import { inputError } from "./context.js";
import { type Instruction, renderDockerfile, shellWord } from "./dockerfile-syntax.js";
import type { BuildPlan, BuildProvider } from "./plan.js";
import { managerPackage } from "./providers/node-managers.js";

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
 * - Build secrets (`source.buildSecrets`) are environment variables of the install and build
 *   steps only: each RUN reads them from BuildKit secret mounts, so no layer, ENV or ARG has them.
 *
 * Overrides (INSTALL_CMD, START_CMD…) are already in the plan: the Dockerfile shows the commands
 * that run, not placeholders for them. The bodies below are instructions as data; only
 * dockerfile-syntax.ts writes Dockerfile text, escaping each value for where it lands.
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

type Stage = Instruction[];

const comment = (text: string): Instruction => ({ op: "comment", text });
const env = (text: string): Instruction => ({ op: "ENV", text });
const workdir = (path: string): Instruction => ({ op: "WORKDIR", path });
const from = (image: string, stage: string, platform?: string): Instruction =>
  platform === undefined ? { op: "FROM", image, stage } : { op: "FROM", image, stage, platform };
/** What the previous stage left in a folder, e.g. `COPY --from=build /app ./`. */
const copyFrom = (stage: string, source: string, dest: string, chown?: string): Instruction => ({
  op: "COPY",
  what: "a stage's folder",
  from: stage,
  ...(chown === undefined ? {} : { chown }),
  sources: [source],
  dest,
});
const COPY_SOURCE: Instruction = { op: "COPY", what: "the job's folder", sources: ["."], dest: "." };
/** flexjob's own shell script, continued over lines. */
const script = (what: string, ...lines: string[]): Instruction => ({ op: "RUN", what, lines });

/** An install, build or prune step: the plan's command, with its caches and the build secrets. */
function step(plan: BuildPlan, what: string, command: string, caches: readonly string[] = []): Instruction {
  return {
    op: "RUN",
    what,
    mounts: caches.map((target) => ({ type: "cache", target })),
    secrets: plan.buildSecrets ?? [],
    lines: [command],
  };
}

/** The build arg that set a command, else the command as detected: what an error about it names. */
function commandName(plan: BuildPlan, arg: "INSTALL_CMD" | "BUILD_CMD", step: string): string {
  return plan.notes.some((note) => note.startsWith(`build arg ${arg} `))
    ? `build arg ${arg}`
    : `the detected ${step} command`;
}

function installStep(plan: BuildPlan, caches?: readonly string[]): Instruction[] {
  if (plan.installCommand === undefined) return [];
  return [step(plan, commandName(plan, "INSTALL_CMD", "install"), plan.installCommand, caches)];
}

function buildStep(plan: BuildPlan, caches?: readonly string[]): Instruction[] {
  if (plan.buildCommand === undefined) return [];
  return [step(plan, commandName(plan, "BUILD_CMD", "build"), plan.buildCommand, caches)];
}

function apt(packages: readonly string[]): Instruction[] {
  if (packages.length === 0) return [];
  const names = [...packages].sort().map((name) => shellWord(name, "apt package"));
  return [
    script(
      "the apt install",
      "apt-get update",
      ` && apt-get install --yes --no-install-recommends ${names.join(" ")}`,
      " && rm -rf /var/lib/apt/lists/*",
    ),
  ];
}

/** A user with a home folder, for tools that write to ~ (npm's logs, pip's cache). */
const CREATE_USER = script(
  "the user creation",
  "groupadd --system --gid 10001 app",
  " && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app",
);

const WRAPPERS = new Set(["mvnw", "gradlew"]);

/** A build tool's wrapper script; it runs even when the checkout lost its mode bit (Windows, zip downloads). */
const copyWrapper = (file: string): Instruction => ({
  op: "COPY",
  what: "a build tool wrapper",
  chmod: "755",
  sources: [file],
  dest: "./",
});

/** COPY instructions for the dependency files: one per folder, so each lands where it was. */
function copyDependencies(files: readonly string[]): Instruction[] {
  const what = "a dependency file";
  const copies: Instruction[] = [];
  const byFolder = new Map<string, string[]>();
  for (const file of files) {
    if (WRAPPERS.has(file)) copies.push(copyWrapper(file));
    else if (file.endsWith("/")) copies.push({ op: "COPY", what, sources: [file], dest: file });
    else {
      const folder = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "./";
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), file]);
    }
  }
  const grouped = [...byFolder].map(
    ([folder, names]): Instruction => ({ op: "COPY", what, sources: names, dest: folder }),
  );
  return [...grouped, ...copies];
}

function wrappersAgain(files: readonly string[]): Instruction[] {
  return files.filter((file) => WRAPPERS.has(file)).map(copyWrapper);
}

function labelValue(name: string, value: string | undefined): string {
  if (value === undefined) return "";
  if (!/^[A-Za-z0-9._~:/?#@!&'()*+,;=%-]*$/.test(value)) {
    throw inputError(
      `image ${name} ${showValue(value)} has characters a Dockerfile ARG cannot hold as is`,
      `pass a URL or a commit SHA without spaces, quotes or $`,
    );
  }
  return value;
}

function runtimeTail(plan: BuildPlan, options: GenerateOptions): Instruction[] {
  return [
    comment("Last, so that a new revision never invalidates a cached layer."),
    { op: "ARG", names: [LABEL_BUILD_ARGS.source], value: labelValue("source", options.source) },
    { op: "ARG", names: [LABEL_BUILD_ARGS.revision], value: labelValue("revision", options.revision) },
    {
      op: "LABEL",
      labels: [
        ["org.opencontainers.image.source", `"\${${LABEL_BUILD_ARGS.source}}"`],
        ["org.opencontainers.image.revision", `"\${${LABEL_BUILD_ARGS.revision}}"`],
      ],
    },
    { op: "USER", user: RUNTIME_USER },
    { op: "CMD", what: `the start command (${plan.startSource})`, exec: plan.startCommand },
  ];
}

/** The runtime table a plan's images come from, for writing them with `${VERSION}`. */
function runtimeOf(plan: BuildPlan): Runtime {
  if (plan.provider === "node") return plan.packageManager?.name === "bun" ? "bun" : "node";
  if (plan.provider === "procfile" || plan.provider === "shell") return "debian";
  if (plan.provider === "dockerfile")
    throw internal("runtimeOf was called for a job that has its own Dockerfile");
  return plan.provider;
}

const arg = (name: string, value: string): Instruction => ({ op: "ARG", names: [name], value });

/** ARG instructions for the images: `${VERSION}` where an image is exactly what the table makes of it. */
function imageArgs(plan: BuildPlan): Instruction[] {
  const runtime = runtimeOf(plan);
  const table = RUNTIMES[runtime];
  const tag = tagFor(runtime, plan.version.value);
  // The Debian release follows the tag the table pins, so `${VERSION}` keeps it.
  const debian = debianFor(runtime, tag);
  const templates = [
    (version: string) => table.buildTemplate(version, debian),
    (version: string) => table.runtimeTemplate(version, debian),
    TOOLS.mavenImage,
    TOOLS.gradleImage,
  ];
  const withVersion = (image: string) => {
    const template = templates.find((make) => make(tag) === image && make(`\${VERSION}`) !== image);
    return template ? template(`\${VERSION}`) : image;
  };
  const build = withVersion(plan.baseImages.build);
  const base = withVersion(plan.baseImages.runtime);
  const args: Instruction[] = [];
  if (build.includes(`\${VERSION}`) || base.includes(`\${VERSION}`)) args.push(arg("VERSION", tag));
  if (plan.baseImages.build === plan.baseImages.runtime) {
    args.push(arg("BASE_IMAGE", base), arg("BUILD_IMAGE", `\${BASE_IMAGE}`));
  } else {
    args.push(arg("BUILD_IMAGE", build), arg("BASE_IMAGE", base));
  }
  return args;
}

function header(plan: BuildPlan): Instruction[] {
  const manager = plan.packageManager
    ? `; ${plan.packageManager.name}${plan.packageManager.version ? ` ${plan.packageManager.version}` : ""}, from ${plan.packageManager.source}`
    : "";
  return [
    comment(
      `Generated by flexjob: ${plan.language} ${plan.version.value}, from ${plan.version.source}${manager}.`,
    ),
    comment(`Starts: ${plan.startCommand.join(" ")} (${plan.startSource}).`),
    comment("A Dockerfile in the job's folder replaces this one."),
    ...plan.notes.map((note) => comment(`Note: ${note}`)),
  ];
}

// ---------------------------------------------------------------------------------------------
// Per language: the stages between the ARGs and the runtime's tail.

/** The runtime stage: the base image, the job's system packages and its unprivileged user, then `rest`. */
function runtimeStage(plan: BuildPlan, rest: readonly Instruction[]): Stage {
  return [from(`\${BASE_IMAGE}`, "runtime"), ...apt(plan.systemPackages), CREATE_USER, ...rest];
}

interface Body {
  stages: Stage[];
  /** The runtime stage's instructions before the tail (USER, CMD). */
  runtime: Stage;
}

/** The dependency manifests before the code, so a change to the code alone reuses the layers they make. */
function manifestsFirst(files: readonly string[], reused: string): Instruction[] {
  if (files.length === 0) return [];
  return [
    comment(`Manifests first: a change to the code alone reuses the ${reused}.`),
    ...copyDependencies(files),
  ];
}

function nodeCaches(plan: BuildPlan): string[] {
  const manager = plan.packageManager?.name ?? "npm";
  const release = plan.packageManager?.version;
  const berry = manager === "yarn" && release !== undefined && !release.startsWith("1");
  const caches: Record<string, string> = {
    npm: "/root/.npm",
    pnpm: "/pnpm/store",
    yarn: berry ? "/root/.yarn/berry/cache" : "/usr/local/share/.cache/yarn",
    bun: "/root/.bun/install/cache",
  };
  return [caches[manager] ?? "/root/.npm"];
}

const PNPM_HOME = [env("PNPM_HOME=/pnpm"), env('PATH="$PNPM_HOME:$PATH"')];

/**
 * pnpm, Yarn or npm at the exact release the plan pins, from the npm registry the install reaches
 * anyway. Not corepack: Node.js 25 and later no longer ship it, and an old corepack fails the
 * signature check of a new release. `--force` replaces the Yarn 1 some Node.js images carry.
 */
function managerInstall(plan: BuildPlan): Instruction[] {
  const manager = plan.packageManager;
  if (manager === undefined || manager.version === undefined || manager.name === "bun") return [];
  const spec = shellWord(
    `${managerPackage(manager.name, manager.version)}@${manager.version}`,
    "package manager version",
  );
  const force = manager.name === "yarn" ? " --force" : "";
  return [
    comment(`${manager.name} ${manager.version} (${manager.source}), never the newest at build time.`),
    step(
      { ...plan, buildSecrets: [] },
      `the ${manager.name} install`,
      `npm install --global${force} ${spec}`,
      ["/root/.npm"],
    ),
  ];
}

function nodeBody(plan: BuildPlan): Body {
  const manager = plan.packageManager?.name ?? "npm";
  const cache = nodeCaches(plan);
  const tool = managerInstall(plan);
  const deps: Stage = [
    from(`\${BUILD_IMAGE}`, "deps"),
    ...apt(plan.buildPackages),
    ...(manager === "pnpm" ? PNPM_HOME : []),
    ...tool,
    workdir("/app"),
    ...manifestsFirst(plan.dependencyFiles, "installed dependencies"),
    ...installStep(plan, cache),
  ];
  const stages = [deps];
  const built = plan.buildCommand !== undefined;
  if (built) {
    stages.push([
      from("deps", "build"),
      COPY_SOURCE,
      ...buildStep(plan, cache),
      ...(plan.pruneCommand
        ? [
            comment("The build is done: drop what only it needed."),
            step(plan, "the detected prune command", plan.pruneCommand, cache),
          ]
        : []),
    ]);
  }
  const starter = plan.startCommand[0];
  // The job starts through its package manager: install it now, so no task downloads it at start.
  const pmAtRuntime = tool.length > 0 && starter === manager;
  const runtime = runtimeStage(plan, [
    ...(manager === "pnpm" && pmAtRuntime ? PNPM_HOME : []),
    ...(pmAtRuntime ? tool : []),
    comment("node_modules/.bin on PATH: the start command's tools resolve as they do under npm run."),
    env('NODE_ENV=production PATH="/app/node_modules/.bin:$PATH"'),
    workdir("/app"),
    ...(built ? [copyFrom("build", "/app", "./")] : [copyFrom("deps", "/app", "./"), COPY_SOURCE]),
  ]);
  return { stages, runtime };
}

/**
 * Python's virtualenv and Ruby's bundle are installed outside /app, so the runtime stage copies
 * that directory and the app, each from the build stage when the plan builds, else from deps.
 */
function installedOutsideApp(
  plan: BuildPlan,
  stage: {
    deps: Stage;
    installed: string;
    runtimeEnv: readonly Instruction[];
    buildCaches?: readonly string[];
  },
): Body {
  const built = plan.buildCommand !== undefined;
  const stages = [stage.deps];
  if (built) stages.push([from("deps", "build"), COPY_SOURCE, ...buildStep(plan, stage.buildCaches)]);
  const runtime = runtimeStage(plan, [
    ...stage.runtimeEnv,
    workdir("/app"),
    copyFrom(built ? "build" : "deps", stage.installed, stage.installed),
    ...(built ? [copyFrom("build", "/app", "./")] : [COPY_SOURCE]),
  ]);
  return { stages, runtime };
}

function pythonTool(plan: BuildPlan, manager: string, pipCache: string): Instruction[] {
  if (manager === "pip") return [];
  const version = plan.packageManager?.version ?? "";
  return [
    comment(`${manager} itself stays in this stage; only /opt/venv reaches the image.`),
    step(
      plan,
      `the ${manager} install`,
      `pip install ${shellWord(`${manager}==${version}`, `${manager} version`)}`,
      [pipCache],
    ),
  ];
}

function pythonBody(plan: BuildPlan): Body {
  const manager = plan.packageManager?.name ?? "pip";
  const pipCache = "/root/.cache/pip";
  const caches: Record<string, string[]> = {
    pip: [pipCache],
    uv: ["/root/.cache/uv"],
    poetry: ["/root/.cache/pypoetry"],
    pipenv: ["/root/.cache/pipenv", pipCache],
  };
  const cache = caches[manager] ?? [pipCache];
  const venv = env('VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"');
  const managerEnv: Record<string, Instruction[]> = {
    // uv's cache is a mount on another filesystem: copy rather than hard-link from it.
    uv: [
      env(
        "UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/opt/venv",
      ),
    ],
    poetry: [env("POETRY_NO_INTERACTION=1 POETRY_VIRTUALENVS_CREATE=false")],
  };
  const deps: Stage = [
    from(`\${BUILD_IMAGE}`, "deps"),
    ...apt(plan.buildPackages),
    env("PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore"),
    ...pythonTool(plan, manager, pipCache),
    ...(manager === "uv" ? [] : [script("the virtualenv", "python -m venv /opt/venv")]),
    venv,
    ...(managerEnv[manager] ?? []),
    workdir("/app"),
    ...manifestsFirst(plan.dependencyFiles, "installed dependencies"),
    ...installStep(plan, cache),
  ];
  const runtimeEnv = [
    comment("Unbuffered, so the job's output reaches CloudWatch as it is written."),
    env("PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1"),
    venv,
  ];
  return installedOutsideApp(plan, { deps, installed: "/opt/venv", runtimeEnv, buildCaches: cache });
}

function rubyBody(plan: BuildPlan): Body {
  const [major, minor] = tagFor("ruby", plan.version.value).split(".");
  // Bundler keeps downloaded .gem files under the Ruby ABI version (3.3.0 for every 3.3.x).
  const cache = [`/usr/local/bundle/ruby/${major}.${minor ?? "0"}.0/cache`];
  const locked = plan.dependencyFiles.includes("Gemfile.lock");
  const bundle = env(
    `BUNDLE_PATH=/usr/local/bundle BUNDLE_WITHOUT=development:test${locked ? " BUNDLE_DEPLOYMENT=1" : ""}`,
  );
  const deps: Stage = [
    from(`\${BUILD_IMAGE}`, "deps"),
    ...apt(plan.buildPackages),
    bundle,
    workdir("/app"),
    ...manifestsFirst(plan.dependencyFiles, "installed gems"),
    ...installStep(plan, cache),
  ];
  return installedOutsideApp(plan, { deps, installed: "/usr/local/bundle", runtimeEnv: [bundle] });
}

function phpBody(plan: BuildPlan): Body {
  const cache = ["/tmp/composer-cache"];
  const composer = plan.packageManager?.name === "composer";
  const stages: Stage[] = [];
  if (composer) stages.push([from(`\${COMPOSER_IMAGE}`, "composer")]);
  const hasBuildStage = composer || plan.installCommand !== undefined || plan.buildCommand !== undefined;
  if (hasBuildStage) {
    stages.push([
      from(`\${BUILD_IMAGE}`, "deps"),
      ...apt(plan.buildPackages),
      ...(composer
        ? [
            copyFrom("composer", "/usr/bin/composer", "/usr/local/bin/composer"),
            env("COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_CACHE_DIR=/tmp/composer-cache"),
          ]
        : []),
      workdir("/app"),
      ...manifestsFirst(plan.dependencyFiles, "installed packages"),
      ...installStep(plan, cache),
    ]);
    stages.push([from("deps", "build"), COPY_SOURCE, ...buildStep(plan, cache)]);
  }
  const runtime: Stage = [
    from(`\${BASE_IMAGE}`, "runtime"),
    ...apt(plan.systemPackages),
    comment("PHP's production settings: errors are logged (to stderr), not printed into output."),
    script("the php.ini copy", 'cp "$PHP_INI_DIR/php.ini-production" "$PHP_INI_DIR/php.ini"'),
    CREATE_USER,
    workdir("/app"),
    ...(hasBuildStage ? [copyFrom("build", "/app", "./")] : [COPY_SOURCE]),
  ];
  return { stages, runtime };
}

function denoBody(plan: BuildPlan): Body {
  const deps: Stage = [
    from(`\${BUILD_IMAGE}`, "deps"),
    ...apt(plan.buildPackages),
    env("DENO_DIR=/deno-dir DENO_NO_UPDATE_CHECK=1"),
    workdir("/app"),
    ...manifestsFirst(plan.dependencyFiles, "cached modules"),
    // DENO_DIR is a layer, not a cache mount: the job reads its modules from it at run time.
    ...installStep(plan),
  ];
  const build: Stage = [from("deps", "build"), COPY_SOURCE, ...buildStep(plan)];
  const runtime = runtimeStage(plan, [
    env("DENO_DIR=/deno-dir DENO_NO_UPDATE_CHECK=1"),
    workdir("/app"),
    comment("The job may add to Deno's module cache; nothing else is writable."),
    copyFrom("build", "/deno-dir", "/deno-dir", RUNTIME_USER),
    copyFrom("build", "/app", "./"),
  ]);
  return { stages: [deps, build], runtime };
}

function goBody(plan: BuildPlan): Body {
  const modules = "/go/pkg/mod";
  const distroless = plan.baseImages.runtime.includes("distroless");
  const deps: Stage = [
    comment("Go cross-compiles, so the build runs on the builder's own platform for every target."),
    from(`\${BUILD_IMAGE}`, "deps", "$BUILDPLATFORM"),
    ...apt(plan.buildPackages),
    workdir("/src"),
    ...manifestsFirst(plan.dependencyFiles, "downloaded modules"),
    ...installStep(plan, [modules]),
  ];
  const build: Stage = [
    from("deps", "build"),
    COPY_SOURCE,
    { op: "ARG", names: ["TARGETOS", "TARGETARCH"] },
    comment("A static binary: no libc to match at run time."),
    env("CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH"),
    ...buildStep(plan, [modules, "/root/.cache/go-build"]),
  ];
  const runtime: Stage = [
    from(`\${BASE_IMAGE}`, "runtime"),
    ...(distroless ? [] : [...apt(["ca-certificates", ...plan.systemPackages]), CREATE_USER]),
    workdir("/app"),
    copyFrom("build", "/out/", "./"),
  ];
  return { stages: [deps, build], runtime };
}

function rustBody(plan: BuildPlan): Body {
  const build: Stage = [
    from(`\${BUILD_IMAGE}`, "build"),
    ...apt(plan.buildPackages),
    workdir("/src"),
    ...copyDependencies(plan.dependencyFiles),
    ...installStep(plan, ["/usr/local/cargo/registry"]),
    COPY_SOURCE,
    comment("Cargo builds dependencies and the crate in one step; with target/ and the registry in cache"),
    comment("mounts, a change to the code alone recompiles only the crate on the same builder."),
    ...buildStep(plan, ["/usr/local/cargo/registry", "/usr/local/cargo/git/db", "/src/target"]),
  ];
  const runtime = runtimeStage(plan, [workdir("/app"), copyFrom("build", "/out/", "./")]);
  return { stages: [build], runtime };
}

/** Exactly one runnable jar: not sources, javadoc or tests jars, nor Spring Boot's -plain jar. */
function pickJar(output: string): Instruction {
  return script(
    "the jar selection",
    "set -eu;",
    `    jars=$(find ${output} -maxdepth 1 -name '*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar'`,
    "      ! -name '*-tests.jar' ! -name '*-plain.jar' ! -name 'original-*.jar');",
    '    if [ "$(echo "$jars" | grep -c .)" -ne 1 ]; then',
    `      echo "expected one runnable jar in ${output}/, found: \${jars:-none}" >&2; exit 1;`,
    "    fi;",
    '    mkdir -p /out && cp "$jars" /out/app.jar',
  );
}

function javaBody(plan: BuildPlan): Body {
  const maven = plan.packageManager?.name === "maven";
  const cache = [maven ? "/root/.m2" : "/root/.gradle"];
  const output = maven ? "target" : "build/libs";
  const deps: Stage = [
    comment("Bytecode is the same on every platform: compile once, on the builder's own platform."),
    from(`\${BUILD_IMAGE}`, "deps", "$BUILDPLATFORM"),
    ...apt(plan.buildPackages),
    ...(maven ? [] : [env("GRADLE_USER_HOME=/root/.gradle")]),
    workdir("/src"),
    comment("Build files first: a change to the code alone reuses the resolved dependencies."),
    ...copyDependencies(plan.dependencyFiles),
    ...installStep(plan, cache),
  ];
  const build: Stage = [
    from("deps", "build"),
    COPY_SOURCE,
    ...wrappersAgain(plan.dependencyFiles),
    ...buildStep(plan, cache),
    comment("Exactly one runnable jar: not sources, javadoc or tests jars, nor Spring Boot's -plain jar."),
    pickJar(output),
  ];
  const runtime = runtimeStage(plan, [
    comment("The heap follows the task's memory; the JVM's default is a quarter of it."),
    env('JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"'),
    workdir("/app"),
    copyFrom("build", "/out/", "./"),
  ]);
  return { stages: [deps, build], runtime };
}

function procfileBody(plan: BuildPlan): Body {
  const steps = plan.installCommand !== undefined || plan.buildCommand !== undefined;
  const stages: Stage[] = steps
    ? [
        [
          from(`\${BUILD_IMAGE}`, "build"),
          ...apt(plan.buildPackages),
          workdir("/app"),
          COPY_SOURCE,
          ...installStep(plan),
          ...buildStep(plan),
        ],
      ]
    : [];
  const runtime = runtimeStage(plan, [
    workdir("/app"),
    steps ? copyFrom("build", "/app", "./") : COPY_SOURCE,
  ]);
  return { stages, runtime };
}

/** The body each generated provider writes; a shell job is built like a Procfile one (a command on Debian). */
const BODIES: Readonly<Record<Exclude<BuildProvider, "dockerfile">, (plan: BuildPlan) => Body>> = {
  node: nodeBody,
  python: pythonBody,
  ruby: rubyBody,
  php: phpBody,
  deno: denoBody,
  go: goBody,
  rust: rustBody,
  java: javaBody,
  procfile: procfileBody,
  shell: procfileBody,
};

function bodyOf(plan: BuildPlan): Body {
  if (plan.provider === "dockerfile") {
    throw internal(
      "generateDockerfile was called for a job that has its own Dockerfile",
      "build the job's own Dockerfile (plan.version.source names it) instead of generating one",
    );
  }
  return BODIES[plan.provider](plan);
}

const builtFrom = (stages: readonly Stage[], image: string) =>
  stages.some((stage) =>
    stage.some((instruction) => instruction.op === "FROM" && instruction.image === image),
  );

/**
 * The Dockerfile for a plan, as text. Pure: the same plan and options always give the same bytes.
 *
 * @example
 * const dockerfile = generateDockerfile(await detectBuildPlan("."), { source: "https://github.com/acme/jobs", revision: sha });
 */
export function generateDockerfile(plan: BuildPlan, options: GenerateOptions = {}): string {
  const body = bodyOf(plan);
  const toolArgs = builtFrom(body.stages, `\${COMPOSER_IMAGE}`)
    ? [arg("COMPOSER_IMAGE", TOOLS.composerImage)]
    : [];
  const usesBuildImage = builtFrom(body.stages, `\${BUILD_IMAGE}`);
  const args = imageArgs(plan).filter(
    (instruction) => usesBuildImage || instruction.op !== "ARG" || instruction.names[0] !== "BUILD_IMAGE",
  );
  return renderDockerfile([
    header(plan),
    [...args, ...toolArgs],
    ...body.stages,
    [...body.runtime, ...runtimeTail(plan, options)],
  ]);
}
