/**
 * The one place where flexjob decides which base images a generated Dockerfile builds on.
 *
 * Pinning rule: a version the repository states exactly (`.nvmrc` "20.11.1", `go 1.23.4`) is
 * used exactly. A release line or a range ("22", `>=18`, `requires-python >=3.10`) resolves to a
 * supported line in the table below, and the table pins that line to its floating tag (`node:24`,
 * `python:3.14`): security fixes land only on a line's newest patch release, so a tag naming an
 * older minor (`24.1`) would never get them. A rebuild picks up the newest patch of the line,
 * never a new line. Java lines are majors. A line the table does not list is used as written,
 * with a note, so a repository can ask for a newer runtime than this table knows; a line the
 * table lists as ended still builds (the repository asked for it), with a note saying so.
 *
 * Debian: the supported lines build on Debian 13 (trixie), the release Debian supports now.
 * An exact release or an ended line keeps Debian 12 (bookworm): official images carry a
 * `-trixie` tag only for releases published since August 2025, while `-bookworm` tags exist for
 * every release since June 2023. Runtime stages that need only a shell (Rust, Go with
 * APT_PACKAGES) are Debian 13, which runs binaries built on 12. Java's Temurin images are
 * Ubuntu 24.04 (noble), also apt-based. A BASE_IMAGE or BUILD_IMAGE build arg replaces these (a
 * registry mirror, say) and must stay Debian-family. Bump the table, TABLE_CHECKED and the
 * snapshots it changes in one pull request; base-images.test.ts fails once a listed line is
 * past its end of life.
 */
import { compareVersions, toVersion, type Version, versionParts } from "./version-constraint.js";

export type Runtime = "node" | "bun" | "python" | "ruby" | "php" | "go" | "rust" | "java" | "deno" | "debian";

/** The day every line, tag and date below was last checked against its project's own schedule. */
export const TABLE_CHECKED = "2026-12-06";

export type DebianRelease = "trixie" | "bookworm";

export interface ReleaseLine {
  /** Image tag version: the line's floating tag where the image publishes one. */
  tag: string;
  /**
   * Last day the project fixes security issues in the line (YYYY-MM-DD), as its schedule states
   * it; undefined where only the newest release is ever supported (Rust, Bun, Deno), which the
   * floating tag always is.
   */
  endOfLife: string | undefined;
}

export interface RuntimeTable {
  /** Human name, for plans and messages. */
  language: string;
  /** How many parts of a version name a release line: 1 for Node's 22, 2 for Python's 3.12. */
  linePrecision: 1 | 2 | 3;
  /** Supported release lines, oldest first. */
  lines: Readonly<Record<string, ReleaseLine>>;
  /** Lines past their end of life at TABLE_CHECKED → the day it was: still built, with a note. */
  ended: Readonly<Record<string, string>>;
  /** The line used when the repository names none. */
  defaultLine: string;
  /** Image for the build stage, from the tag version and the Debian release. */
  buildTemplate(tag: string, debian: DebianRelease): string;
  /** Image the job runs on, from the tag version and the Debian release. */
  runtimeTemplate(tag: string, debian: DebianRelease): string;
  /** `buildTemplate` with the Debian release {@link debianFor} picks. */
  buildImage(tag: string): string;
  /** `runtimeTemplate` with the Debian release {@link debianFor} picks. */
  runtimeImage(tag: string): string;
}

/** Debian 13 for runtime stages that need only a shell and apt; the floating tag takes point releases. */
export const DEBIAN_IMAGE = "debian:13-slim";
/** Static Go binaries need no libc: distroless is published per Debian release, not versioned further. */
export const DISTROLESS_STATIC_IMAGE = "gcr.io/distroless/static-debian13:nonroot";

type TableSpec = Omit<RuntimeTable, "buildImage" | "runtimeImage" | "runtimeTemplate"> & {
  /** Only where the job runs on another image than it builds on; by default the build image. */
  runtimeTemplate?: RuntimeTable["runtimeTemplate"];
};

