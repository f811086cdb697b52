import { describe, expect, it } from "vitest";
import { detectBuildPlan } from "./detect.js";
import { generateDockerignore } from "./dockerignore.js";
import { memoryRepoFiles } from "./repo-files.js";
import { FIXTURES } from "./test-fixtures.js";

const plan = (name: keyof typeof FIXTURES) =>
  detectBuildPlan(name, {}, { files: memoryRepoFiles(FIXTURES[name]) });

describe("generateDockerignore", () => {
  it("defaults for a Node project that builds in the image leave out node_modules and dist", async () => {
    expect(generateDockerignore(await plan("pnpm"))).toBe(
      [
        "# Added by flexjob for its generated Dockerfile",
        ".git",
        "**/.DS_Store",
        ".idea",
        ".vscode",
        "*.log",
        ".env",
        ".env.*",
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

  it("keeps the repository's lines after the defaults, so its exceptions win, and drops earlier duplicates", async () => {
    const existing = "# ours\n.git/\ndist\n!dist/schema.json\nsecrets/\n\nsecrets\n";
    expect(generateDockerignore(await plan("pnpm"), existing)).toBe(
      [
        "# Added by flexjob for its generated Dockerfile",
        "**/.DS_Store",
        ".idea",
        ".vscode",
        "*.log",
        ".env",
        ".env.*",
        "**/node_modules",
        "coverage",
        ".nyc_output",
        ".npm",
        ".pnpm-store",
        "",
        "# From the repository's .dockerignore",
        "# ours",
        ".git/",
        "dist",
        "!dist/schema.json",
        "",
        "secrets",
        "",
      ].join("\n"),
    );
  });

  it("adds each language's own litter: Python caches, Java and Rust targets, PHP vendor", async () => {
    expect(generateDockerignore(await plan("uv"))).toContain("**/__pycache__\n**/*.py[cod]\n.venv\n");
    expect(generateDockerignore(await plan("gradle"))).toContain("target\nbuild\n.gradle\n");
    expect(generateDockerignore(await plan("rust"))).toContain("\ntarget\n");
    expect(generateDockerignore(await plan("php"))).toContain("\nvendor\n");
  });

  it("leaves a user's own Dockerfile with the repository's .dockerignore as it is", async () => {
    const own = await plan("userDockerfile");
    expect(generateDockerignore(own, "node_modules\n")).toBe("node_modules\n");
    expect(generateDockerignore(own)).toBe("");
  });
});
