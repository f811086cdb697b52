import { RUNTIMES } from "../base-images.js";
import { type DetectContext, jobCommandPath, resolveVersion, type Start } from "../context.js";
import type { BuildPlan } from "../plan.js";

/**
 * Command-only builds: nothing in the folder names a language, but the job says what to run
 * (its `command` or START_CMD), as with Heroku Scheduler's `bin/backup.sh`. The image is Debian
 * slim (bash, coreutils, gzip, tar are already there) plus the Debian packages of the tools the
 * command and the scripts it runs name, so a `pg_dump | gzip | aws s3 cp` script works as is.
 */

/**
 * Command → Debian package (same name on Debian 12 and 13). Only tools a scheduled script
 * commonly calls; anything else comes from the APT_PACKAGES build arg.
 */
const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  pg_dump: "postgresql-client",
  pg_dumpall: "postgresql-client",
  pg_restore: "postgresql-client",
  psql: "postgresql-client",
  mysql: "default-mysql-client",
  mysqldump: "default-mysql-client",
  "redis-cli": "redis-tools",
  sqlite3: "sqlite3",
  curl: "curl",
  wget: "wget",
  jq: "jq",
  aws: "awscli",
  s3cmd: "s3cmd",
  rclone: "rclone",
  rsync: "rsync",
  ssh: "openssh-client",
  scp: "openssh-client",
  sftp: "openssh-client",
  git: "git",
  gpg: "gnupg",
  openssl: "openssl",
  zip: "zip",
  unzip: "unzip",
  bzip2: "bzip2",
  xz: "xz-utils",
  zstd: "zstd",
  envsubst: "gettext-base",
  bc: "bc",
  nc: "netcat-openbsd",
  dig: "bind9-dnsutils",
  python3: "python3",
};

/** Tools that talk TLS: Debian slim has no CA bundle, so they would fail every HTTPS call. */
const NEEDS_CA = new Set(["curl", "wget", "aws", "s3cmd", "rclone", "git", "openssl"]);

/** The words of a script that stand where a command can: after a separator, not in a comment. */
function commandNames(text: string): string[] {
  const names: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*/, "");
    for (const segment of line.split(/\|\||&&|[|;&`]|\$\(|\bthen\b|\bdo\b|\belse\b/)) {
      const words = segment.trim().split(/\s+/);
      // Skip `VAR=value`, `sudo`, `exec`, `time`, `env` and friends before the command itself.
      const name = words.find(
        (word) =>
          !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) && !["sudo", "exec", "time", "env", "!"].includes(word),
      );
      if (name) names.push(name.replace(/^.*\//, ""));
    }
  }
  return names;
}

/** Repository files the command runs (`bin/backup.sh`, `bash ./backup.sh`), read through ctx.files. */
async function scriptsOf(ctx: DetectContext, command: readonly string[]): Promise<string[]> {
  const scripts: string[] = [];
  for (const word of command) {
    const path = word.replace(/^\.\//, "");
    if (path === "" || path.startsWith("/") || path.startsWith("-") || path.includes("..")) continue;
    if (/^[\w./-]+$/.test(path) && (await ctx.files.exists(path)) && !scripts.includes(path)) {
      try {
        if ((await ctx.files.read(path)) !== undefined) scripts.push(path);
      } catch {
        // A folder of that name: not a script.
      }
    }
  }
  return scripts;
}

export interface NamedTools {
  /** Debian packages, sorted, with ca-certificates when a TLS tool is among them. */
  packages: string[];
  /** `postgresql-client (pg_dump in bin/backup.sh)`, for the plan's note. */
  reasons: string[];
}

/** The packages of the tools the start command names, directly or in the scripts it runs. */
export async function toolsNamedBy(ctx: DetectContext, start: Start): Promise<NamedTools> {
  const found = new Map<string, string>();
  const scan = (text: string, where: string) => {
    for (const name of commandNames(text)) {
      const pkg = TOOL_PACKAGES[name];
      if (pkg !== undefined && !found.has(pkg)) found.set(pkg, `${name} in ${where}`);
      if (NEEDS_CA.has(name) && !found.has("ca-certificates"))
        found.set("ca-certificates", `${name} uses TLS`);
    }
  };
  scan(start.command.join(" "), start.source);
  for (const script of await scriptsOf(ctx, start.command))
    scan((await ctx.files.read(script)) ?? "", script);
  const packages = [...found.keys()].sort();
  return { packages, reasons: packages.map((pkg) => `${pkg} (${found.get(pkg)})`) };
}

/** Plain Debian with the tools the job's command names; ctx.start is set (detect.ts checks). */
export async function planShell(ctx: DetectContext, start: Start): Promise<BuildPlan> {
  const version = resolveVersion(ctx, "debian", []);
  const tools = await toolsNamedBy(ctx, start);
  ctx.notes.push(
    `no language detected: assumed a shell job from ${start.source === "build arg START_CMD" ? "build arg START_CMD" : jobCommandPath(ctx)}, on Debian with bash`,
    tools.packages.length === 0
      ? "no tools detected in the command or the scripts it runs: add Debian packages with build arg APT_PACKAGES"
      : `installs the tools the command and its scripts name: ${tools.reasons.join(", ")}; add others with build arg APT_PACKAGES`,
  );
  return debianPlan("shell", ctx, version, start, tools);
}

/** A plan on plain Debian: the start command, and the Debian packages of the tools it names. */
export function debianPlan(
  provider: "shell" | "procfile",
  ctx: DetectContext,
  version: ReturnType<typeof resolveVersion>,
  start: Start,
  tools: NamedTools,
): BuildPlan {
  return {
    provider,
    language: RUNTIMES.debian.language,
    version: { value: version.value, source: version.source },
    startCommand: start.command,
    startSource: start.source,
    systemPackages: tools.packages,
    buildPackages: [],
    baseImages: {
      build: RUNTIMES.debian.buildImage(version.tag),
      runtime: RUNTIMES.debian.runtimeImage(version.tag),
    },
    notes: ctx.notes,
    dependencyFiles: [],
  };
}
