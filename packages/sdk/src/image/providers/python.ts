import { RUNTIMES, TOOLS } from "../base-images.js";
import {
  type DetectContext,
  readTomlFile,
  readVersionFile,
  resolveVersion,
  toolVersionsSource,
  type VersionSource,
  versionFileSource,
  versionSource,
} from "../context.js";
import { addNativeLibraries, PYTHON_NATIVE } from "../native-libraries.js";
import type { BuildPlan } from "../plan.js";
import { chooseStart } from "../start.js";
import { type TomlTable, tomlGet, tomlString, tomlTable } from "../toml.js";

/**
 * Python from requirements.txt, pyproject.toml, Pipfile or a lone main.py / app.py.
 *
 * - Manager: by lockfile, uv.lock > poetry.lock > Pipfile.lock > requirements.txt; without one,
 *   [tool.poetry] > Pipfile > [tool.uv] > pip. Everything installs into /opt/venv.
 * - Version: .python-version > runtime.txt > .tool-versions `python` > Pipfile [requires] >
 *   pyproject `requires-python` > [tool.poetry.dependencies] python > default.
 * - Start: a Procfile, then main.py, app.py, the one [project.scripts] entry, then start.sh.
 */
type Manager = "uv" | "poetry" | "pipenv" | "pip";

const MARKERS = ["pyproject.toml", "requirements.txt", "Pipfile", "setup.py", "uv.lock", "poetry.lock"];
const LOCKS: readonly (readonly [Manager, string])[] = [
  ["uv", "uv.lock"],
  ["poetry", "poetry.lock"],
  ["pipenv", "Pipfile.lock"],
  ["pip", "requirements.txt"],
];
const PRECEDENCE = "uv > poetry > pipenv > pip";

export async function isPythonProject(ctx: DetectContext): Promise<boolean> {
  for (const file of MARKERS) if (await ctx.files.exists(file)) return true;
  return false;
}

export async function hasPythonEntry(ctx: DetectContext): Promise<boolean> {
  return (await ctx.files.exists("main.py")) || (await ctx.files.exists("app.py"));
}

/** requirements.txt and the files it pulls in with -r / -c, which must be copied with it. */
async function requirementFiles(ctx: DetectContext, file: string, seen: Set<string>): Promise<void> {
  if (seen.has(file)) return;
  const text = await ctx.files.read(file);
  if (text === undefined) return;
  seen.add(file);
  const folder = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "";
  for (const match of text.matchAll(/^\s*(?:-r|-c|--requirement|--constraint)[=\s]\s*(\S+)/gm)) {
    if (match[1]) await requirementFiles(ctx, `${folder}${match[1]}`, seen);
  }
}

async function pythonVersionSources(
  ctx: DetectContext,
  pyproject: TomlTable | undefined,
  pipfile: TomlTable | undefined,
): Promise<(VersionSource | undefined)[]> {
  const runtimeTxt = await readVersionFile(ctx, "runtime.txt");
  const pipfileVersion =
    tomlString(pipfile, "requires", "python_full_version") ??
    tomlString(pipfile, "requires", "python_version");
  const requiresPython = tomlString(pyproject, "project", "requires-python");
  const poetryPython = tomlString(pyproject, "tool", "poetry", "dependencies", "python");
  return [
    await versionFileSource(ctx, ".python-version"),
    versionSource(runtimeTxt?.replace(/^python-/, ""), "runtime.txt"),
    await toolVersionsSource(ctx, "python"),
    versionSource(pipfileVersion, "Pipfile [requires]"),
    versionSource(requiresPython, "pyproject.toml requires-python", "pep440"),
    versionSource(poetryPython, "pyproject.toml tool.poetry.dependencies.python", "npm"),
  ];
}

/** Console scripts the project declares; running one needs the project itself installed. */
function projectScripts(pyproject: TomlTable | undefined): { names: string[]; table: string } {
  const pep621 = tomlTable(pyproject, "project", "scripts");
  if (pep621) return { names: Object.keys(pep621), table: "[project.scripts]" };
  const poetry = tomlTable(pyproject, "tool", "poetry", "scripts");
  return { names: Object.keys(poetry ?? {}), table: "[tool.poetry.scripts]" };
}