/** Supported lines use trixie tags; see the header for why everything else keeps bookworm. */
function debianOf(spec: Pick<TableSpec, "lines">, tag: string): DebianRelease {
  return Object.values(spec.lines).some((line) => line.tag === tag) ? "trixie" : "bookworm";
}

function table(spec: TableSpec): RuntimeTable {
  const debian = (tag: string) => debianOf(spec, tag);
  const runtimeTemplate = spec.runtimeTemplate ?? spec.buildTemplate;
  return {
    ...spec,
    runtimeTemplate,
    buildImage: (tag) => spec.buildTemplate(tag, debian(tag)),
    runtimeImage: (tag) => runtimeTemplate(tag, debian(tag)),
  };
}

const line = (tag: string, endOfLife: string | undefined): ReleaseLine => ({ tag, endOfLife });

export const RUNTIMES: Readonly<Record<Runtime, RuntimeTable>> = {
  // github.com/nodejs/Release: 26 became LTS on 2026-10-28; odd lines end after 8 months.
  node: table({
    language: "Node.js",
    linePrecision: 1,
    lines: { "22": line("22", "2027-04-30"), "24": line("24", "2028-04-30"), "26": line("26", "2029-04-30") },
    ended: {
      "16": "2023-09-11",
      "18": "2025-04-30",
      "19": "2023-06-01",
      "20": "2026-04-30",
      "21": "2024-06-01",
      "23": "2025-06-01",
      "25": "2026-06-01",
    },
    // LTS until 2028 and covered by every native addon's prebuilt binaries; 26 is LTS since
    // only October 2026 (`lts/*` still picks it, see NODE_LTS_LINE).
    defaultLine: "24",
    buildTemplate: (tag, debian) => `node:${tag}-${debian}-slim`,
  }),
  // Bun supports only its newest release; `oven/bun:1-slim` follows it.
  bun: table({
    language: "Bun",
    linePrecision: 1,
    lines: { "1": line("1", undefined) },
    ended: {},
    defaultLine: "1",
    buildTemplate: (tag) => `oven/bun:${tag}-slim`,
  }),
  // devguide.python.org/versions gives the month of each end of life; the table uses its last day.
  // 3.15.0 was scheduled for 2026-10-01 (PEP 790); 3.14 stays the default while wheels catch up.
  python: table({
    language: "Python",
    linePrecision: 2,
    lines: {
      "3.11": line("3.11", "2027-10-31"),
      "3.12": line("3.12", "2028-10-31"),
      "3.13": line("3.13", "2029-10-31"),
      "3.14": line("3.14", "2030-10-31"),
      "3.15": line("3.15", "2031-10-31"),
    },
    ended: { "3.8": "2024-10-07", "3.9": "2025-10-31", "3.10": "2026-10-31" },
    defaultLine: "3.14",
    buildTemplate: (tag, debian) => `python:${tag}-slim-${debian}`,
  }),
  // ruby-lang.org/en/downloads/branches: 3.3 ends 2027-03-31; 3.4 and 4.0 follow the same
  // three-years-and-a-quarter pattern (expected dates).
  ruby: table({
    language: "Ruby",
    linePrecision: 2,
    lines: {
      "3.3": line("3.3", "2027-03-31"),
      "3.4": line("3.4", "2028-03-31"),
      "4.0": line("4.0", "2029-03-31"),
    },
    ended: { "3.0": "2024-04-23", "3.1": "2025-03-26", "3.2": "2026-04-01" },
    defaultLine: "3.4",
    buildTemplate: (tag, debian) => `ruby:${tag}-slim-${debian}`,
  }),
  // php.net/supported-versions: security support ends on 31 December of a line's fourth year.
  php: table({
    language: "PHP",
    linePrecision: 2,
    lines: {
      "8.2": line("8.2", "2026-12-31"),
      "8.3": line("8.3", "2027-12-31"),
      "8.4": line("8.4", "2028-12-31"),
      "8.5": line("8.5", "2029-12-31"),
    },
    ended: { "8.0": "2023-11-26", "8.1": "2025-12-31" },
    defaultLine: "8.4",
    buildTemplate: (tag, debian) => `php:${tag}-cli-${debian}`,
  }),
  // go.dev/doc/devel/release#policy: a line is supported until two newer ones exist. 1.27.0 came
  // out 2026-08-19; 1.28 is expected in February 2027 and 1.29 in August (end of month assumed).
  go: table({
    language: "Go",
    linePrecision: 2,
    lines: { "1.26": line("1.26", "2027-02-28"), "1.27": line("1.27", "2027-08-31") },
    ended: { "1.22": "2025-02-11", "1.23": "2025-08-12", "1.24": "2026-02-11", "1.25": "2026-08-19" },
    defaultLine: "1.27",
    buildTemplate: (tag, debian) => `golang:${tag}-${debian}`,
    runtimeTemplate: () => DISTROLESS_STATIC_IMAGE,
  }),
  // Only the newest stable Rust is supported; `rust:1` is always it. rust-version ranges are
  // checked against the newest release the tag can carry (see lineVersion).
  rust: table({
    language: "Rust",
    linePrecision: 2,
    lines: { "1": line("1", undefined) },
    ended: {},
    defaultLine: "1",
    buildTemplate: (tag, debian) => `rust:${tag}-slim-${debian}`,
    // glibc and libgcc, which Rust binaries link; apt stays available for APT_PACKAGES.
    runtimeTemplate: () => DEBIAN_IMAGE,
  }),
  // adoptium.net/support: Temurin LTS lines; dates are "at least until" as Adoptium states them.
  java: table({
    language: "Java",
    linePrecision: 1,
    lines: {
      "8": line("8", "2030-12-31"),
      "11": line("11", "2027-10-31"),
      "17": line("17", "2027-10-31"),
      "21": line("21", "2029-12-31"),
      "25": line("25", "2031-09-30"),
    },
    ended: {},
    defaultLine: "21",
    buildTemplate: (tag) => `eclipse-temurin:${tag}-jdk-noble`,
    runtimeTemplate: (tag) => `eclipse-temurin:${tag}-jre-noble`,
  }),
  // denoland/deno publishes no tag that follows a line, only exact releases (and `debian`, which
  // would jump to Deno 3): this one is the newest the table's check could confirm, and only the
  // newest Deno release gets fixes, so bump it with every table check.
  deno: table({
    language: "Deno",
    linePrecision: 1,
    lines: { "2": line("2.8.2", undefined) },
    ended: {},
    defaultLine: "2",
    buildTemplate: (tag) => `denoland/deno:debian-${tag}`,
  }),
  // Debian 12's regular security support ended 2026-06-10 (LTS, a subset of packages, runs to
  // 2028); 13's is expected to end three years after its 2025-08-09 release.
  debian: table({
    language: "Debian",
    linePrecision: 1,
    lines: { "13": line("13", "2028-08-09") },
    ended: { "11": "2024-08-14", "12": "2026-06-10" },
    defaultLine: "13",
    buildTemplate: (tag) => `debian:${tag}-slim`,
  }),
};

