import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dockerignore from "@balena/dockerignore";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURES } from "../../test/build-fixtures.js";
import { detectBuildPlan } from "./detect.js";
import { generateDockerignore, literalPattern } from "./dockerignore.js";
import { memoryRepoFiles } from "./repo-files.js";
import { prepareFolderBuild } from "./resolve-image.js";

const plan = (name: keyof typeof FIXTURES) =>
  detectBuildPlan(name, {}, { files: memoryRepoFiles(FIXTURES[name]) });

const SECRETS = [
  "# Added by flexjob: files that hold credentials, at every depth",
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

describe("generateDockerignore", () => {
  it("defaults for a Node project leave out credentials at every depth, then node_modules and dist", async () => {
    expect(generateDockerignore(await plan("pnpm"))).toBe(
      [
        ...SECRETS,
        "",
        "# Added by flexjob for its generated Dockerfile",
        "**/.DS_Store",
        "**/.idea",
        "**/.vscode",
        "**/*.log",
        "**/node_modules",
        "coverage",
        ".nyc_output",
        ".npm",
        ".pnpm-store",
        "dist",
        "",
      ].join("\n"),
    );
  });

  it("puts what git ignores after the defaults and the repository's lines last, so its exceptions win", async () => {
    const existing = "# ours\n**/.git\ndist\n!dist/schema.json\nsecrets/\n\nsecrets\n";
    const text = generateDockerignore(await plan("pnpm"), {
      existing,
      gitignored: ["secrets", "#1.txt", "a*b"],
    });
    expect(text.split("\n\n").slice(2)).toEqual([
      "# Ignored by the repository's .gitignore files\n./#1.txt\na\\*b",
      "# From the repository's .dockerignore\n# ours\n**/.git\ndist\n!dist/schema.json",
      "secrets\n",
    ]);
    expect(text.startsWith(`${SECRETS[0]}\n**/.env\n`)).toBe(true);
  });

  it("a user's own Dockerfile keeps the repository's .dockerignore as is, else gets the credential defaults only", async () => {
    const own = await plan("userDockerfile");
    expect(generateDockerignore(own, { existing: "node_modules\n", gitignored: ["dist"] })).toBe(
      "node_modules\n",
    );
    expect(generateDockerignore(own, { gitignored: ["dist"] })).toBe(`${SECRETS.join("\n")}\n`);
  });

  it("adds each language's own litter: Python caches, Java and Rust targets, PHP vendor", async () => {
    expect(generateDockerignore(await plan("uv"))).toContain("**/__pycache__\n**/*.py[cod]\n.venv\n");
    expect(generateDockerignore(await plan("gradle"))).toContain("target\nbuild\n.gradle\n");
    expect(generateDockerignore(await plan("rust"))).toContain("\ntarget\n");
    expect(generateDockerignore(await plan("php"))).toContain("\nvendor\n");
  });

  it("writes a path as a pattern matching only itself", () => {
    expect(literalPattern("a[1]/*?.txt")).toBe("a\\[1]/\\*\\?.txt");
    expect(literalPattern("!important")).toBe("./!important");
    expect(literalPattern(" padded ")).toBe("?padded?");
    expect(literalPattern("two\nlines")).toBe("two?lines");
  });
});

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** Every file under the folder, as the build context's candidates. */
async function allFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await allFiles(root, path)));
    else out.push(path);
  }
  return out.sort();
}

describe("the build context of a generated Dockerfile", () => {
  it("leaves out nested env files, a nested .git, .npmrc and gitignored keys, and keeps the source", async () => {
    dir = await mkdtemp(join(tmpdir(), "flexjob-context-"));
    await write(dir, {
      "package.json": JSON.stringify({
        name: "job",
        engines: { node: "22" },
        scripts: { start: "node job.js" },
      }),
      "package-lock.json": "{}",
      "job.js": "",
      "src/lib.js": "",
      "config/.env": "DB_PASSWORD=x",
      "config/settings.json": "{}",
      "apps/x/.env.production": "TOKEN=x",
      "apps/x/index.js": "",
      "apps/x/.gitignore": "local.json\n/out/\n",
      "apps/x/local.json": "{}",
      "apps/x/out/bundle.js": "",
      "apps/x/lib/out/kept.js": "",
      "sub/.git/config": "[remote] url = https://x-access-token:ghs_x@github.com/o/r",
      "sub/readme.md": "",
      ".npmrc": "//registry.npmjs.org/:_authToken=npm_literal\n",
      ".gitignore": "secrets/\n*.bak\n!keep.bak\ncache/\n",
      "secrets/key.pem": "-----BEGIN PRIVATE KEY-----",
      "secrets/readme.txt": "",
      "old.bak": "",
      "keep.bak": "",
      cache: "a file named like a gitignored folder",
      ".dockerignore": "!config/settings.json\n",
    });
    const build = await prepareFolderBuild(dir);
    const included = dockerignore()
      .add(build.dockerignore)
      .filter(await allFiles(dir));
    expect(included).toEqual([
      ".dockerignore",
      ".gitignore",
      "apps/x/.gitignore",
      "apps/x/index.js",
      "apps/x/lib/out/kept.js",
      "cache",
      "config/settings.json",
      "job.js",
      "keep.bak",
      "package-lock.json",
      "package.json",
      "src/lib.js",
      "sub/readme.md",
    ]);
    expect(build.plan.dependencyFiles).not.toContain(".npmrc");
    expect(build.plan.notes).toContain(
      `.npmrc holds a registry token: it is left out of the build context; reference the token as \${NPM_TOKEN} in .npmrc and pass it with source.buildSecrets`,
    );
  });

  it("keeps a root .npmrc of settings, which the install reads, and no other", async () => {
    dir = await mkdtemp(join(tmpdir(), "flexjob-context-"));
    await write(dir, {
      "package.json": JSON.stringify({ name: "job", scripts: { start: "node job.js" } }),
      "job.js": "",
      ".npmrc": `//registry.npmjs.org/:_authToken=\${NPM_TOKEN}\nengine-strict=true\n`,
      "tools/.npmrc": "//registry.npmjs.org/:_authToken=npm_literal\n",
    });
    const build = await prepareFolderBuild(dir);
    expect(
      dockerignore()
        .add(build.dockerignore)
        .filter(await allFiles(dir)),
    ).toEqual([".npmrc", "job.js", "package.json"]);
  });
});
