import type { BuildPlan } from "./plan.js";

/**
 * Files that hold credentials, at any depth: env files, package-registry and netrc logins, cloud
 * and SSH keys, certificates' private keys. They never belong in an image, whoever wrote the
 * Dockerfile. Version control goes with them: a nested `.git/config` can hold a checkout token.
 */
const SECRETS = [
  "**/.git",
  "**/.env",
  "**/.env.*",
  "**/.npmrc",
  "**/.pypirc",
  "**/.netrc",
  "**/_netrc",
  "**/.git-credentials",
  "**/.aws",
  "**/.ssh",
  "**/.docker/config.json",
  "**/*.pem",
  "**/*.key",
  "**/*.p12",
  "**/*.pfx",
  "**/id_rsa*",
  "**/id_dsa*",
  "**/id_ecdsa*",
  "**/id_ed25519*",
  "**/*.tfstate",
  "**/*.tfstate.*",
];

/**
 * What else never belongs in a job's build context when flexjob generates the Dockerfile: local
 * dependency folders and build output (the image makes its own), logs and editor litter.
 * flexjob.yml stays: jobs may read their own config.
 */
const COMMON = ["**/.DS_Store", "**/.idea", "**/.vscode", "**/*.log"];

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
  shell: [],
  dockerfile: [],
};

/** Build output the generated Dockerfile makes itself, so a stale local copy must not shadow it. */
function buildOutputs(plan: BuildPlan): string[] {
  return plan.provider === "node" && plan.buildCommand !== undefined ? ["dist"] : [];
}

/**
 * The root `.npmrc` comes back when the generated Dockerfile installs with it: detection keeps it
 * as a dependency file only when it holds settings and no literal token (see the Node provider).
 */
function exceptions(plan: BuildPlan): string[] {
  return plan.dependencyFiles.includes(".npmrc") ? ["!.npmrc"] : [];
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
 * A path as a .dockerignore line matching exactly it: Docker's pattern characters escaped, a
 * leading `#` or `!` kept from reading as a comment or an exception, and characters a line cannot
 * hold (line breaks, edge spaces Docker trims) matched by `?` — which can only exclude more.
 */
export function literalPattern(path: string): string {
  const escaped = path.replace(/[\\*?[]/g, (char) => `\\${char}`).replace(/[\r\n\u2028\u2029]/g, "?");
  const edges = escaped.replace(/^\s+|\s+$/g, (spaces) => "?".repeat(spaces.length));
  return /^[#!]/.test(edges) ? `./${edges}` : edges;
}

export interface DockerignoreInputs {
  /** The repository's own .dockerignore (for a user Dockerfile: `<Dockerfile>.dockerignore` or `.dockerignore`). */
  existing?: string | undefined;
  /** Paths, relative to the context, that the repository's .gitignore files ignore. */
  gitignored?: readonly string[];
}

/**
 * The .dockerignore a build uses. For a generated Dockerfile: flexjob's defaults, then what the
 * repository's .gitignore files ignore, then the repository's own .dockerignore, which wins
 * because Docker applies the last matching line (a `!dist` of the repository brings dist back).
 * Of duplicate patterns only the last is kept, which never changes what a file set means.
 *
 * A user's own Dockerfile with its own .dockerignore gets that file as is. Without one it gets
 * only the credential files: its Dockerfile may copy what git ignores on purpose (a `dist/`
 * built before `docker build`), so neither .gitignore nor language defaults apply to it.
 */
export function generateDockerignore(plan: BuildPlan, inputs: DockerignoreInputs = {}): string {
  const { existing, gitignored = [] } = inputs;
  if (plan.provider === "dockerfile") {
    if (existing !== undefined) return existing;
    return `${["# Added by flexjob: files that hold credentials, at every depth", ...SECRETS].join("\n")}\n`;
  }
  const sections: [string, string[]][] = [
    ["# Added by flexjob: files that hold credentials, at every depth", [...SECRETS, ...exceptions(plan)]],
    [
      "# Added by flexjob for its generated Dockerfile",
      [...COMMON, ...BY_PROVIDER[plan.provider], ...buildOutputs(plan)],
    ],
    ["# Ignored by the repository's .gitignore files", gitignored.map(literalPattern)],
    [
      "# From the repository's .dockerignore",
      existing === undefined ? [] : existing.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n"),
    ],
  ];
  const all = sections.flatMap(([, lines], section) => lines.map((line) => ({ line, section })));
  const lastIndex = new Map<string, number>();
  all.forEach(({ line }, index) => {
    if (isPattern(line)) lastIndex.set(normalise(line), index);
  });
  const kept = all.filter(({ line }, index) => !isPattern(line) || lastIndex.get(normalise(line)) === index);
  const text = sections
    .map(([title], section) => ({ title, lines: kept.filter((entry) => entry.section === section) }))
    .filter(({ lines }, section) => lines.length > 0 || section === 0)
    .map(({ title, lines }) => [title, ...lines.map(({ line }) => line)].join("\n"));
  return `${text.join("\n\n")}\n`;
}
