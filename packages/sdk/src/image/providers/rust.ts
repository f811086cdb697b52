import { RUNTIMES } from "../base-images.js";
import {
  type DetectContext,
  inputError,
  readTomlFile,
  readVersionFile,
  resolveVersion,
  toolVersionsSource,
  type VersionSource,
  versionSource,
} from "../context.js";
import { shellWord } from "../dockerfile-syntax.js";
import { addNativeLibraries, RUST_NATIVE } from "../native-libraries.js";
import type { BuildPlan } from "../plan.js";
import { chooseStart } from "../start.js";
import { type TomlTable, tomlGet, tomlString, tomlTables } from "../toml.js";

/**
 * Rust from Cargo.toml: a release binary on Debian slim.
 *
 * - Version: rust-toolchain.toml / rust-toolchain channel > .tool-versions `rust` > Cargo
 *   `rust-version` (a minimum) > default.
 * - Start: `default-run`, else the only binary ([[bin]], src/main.rs, src/bin/*).
 */
export async function isRustProject(ctx: DetectContext): Promise<boolean> {
  return ctx.files.exists("Cargo.toml");
}

/** rust-toolchain.toml's channel, or the legacy one-line rust-toolchain file. */
async function toolchainSource(ctx: DetectContext): Promise<VersionSource | undefined> {
  const toml = await readTomlFile(ctx, "rust-toolchain.toml");
  const legacy = await readVersionFile(ctx, "rust-toolchain");
  const channel = tomlString(toml, "toolchain", "channel") ?? (legacy?.startsWith("[") ? undefined : legacy);
  const file = toml ? "rust-toolchain.toml" : "rust-toolchain";
  if (channel === undefined) return undefined;
  if (/^\d/.test(channel)) return { text: channel, source: `${file} channel` };
  // The rust image ships stable releases only; a nightly or beta needs an image of its own.
  if (channel !== "stable") {
    ctx.notes.push(
      `${file} asks for the ${channel} channel: building with stable ${RUNTIMES.rust.defaultLine}; set BUILD_IMAGE to an image with that toolchain`,
    );
  }
  return undefined;
}

export async function planRust(ctx: DetectContext): Promise<BuildPlan> {
  const cargo = (await readTomlFile(ctx, "Cargo.toml")) ?? {};
  const name = tomlString(cargo, "package", "name");
  if (name === undefined) {
    throw inputError(
      `Cargo.toml in ${ctx.dir} is a workspace without a [package]: flexjob builds one crate per job`,
      'set build args BUILD_CMD (e.g. "cargo build --release --locked -p report && mkdir -p /out && cp target/release/report /out/") and START_CMD ("/app/report"), or add a Dockerfile',
    );
  }
  const version = resolveVersion(ctx, "rust", await rustVersionSources(ctx, cargo));

  const bins = await crateBinaries(ctx, cargo, name);
  const defaultRun = tomlString(cargo, "package", "default-run");
  const chosen = defaultRun ?? (bins.size === 1 ? [...bins][0] : undefined);
  if (defaultRun === undefined && bins.size > 1) {
    ctx.notes.push(`Cargo.toml has several binaries (${[...bins].join(", ")}): all are built into /app`);
  }

  const start = await chooseRustStart(ctx, bins, { defaultRun, chosen });

  const locked = await ctx.files.exists("Cargo.lock");
  if (!locked)
    ctx.notes.push(
      "no Cargo.lock: dependency versions resolve at build time; commit it for reproducible builds",
    );
  const built = chosen !== undefined && start.command[0] === `/app/${chosen}` ? [chosen] : [...bins];
  const buildCommand = cargoBuildCommand(built, locked);

  const packages = { build: [] as string[], runtime: ["ca-certificates"] };
  if (locked) await addNativeLibraries(ctx, ["Cargo.lock"], RUST_NATIVE, packages);

  return {
    provider: "rust",
    language: RUNTIMES.rust.language,
    version: { value: version.value, source: version.source },
    packageManager: { name: "cargo", source: "Cargo.toml" },
    buildCommand,
    startCommand: start.command,
    startSource: start.source,
    systemPackages: packages.runtime,
    buildPackages: packages.build,
    baseImages: {
      build: RUNTIMES.rust.buildImage(version.tag),
      runtime: RUNTIMES.rust.runtimeImage(version.tag),
    },
    notes: ctx.notes,
    // Cargo compiles dependencies and the crate in one step, so there is no separate manifest
    // layer; target/ and the registry are cache mounts instead (see generate-dockerfile.ts).
    dependencyFiles: [],
  };
}