export async function planPython(ctx: DetectContext): Promise<BuildPlan> {
  const pyproject = await readTomlFile(ctx, "pyproject.toml");
  const pipfile = await readTomlFile(ctx, "Pipfile");
  const { manager, managerSource, locked } = await choosePythonManager(ctx, pyproject, pipfile);
  const version = resolveVersion(ctx, "python", await pythonVersionSources(ctx, pyproject, pipfile));
  const scripts = projectScripts(pyproject);
  const start = await choosePythonStart(ctx, scripts);
  // A console script exists only once the project itself is installed into the environment.
  const installProject =
    start.source.startsWith("pyproject.toml") ||
    (ctx.start !== undefined && scripts.names.includes(ctx.start.command[0] ?? ""));
  const install = await INSTALLERS[manager](ctx, { pyproject, locked, installProject });
  const { dependencyFiles, installCommand, buildCommand, toolVersion } = install;

  const packages = { build: [] as string[], runtime: [] as string[] };
  await addNativeLibraries(ctx, dependencyFiles, PYTHON_NATIVE, packages);

  const table = RUNTIMES.python;
  return {
    provider: "python",
    language: table.language,
    version: { value: version.value, source: version.source },
    packageManager: {
      name: manager,
      ...(toolVersion === undefined ? {} : { version: toolVersion }),
      source: managerSource,
    },
    ...(installCommand === undefined ? {} : { installCommand }),
    ...(buildCommand === undefined ? {} : { buildCommand }),
    startCommand: start.command,
    startSource: start.source,
    systemPackages: packages.runtime,
    buildPackages: packages.build,
    baseImages: { build: table.buildImage(version.tag), runtime: table.runtimeImage(version.tag) },
    notes: ctx.notes,
    dependencyFiles,
  };
}

/** The manager a lockfile names; without one, the one the project's files suggest, noted as unlocked. */
async function choosePythonManager(
  ctx: DetectContext,
  pyproject: TomlTable | undefined,
  pipfile: TomlTable | undefined,
): Promise<{ manager: Manager; managerSource: string; locked: boolean }> {
  const present: (readonly [Manager, string])[] = [];
  for (const entry of LOCKS) if (await ctx.files.exists(entry[1])) present.push(entry);
  const first = present[0];
  if (first) {
    if (present.length > 1) {
      ctx.notes.push(
        `${present.map(([, file]) => file).join(" and ")} found: using ${first[0]} (precedence ${PRECEDENCE})`,
      );
    }
    return { manager: first[0], managerSource: first[1], locked: true };
  }
  let manager: Manager;
  let managerSource: string;
  if (tomlTable(pyproject, "tool", "poetry"))
    [manager, managerSource] = ["poetry", "pyproject.toml [tool.poetry]"];
  else if (pipfile) [manager, managerSource] = ["pipenv", "Pipfile"];
  else if (tomlTable(pyproject, "tool", "uv")) [manager, managerSource] = ["uv", "pyproject.toml [tool.uv]"];
  else [manager, managerSource] = ["pip", pyproject ? "pyproject.toml" : "default (no dependency file)"];
  if (manager !== "pip" || pyproject || (await ctx.files.exists("setup.py"))) {
    ctx.notes.push(
      `no lockfile: ${manager} resolves dependency versions at build time; commit one for reproducible builds`,
    );
  }
  return { manager, managerSource, locked: false };
}

function choosePythonStart(ctx: DetectContext, scripts: { names: string[]; table: string }) {
  return chooseStart(ctx, {
    procfile: true,
    lookedFor: `there is no Procfile, main.py, app.py or start.sh, and pyproject.toml has ${scripts.names.length > 1 ? `several scripts (${scripts.names.join(", ")}) and none is chosen` : "no [project.scripts] entry"}`,
    remedy: 'add a Procfile with a "worker:" line or a main.py',
    conventional: async () => {
      for (const file of ["main.py", "app.py"]) {
        if (await ctx.files.exists(file)) return { command: ["python", file], source: file };
      }
      const [only] = scripts.names;
      if (only !== undefined && scripts.names.length === 1) {
        return { command: [only], source: `pyproject.toml ${scripts.table} ${only}` };
      }
      return undefined;
    },
  });
}

