import type { DetectContext } from "./context.js";

/**
 * Dependencies that compile against a system library when installed, and the Debian packages
 * that lets them build (headers, compiler) and run (the shared library). Each is found by name in
 * the dependency files; a dependency that ships binary wheels or gems needs nothing here.
 */
export interface NativeLibrary {
  dependency: string;
  build: readonly string[];
  runtime: readonly string[];
}

export const PYTHON_NATIVE: readonly NativeLibrary[] = [
  // psycopg2 (unlike psycopg2-binary) publishes source only.
  { dependency: "psycopg2", build: ["gcc", "libpq-dev"], runtime: ["libpq5"] },
  {
    dependency: "mysqlclient",
    build: ["gcc", "pkg-config", "default-libmysqlclient-dev"],
    runtime: ["libmariadb3"],
  },
];

export const RUBY_NATIVE: readonly NativeLibrary[] = [
  { dependency: "pg", build: ["libpq-dev"], runtime: ["libpq5"] },
  { dependency: "mysql2", build: ["default-libmysqlclient-dev"], runtime: ["libmariadb3"] },
];

export const RUST_NATIVE: readonly NativeLibrary[] = [
  // Rust runs on Debian 13, where the OpenSSL 3 library package is named libssl3t64.
  { dependency: "openssl-sys", build: ["pkg-config", "libssl-dev"], runtime: ["libssl3t64"] },
];

function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9_.-])${escaped}(?![A-Za-z0-9_-])`, "im").test(text);
}

/** Adds the packages of every native library the files name, with a note for each. */
export async function addNativeLibraries(
  ctx: DetectContext,
  files: readonly string[],
  libraries: readonly NativeLibrary[],
  packages: { build: string[]; runtime: string[] },
): Promise<void> {
  const texts: string[] = [];
  for (const file of files) texts.push((await ctx.files.read(file)) ?? "");
  const text = texts.join("\n");
  for (const library of libraries) {
    if (!mentions(text, library.dependency)) continue;
    packages.build.push(...library.build.filter((name) => !packages.build.includes(name)));
    packages.runtime.push(...library.runtime.filter((name) => !packages.runtime.includes(name)));
    ctx.notes.push(
      `${library.dependency} compiles against a system library: build stage gets ${library.build.join(", ")}, runtime gets ${library.runtime.join(", ")}`,
    );
  }
}