/** The LTS line nvm's `lts/*` names: the newest line in Active LTS at TABLE_CHECKED. */
export const NODE_LTS_LINE = "26";

/** Build tools that come from their own image or package, pinned like the runtimes. */
export const TOOLS = {
  /** Maven for projects without ./mvnw: the image that matches the Java line. */
  mavenImage: (java: string) => `maven:3.9-eclipse-temurin-${java}`,
  /** Gradle for projects without ./gradlew. */
  gradleImage: (java: string) => `gradle:8.14-jdk${java}`,
  /** composer is copied out of its official image into the PHP build stage. */
  composerImage: "composer:2.8",
  /** Installed with pip into the build stage only; a uv.lock or poetry.lock may name another. */
  uv: "0.7.2",
  poetry: "2.1.3",
  pipenv: "2024.4.0",
} as const;

/** The image tag version of a release line or exact version: the pinned tag of a supported line. */
export function tagFor(runtime: Runtime, value: string): string {
  return RUNTIMES[runtime].lines[value]?.tag ?? value;
}

/** The Debian release of the images for a tag version: see the header. */
export function debianFor(runtime: Runtime, tag: string): DebianRelease {
  return debianOf(RUNTIMES[runtime], tag);
}

/**
 * The newest release a supported line's tag can carry, for range checks: `node:24` is whatever
 * 24.x is newest, so it satisfies `^24.5`; an exact tag (Deno's "2.8.2") is just itself.
 */
