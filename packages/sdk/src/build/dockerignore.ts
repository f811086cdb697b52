import type { BuildPlan } from "./plan.js";

/**
 * What never belongs in a job's build context when flexjob generates the Dockerfile: version
 * control, local dependency folders and build output (the image makes its own), secrets in .env
 * files, logs and editor litter. flexjob.yml stays: jobs may read their own config.
 */
const COMMON = [".git", "**/.DS_Store", ".idea", ".vscode", "*.log", ".env", ".env.*"];

const BY_PROVIDER: Readonly<Record<BuildPlan["provider"], readonly string[]>> = {
  node: ["**/node_modules", "coverage", ".nyc_output", ".npm", ".pnpm-store"],
  python: [
    "**/__pycache__",
    "**/*.py[cod]",
    ".venv",
    "venv",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".tox",
    "*.egg-info",
  ],
  go: [],
  ruby: [".bundle", "vendor/bundle", "log", "tmp"],
  rust: ["target"],
  java: ["target", "build", ".gradle"],
  php: ["vendor"],
  deno: [],
  procfile: [],
  dockerfile: [],
};

/** Build output the generated Dockerfile makes itself, so a stale local copy must not shadow it. */
function buildOutputs(plan: BuildPlan): string[] {
  return plan.provider === "node" && plan.buildCommand !== undefined ? ["dist"] : [];
}

/** A pattern as Docker compares it: without leading `/` or `./`, nor trailing `/`. */
function normalise(line: string): string {
  const negated = line.startsWith("!");
  const pattern = (negated ? line.slice(1) : line)
    .trim()
    .replace(/^(\.?\/)+/, "")
    .replace(/\/+$/, "");
  return `${negated ? "!" : ""}${pattern}`;
}

function isPattern(line: string): boolean {
  const trimmed = line.trim();
  return trimmed !== "" && !trimmed.startsWith("#");
}

/**
 * The .dockerignore for a generated Dockerfile: flexjob's defaults first, then the repository's
 * own lines, which win because Docker applies the last matching line (so a `!dist` of the
 * repository brings dist back). Of duplicate patterns only the last is kept, which never changes
 * what a file set means. For a job with its own Dockerfile, the repository's file is used as is.
 */
export function generateDockerignore(plan: BuildPlan, existing?: string): string {
  if (plan.provider === "dockerfile") return existing ?? "";
  const defaults = [...COMMON, ...BY_PROVIDER[plan.provider], ...buildOutputs(plan)];
  const own = existing === undefined ? [] : existing.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n");
  const lastIndex = new Map<string, number>();
  const all = [...defaults, ...own];
  all.forEach((line, index) => {
    if (isPattern(line)) lastIndex.set(normalise(line), index);
  });
  const keep = (line: string, index: number) => !isPattern(line) || lastIndex.get(normalise(line)) === index;
  const kept = all.map((line, index) => ({ line, index })).filter(({ line, index }) => keep(line, index));
  const fromDefaults = kept.filter(({ index }) => index < defaults.length).map(({ line }) => line);
  const fromRepository = kept.filter(({ index }) => index >= defaults.length).map(({ line }) => line);
  const sections = [["# Added by flexjob for its generated Dockerfile", ...fromDefaults]];
  if (own.length > 0) sections.push(["# From the repository's .dockerignore", ...fromRepository]);
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}