/** Explicit [[bin]] targets, then the ones Cargo infers from files no explicit target claims. */
async function crateBinaries(ctx: DetectContext, cargo: TomlTable, name: string): Promise<Set<string>> {
  const bins = new Set<string>();
  const claimed = new Set<string>();
  for (const bin of tomlTables(cargo, "bin")) {
    const binName = tomlString(bin, "name");
    if (binName === undefined) continue;
    bins.add(binName);
    claimed.add(tomlString(bin, "path") ?? (binName === name ? "src/main.rs" : `src/bin/${binName}.rs`));
  }
  if (tomlGet(cargo, "package", "autobins") === false) return bins;
  const inferred: [string, string][] = [];
  if (await ctx.files.exists("src/main.rs")) inferred.push([name, "src/main.rs"]);
  for (const entry of await ctx.files.list("src/bin")) {
    if (entry.endsWith(".rs")) inferred.push([entry.slice(0, -3), `src/bin/${entry}`]);
    else if (entry.endsWith("/") && (await ctx.files.exists(`src/bin/${entry}main.rs`))) {
      inferred.push([entry.slice(0, -1), `src/bin/${entry}main.rs`]);
    }
  }
  for (const [binName, path] of inferred) if (!claimed.has(path) && !bins.has(binName)) bins.add(binName);
  return bins;
}

/** Builds the binaries and copies them to /out/; the names come from Cargo.toml, one shell word each. */
function cargoBuildCommand(built: readonly string[], locked: boolean): string {
  const flags = `--release${locked ? " --locked" : ""}`;
  const word = (value: string) => shellWord(value, "Cargo.toml binary name");
  return `cargo build ${flags}${built.map((bin) => ` --bin ${word(bin)}`).join("")} && mkdir -p /out && cp ${built.map((bin) => word(`target/release/${bin}`)).join(" ")} /out/`;
}

async function rustVersionSources(
  ctx: DetectContext,
  cargo: TomlTable,
): Promise<(VersionSource | undefined)[]> {
  const msrv = tomlString(cargo, "package", "rust-version");
  return [
    await toolchainSource(ctx),
    await toolVersionsSource(ctx, "rust"),
    versionSource(msrv === undefined ? undefined : `>=${msrv}`, "Cargo.toml rust-version", "npm"),
  ];
}

/** default-run, else the crate's only binary; several without default-run cannot be chosen. */
function chooseRustStart(
  ctx: DetectContext,
  bins: ReadonlySet<string>,
  { defaultRun, chosen }: { defaultRun: string | undefined; chosen: string | undefined },
) {
  return chooseStart(ctx, {
    procfile: false,
    lookedFor:
      bins.size > 1
        ? `Cargo.toml has several binaries (${[...bins].join(", ")}) and no default-run`
        : "the crate has no binary (src/main.rs, src/bin/ or [[bin]])",
    remedy: bins.size > 1 ? "set default-run in Cargo.toml's [package]" : "add src/main.rs",
    conventional: async () =>
      chosen === undefined
        ? undefined
        : {
            command: [`/app/${chosen}`],
            source: defaultRun ? "Cargo.toml default-run" : `Cargo.toml binary ${chosen}`,
          },
  });
}
