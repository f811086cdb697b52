/**
 * The one place where flexjob decides which base images a generated Dockerfile builds on.
 *
 * Pinning rule: a version the repository states exactly (`.nvmrc` "20.11.1", `go 1.23.4`) is
 * used exactly. A release line or a range ("22", `>=18`, `requires-python >=3.10`) resolves to a
 * line in the table below, and the table pins that line to major.minor: the tag names the minor,
 * so a rebuild picks up the line's patch releases (security fixes) but never a new minor. Java
 * lines are majors, whose minor is always 0. A line the table does not list is used as written,
 * with a note, so a repository can ask for a newer runtime than this table knows.
 *
 * Base images are Debian 12 (bookworm) everywhere a shell is needed, so apt package names mean
 * the same thing in every generated Dockerfile; Java's Temurin images are Ubuntu 24.04 (noble),
 * also apt-based. A BASE_IMAGE or BUILD_IMAGE build arg replaces these (a registry mirror, say)
 * and must stay Debian-family for the same reason. Bump the table in one pull request with the
 * snapshots it changes.
 */

export type Runtime = "node" | "bun" | "python" | "ruby" | "php" | "go" | "rust" | "java" | "deno" | "debian";

export interface RuntimeTable {
  /** Human name, for plans and messages. */
  language: string;
  /** How many parts of a version name a release line: 1 for Node's 22, 2 for Python's 3.12. */
  linePrecision: 1 | 2 | 3;
  /** Release line → pinned image tag version. Newest last. */
  lines: Readonly<Record<string, string>>;
  /** The line used when the repository names none. */
  defaultLine: string;
  /** Image for the build stage, from the tag version. */
  buildImage(tag: string): string;
  /** Image the job runs on, from the tag version. */
  runtimeImage(tag: string): string;
}

/** Debian 12 point release for runtime stages that need only a shell and apt. */
export const DEBIAN_IMAGE = "debian:12.11-slim";
/** Static Go binaries need no libc: distroless is published per Debian release, not versioned further. */
export const DISTROLESS_STATIC_IMAGE = "gcr.io/distroless/static-debian12:nonroot";

export const RUNTIMES: Readonly<Record<Runtime, RuntimeTable>> = {
  node: {
    language: "Node.js",
    linePrecision: 1,
    lines: { "18": "18.20", "20": "20.19", "22": "22.16", "24": "24.1" },
    // Node 22 is an LTS line with the widest support among current dependencies.
    defaultLine: "22",
    buildImage: (tag) => `node:${tag}-bookworm-slim`,
    runtimeImage: (tag) => `node:${tag}-bookworm-slim`,
  },
  bun: {
    language: "Bun",
    linePrecision: 1,
    lines: { "1": "1.2" },
    defaultLine: "1",
    buildImage: (tag) => `oven/bun:${tag}-slim`,
    runtimeImage: (tag) => `oven/bun:${tag}-slim`,
  },
  python: {
    language: "Python",
    linePrecision: 2,
    lines: { "3.9": "3.9", "3.10": "3.10", "3.11": "3.11", "3.12": "3.12", "3.13": "3.13" },
    defaultLine: "3.13",
    buildImage: (tag) => `python:${tag}-slim-bookworm`,
    runtimeImage: (tag) => `python:${tag}-slim-bookworm`,
  },
  ruby: {
    language: "Ruby",
    linePrecision: 2,
    lines: { "3.1": "3.1", "3.2": "3.2", "3.3": "3.3", "3.4": "3.4" },
    defaultLine: "3.4",
    buildImage: (tag) => `ruby:${tag}-slim-bookworm`,
    runtimeImage: (tag) => `ruby:${tag}-slim-bookworm`,
  },
  php: {
    language: "PHP",
    linePrecision: 2,
    lines: { "8.1": "8.1", "8.2": "8.2", "8.3": "8.3", "8.4": "8.4" },
    defaultLine: "8.4",
    buildImage: (tag) => `php:${tag}-cli-bookworm`,
    runtimeImage: (tag) => `php:${tag}-cli-bookworm`,
  },
  go: {
    language: "Go",
    linePrecision: 2,
    lines: { "1.22": "1.22", "1.23": "1.23", "1.24": "1.24" },
    defaultLine: "1.24",
    buildImage: (tag) => `golang:${tag}-bookworm`,
    runtimeImage: () => DISTROLESS_STATIC_IMAGE,
  },
  rust: {
    language: "Rust",
    linePrecision: 2,
    lines: { "1.87": "1.87" },
    defaultLine: "1.87",
    buildImage: (tag) => `rust:${tag}-slim-bookworm`,
    // glibc and libgcc, which Rust binaries link; apt stays available for APT_PACKAGES.
    runtimeImage: () => DEBIAN_IMAGE,
  },
  java: {
    language: "Java",
    linePrecision: 1,
    lines: { "8": "8", "11": "11", "17": "17", "21": "21" },
    defaultLine: "21",
    buildImage: (tag) => `eclipse-temurin:${tag}-jdk-noble`,
    runtimeImage: (tag) => `eclipse-temurin:${tag}-jre-noble`,
  },
  deno: {
    language: "Deno",
    linePrecision: 1,
    lines: { "2": "2.2.0" },
    defaultLine: "2",
    buildImage: (tag) => `denoland/deno:debian-${tag}`,
    runtimeImage: (tag) => `denoland/deno:debian-${tag}`,
  },
  debian: {
    language: "Debian",
    linePrecision: 1,
    lines: { "12": "12.11" },
    defaultLine: "12",
    buildImage: (tag) => `debian:${tag}-slim`,
    runtimeImage: (tag) => `debian:${tag}-slim`,
  },
};

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

/** The image tag version of a release line or exact version: the pinned tag of a known line. */
export function tagFor(runtime: Runtime, value: string): string {
  return RUNTIMES[runtime].lines[value] ?? value;
}