interface InstallInput {
  pyproject: TomlTable | undefined;
  locked: boolean;
  /** The start command is one of the project's console scripts, so the project itself is installed. */
  installProject: boolean;
}

/** How one manager installs the dependencies (and the project, when it is needed to start). */
interface InstallSteps {
  dependencyFiles: string[];
  installCommand?: string | undefined;
  buildCommand?: string | undefined;
  toolVersion?: string | undefined;
}

const INSTALLERS: Record<Manager, (ctx: DetectContext, input: InstallInput) => Promise<InstallSteps>> = {
  uv: installWithUv,
  poetry: installWithPoetry,
  pipenv: async (_ctx, { locked, installProject }) => ({
    toolVersion: TOOLS.pipenv,
    dependencyFiles: ["Pipfile", ...(locked ? ["Pipfile.lock"] : [])],
    installCommand: locked ? "pipenv install --deploy" : "pipenv install --skip-lock",
    buildCommand: installProject ? "pip install --no-deps ." : undefined,
  }),
  pip: installWithPip,
};

async function installWithUv(ctx: DetectContext, input: InstallInput): Promise<InstallSteps> {
  const { pyproject, locked, installProject } = input;
  const required = tomlString(pyproject, "tool", "uv", "required-version");
  const exact = required === undefined ? undefined : /^(?:==)?\s*(\d+\.\d+\.\d+)$/.exec(required)?.[1];
  const lock = locked ? " --locked" : "";
  const dependencyFiles = ["pyproject.toml", ...(locked ? ["uv.lock"] : [])];
  if (await ctx.files.exists(".python-version")) dependencyFiles.push(".python-version");
  return {
    toolVersion: exact ?? TOOLS.uv,
    dependencyFiles,
    installCommand: `uv sync${lock} --no-dev --no-install-project`,
    buildCommand: installProject ? `uv sync${lock} --no-dev --no-editable` : undefined,
  };
}

async function installWithPoetry(ctx: DetectContext, input: InstallInput): Promise<InstallSteps> {
  const { pyproject, locked, installProject } = input;
  const header = (await ctx.files.read("poetry.lock"))?.split("\n", 1)[0] ?? "";
  const toolVersion = /generated by Poetry (\d+\.\d+(?:\.\d+)?)/.exec(header)?.[1] ?? TOOLS.poetry;
  const [major, minor] = toolVersion.split(".").map(Number);
  // --only arrived in Poetry 1.2; older releases spell it --no-dev.
  const main = (major ?? 0) > 1 || (minor ?? 0) >= 2 ? "--only main" : "--no-dev";
  const dependencyFiles = ["pyproject.toml", ...(locked ? ["poetry.lock"] : [])];
  if (await ctx.files.exists("poetry.toml")) dependencyFiles.push("poetry.toml");
  const packageMode = tomlGet(pyproject, "tool", "poetry", "package-mode");
  return {
    toolVersion,
    dependencyFiles,
    installCommand: `poetry install ${main} --no-root`,
    buildCommand: installProject && packageMode !== false ? `poetry install ${main}` : undefined,
  };
}

async function installWithPip(ctx: DetectContext, input: InstallInput): Promise<InstallSteps> {
  if (await ctx.files.exists("requirements.txt")) {
    const seen = new Set<string>();
    await requirementFiles(ctx, "requirements.txt", seen);
    return {
      dependencyFiles: [...seen],
      installCommand: "pip install -r requirements.txt",
      buildCommand: input.installProject ? "pip install --no-deps ." : undefined,
    };
  }
  // Without a requirements file the dependencies are known only to the project's own build.
  if (input.pyproject || (await ctx.files.exists("setup.py")))
    return { dependencyFiles: [], buildCommand: "pip install ." };
  return { dependencyFiles: [] };
}
