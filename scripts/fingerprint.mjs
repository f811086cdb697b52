#!/usr/bin/env node
// Whether dist/ (the committed Action bundle) was built from the sources as they are now, decided
// by content: a digest of every file the bundle is built from, written next to the bundle by
// `pnpm run build:action`. File times are not used: git checks files out in any order, so a
// fresh clone's dist/ can look older than its sources while being exactly what they build.
// Plain Node >= 18, no dependencies: the toolchain script runs it before anything is installed.
//
// The toolchain script uses the same digest to skip rebuilding the packages when nothing changed.
//
//   node scripts/fingerprint.mjs write   after a build of the Action: record the sources' digest
//   node scripts/fingerprint.mjs check   exit 0 when dist/ is fresh, 1 when stale
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** What the bundle is built from: a change to any of these makes dist/ stale. */
const BUNDLE_SOURCES = [
  "packages/action/src",
  "packages/action/package.json",
  "packages/action/tsconfig.json",
  "packages/action/scripts/bundle.mjs",
  "packages/sdk/src",
  "packages/sdk/package.json",
  "packages/discovery/src",
  "packages/discovery/package.json",
  "pnpm-lock.yaml",
];

/** The file that holds the digest dist/ was built from. */
export const FINGERPRINT_FILE = join(root, "dist", "sources.sha256");

/** Tests and their fixtures are not bundled, so changing them never makes dist/ stale. */
function bundled(path) {
  return !/\.test\.ts$|__snapshots__/.test(path);
}

function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return bundled(path) ? [path] : [];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}

/**
 * sha256 over each file's path (relative to `base`, the repository by default) and content under
 * `paths`, in a fixed order. Only names and bytes count: never file times or modes.
 */
export function digestOf(paths, base = root) {
  const hash = createHash("sha256");
  const files = paths
    .flatMap((path) => filesUnder(join(base, path)))
    .map((file) => ({ file, name: relative(base, file).split(sep).join("/") }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { file, name } of files) {
    const content = readFileSync(file);
    hash.update(`${name}\0${content.length}\0`).update(content);
  }
  return hash.digest("hex");
}

/** The digest of what the Action bundle is built from. */
export function sourcesDigest() {
  return digestOf(BUNDLE_SOURCES);
}

/** Whether dist/ holds the bundle of the sources as they are now. */
export function distIsFresh() {
  if (!existsSync(FINGERPRINT_FILE) || !existsSync(join(root, "dist", "index.js"))) return false;
  return readFileSync(FINGERPRINT_FILE, "utf8").trim() === sourcesDigest();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const command = process.argv[2];
  if (command === "write") writeFileSync(FINGERPRINT_FILE, `${sourcesDigest()}\n`);
  else if (command === "check") process.exit(distIsFresh() ? 0 : 1);
  else {
    process.stderr.write("usage: node scripts/fingerprint.mjs write|check\n");
    process.exit(2);
  }
}