export function lineVersion(runtime: Runtime, line: string): Version | undefined {
  const tag = tagFor(runtime, line);
  const parts = tag.split(".").map(Number);
  if (parts.some((part) => !Number.isInteger(part))) return undefined;
  const open = RUNTIMES[runtime].lines[line] !== undefined ? Number.MAX_SAFE_INTEGER : 0;
  return [parts[0] ?? open, parts[1] ?? open, parts[2] ?? open];
}

/** The day the line `value` belongs to reached its end of life, when the table records it as ended. */
export function endedOn(runtime: Runtime, value: string): { line: string; date: string } | undefined {
  const table = RUNTIMES[runtime];
  const line = value.split(".").slice(0, table.linePrecision).join(".");
  const date = table.ended[line];
  return date === undefined ? undefined : { line, date };
}

/**
 * Per line, the oldest exact release with a `-bookworm` image: the release each line had when
 * Debian 12 came out (2023-06-10), which the official images rebuilt on it, so earlier releases
 * of these lines have no tag flexjob can use. Lines not listed here, and every line first
 * released later, have bookworm images for all their releases. Go's and Deno's oldest table lines
 * are newer than Debian 12; Java's Temurin images are Ubuntu and not covered.
 */
const FIRST_ON_BOOKWORM: Partial<Record<Runtime, Readonly<Record<string, string>>>> = {
  node: { "16": "16.20.0", "18": "18.16.0", "20": "20.3.0" },
  python: { "3.8": "3.8.17", "3.9": "3.9.17", "3.10": "3.10.12", "3.11": "3.11.4" },
  ruby: { "3.0": "3.0.6", "3.1": "3.1.4", "3.2": "3.2.2" },
  php: { "8.0": "8.0.29", "8.1": "8.1.20", "8.2": "8.2.7" },
  rust: { "1": "1.70.0" },
};

const versionOf = (text: string): Version => toVersion(versionParts(text) ?? []);

/** Every line the table knows, supported or ended, oldest first. */
export function knownLines(runtime: Runtime): string[] {
  const table = RUNTIMES[runtime];
  return [...Object.keys(table.ended), ...Object.keys(table.lines)].sort((a, b) =>
    compareVersions(versionOf(a), versionOf(b)),
  );
}

/**
 * Why no image exists for a resolved version, or undefined when it does: a line older than the
 * table's oldest, a line inside the table's range it does not list (Node.js 17: never built on
 * Debian 12), or a release older than its line's first bookworm image. A line newer than the
 * table may exist already, so it passes.
 */
export function missingImage(runtime: Runtime, value: string): string | undefined {
  const table = RUNTIMES[runtime];
  const lines = knownLines(runtime);
  const parts = versionParts(value) ?? [];
  const line = parts.slice(0, table.linePrecision).join(".");
  const oldest = lines[0];
  const newest = lines[lines.length - 1];
  if (oldest === undefined || newest === undefined) return undefined;
  const lineVersionOf = versionOf(line);
  const byLine = (known: string) => compareVersions(lineVersionOf, versionOf(known));
  if (byLine(oldest) < 0) return `is older than ${table.language} ${oldest}, the oldest line flexjob builds`;
  if (!lines.includes(line) && byLine(newest) < 0 && table.lines[value] === undefined) {
    return `is on a line with no images flexjob can build on (its lines: ${lines.join(", ")})`;
  }
  // Only a version more precise than the listed line names a release; the line's tag floats.
  const [known, first] =
    Object.entries(FIRST_ON_BOOKWORM[runtime] ?? {}).find(
      ([listed]) => value === listed || value.startsWith(`${listed}.`),
    ) ?? [];
  if (
    known !== undefined &&
    first !== undefined &&
    parts.length > known.split(".").length &&
    compareVersions(versionOf(value), versionOf(first)) < 0
  ) {
    return `has no Debian 12 (bookworm) image: ${first} is the oldest ${table.language} ${known} release published with one`;
  }
  return undefined;
}
