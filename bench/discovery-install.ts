/**
 * What a job's image holds for the discovery helper: `@flexjob/discovery` and `@flexjob/sdk` are
 * packed as they would be published (`pnpm pack`, from their built dist/), each installed into an
 * empty folder with npm from the local tarball (dependencies come from the npm registry, dev
 * dependencies left out), and the installed node_modules measured three ways (symlinks never
 * followed): as an image layer stores it (tar: 512-byte headers and blocks), the bytes of its files,
 * and the filesystem blocks `du` counts (the "72 MB" is a `du` figure). Each is printed
 * against the 10 MB target (10,000,000 bytes) and against the SDK installed the same way; the exit
 * code is 1 when any of the three is over: the layer is what a job's image holds, `du` the measure
 * the issue used, and thousands of small files make the two far apart (the unbundled AWS SDK was
 * 8.4 MB of layer but 17.7 MB by `du`). The largest packages of each install are listed, so a
 * heavy newcomer shows.
 *
 *   pnpm -r run build && pnpm exec tsx bench/discovery-install.ts
 */
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const TARGET_BYTES = 10_000_000;
const root = fileURLToPath(new URL("..", import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), "flexjob-install-bench-"));

/** The package's tarball as `pnpm pack` makes it (workspace: ranges become versions). */
function pack(folder: string): string {
  const dist = join(root, "packages", folder, "dist", "index.js");
  if (!existsSync(dist)) {
    throw new Error(`packages/${folder}/dist is not built; run "pnpm -r run build" first`);
  }
  const out = join(scratch, `pack-${folder}`);
  execFileSync("pnpm", ["pack", "--pack-destination", out], {
    cwd: join(root, "packages", folder),
    stdio: ["ignore", "ignore", "inherit"],
  });
  const [tarball] = readdirSync(out).filter((file) => file.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball for packages/${folder}`);
  return join(out, tarball);
}

/**
 * Installs the tarballs into a fresh project as a job would. The SDK's tarball names
 * @flexjob/discovery by version, so the local discovery tarball stands in for it (overrides):
 * nothing of flexjob's own comes from the registry.
 */
function install(name: string, tarballs: Record<string, string>): string {
  const project = join(scratch, name);
  const dependencies = Object.fromEntries(
    Object.entries(tarballs).map(([pkg, file]) => [pkg, `file:${file}`]),
  );
  const overrides = Object.fromEntries(Object.keys(tarballs).map((pkg) => [pkg, `$${pkg}`]));
  mkdirSync(project);
  const manifest = { name: `bench-${name}`, private: true, type: "module", dependencies, overrides };
  writeFileSync(join(project, "package.json"), JSON.stringify(manifest));
  execFileSync(
    "npm",
    [
      "install",
      "--omit=dev",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--no-package-lock",
      "--loglevel=error",
    ],
    { cwd: project, stdio: ["ignore", "ignore", "inherit"] },
  );
  return join(project, "node_modules");
}

/** Three sizes of one tree; symlinks count as themselves, never followed. */
interface Footprint {
  /** The bytes of every file. */
  files: number;
  /** What an image layer stores, uncompressed: a 512-byte tar header per entry, files in 512-byte blocks. */
  layer: number;
  /** Filesystem blocks in use, as `du` reports them (4 KiB at least per file on most filesystems). */
  disk: number;
}

function footprint(folder: string): Footprint {
  const total: Footprint = { files: 0, layer: 512, disk: lstatSync(folder).blocks * 512 };
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      const inner = footprint(path);
      total.files += inner.files;
      total.layer += inner.layer;
      total.disk += inner.disk;
    } else {
      const stat = lstatSync(path);
      total.files += stat.size;
      total.layer += 512 + Math.ceil(stat.size / 512) * 512;
      total.disk += stat.blocks * 512;
    }
  }
  return total;
}

/** Each installed package (hoisted or nested) with its own bytes, nested packages not counted twice. */
function packagesIn(nodeModules: string): Map<string, number> {
  const sizes = new Map<string, number>();
  const visit = (modules: string) => {
    for (const entry of readdirSync(modules, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const dirs = entry.name.startsWith("@")
        ? readdirSync(join(modules, entry.name)).map((inner) => join(entry.name, inner))
        : [entry.name];
      for (const dir of dirs) {
        const path = join(modules, dir);
        const nested = join(path, "node_modules");
        const nestedBytes = existsSync(nested) ? footprint(nested).files : 0;
        const name = JSON.parse(readFileSync(join(path, "package.json"), "utf8")).name as string;
        sizes.set(name, (sizes.get(name) ?? 0) + footprint(path).files - nestedBytes);
        if (nestedBytes > 0) visit(nested);
      }
    }
  };
  visit(nodeModules);
  return sizes;
}

const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

function report(label: string, nodeModules: string): Footprint {
  const size = footprint(nodeModules);
  const packages = [...packagesIn(nodeModules)].sort((a, b) => b[1] - a[1]);
  const largest = packages.slice(0, 5).map(([name, bytes]) => `${name} ${mb(bytes)}`);
  console.log(
    `${label.padEnd(20)} image layer ${mb(size.layer).padStart(8)}, files ${mb(size.files).padStart(8)}, ` +
      `du ${mb(size.disk).padStart(8)}; ${packages.length} packages, largest: ${largest.join(", ")}`,
  );
  return size;
}

try {
  const discovery = pack("discovery");
  const sdk = pack("sdk");
  const light = report("@flexjob/discovery", install("discovery", { "@flexjob/discovery": discovery }));
  const whole = report(
    "@flexjob/sdk",
    install("sdk", { "@flexjob/sdk": sdk, "@flexjob/discovery": discovery }),
  );
  for (const measure of ["layer", "files", "disk"] as const) {
    const ratio = light[measure] / TARGET_BYTES;
    console.log(
      `${measure.padEnd(5)}: @flexjob/discovery ${mb(light[measure])} = ${ratio.toFixed(2)}× the 10 MB target ` +
        `(${ratio <= 1 ? "within" : "OVER"}), ${(light[measure] / whole[measure]).toFixed(3)}× @flexjob/sdk's ${mb(whole[measure])}`,
    );
  }
  // Every measure is judged: a tree of small files can pass by bytes and fail by `du`.
  if (light.layer > TARGET_BYTES || light.files > TARGET_BYTES || light.disk > TARGET_BYTES) {
    process.exitCode = 1;
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
