import { describe, expect, it } from "vitest";
import { FlexjobError } from "../errors.js";
import { detectBuildPlan } from "./detect.js";
import { generateDockerfile } from "./generate-dockerfile.js";
import type { BuildOverrides } from "./plan.js";
import { memoryRepoFiles } from "./repo-files.js";
import { FIXTURES, type FixtureName } from "./test-fixtures.js";

const plan = (name: FixtureName, overrides: BuildOverrides = {}) =>
  detectBuildPlan(name, overrides, { files: memoryRepoFiles(FIXTURES[name]), job: "nightly" });

const generated = Object.keys(FIXTURES).filter((name) => name !== "userDockerfile") as FixtureName[];

describe("generateDockerfile", () => {
  it.each(generated)("writes the Dockerfile for the %s fixture", async (name) => {
    expect(generateDockerfile(await plan(name))).toMatchSnapshot();
  });

  it("every generated Dockerfile has the house shape", async () => {
    for (const name of generated) {
      const text = generateDockerfile(await plan(name));
      expect(text.startsWith("# syntax=docker/dockerfile:1\n"), name).toBe(true);
      expect(text, name).toMatch(/^ARG BASE_IMAGE=/m);
      expect(text, name).toMatch(/^FROM \$\{BASE_IMAGE\} AS runtime$/m);
      expect(text, name).toContain("\nUSER 10001:10001\nCMD [");
      expect(text, name).not.toMatch(/^CMD [^[]/m);
      // The OCI labels come after the last RUN, so a new revision reuses every layer.
      expect(text.lastIndexOf("\nRUN "), name).toBeLessThan(text.indexOf("ARG IMAGE_REVISION"));
    }
  });

  it("copies the manifests before the source, so a code change reuses the dependency layer", async () => {
    const text = generateDockerfile(await plan("pnpm"));
    expect(text.indexOf("COPY package.json pnpm-lock.yaml ./")).toBeLessThan(
      text.indexOf("pnpm install --frozen-lockfile"),
    );
    expect(text.indexOf("pnpm install --frozen-lockfile")).toBeLessThan(text.indexOf("COPY . ."));
  });

  it("takes the image source and revision as ARG defaults for the OCI labels", async () => {
    const text = generateDockerfile(await plan("goRoot"), {
      source: "https://github.com/acme/report",
      revision: "4f2a9c1",
    });
    expect(text).toContain(
      [
        "ARG IMAGE_SOURCE=https://github.com/acme/report",
        "ARG IMAGE_REVISION=4f2a9c1",
        `LABEL org.opencontainers.image.source="\${IMAGE_SOURCE}" \\`,
        `      org.opencontainers.image.revision="\${IMAGE_REVISION}"`,
      ].join("\n"),
    );
  });

  it("refuses a label value a Dockerfile would expand", async () => {
    expect(() => generateDockerfile({ ...FIXED_PLAN }, { revision: "$(id)" })).toThrow(
      'image revision "$(id)" has characters a Dockerfile ARG cannot hold as is',
    );
  });

  it(`writes overridden images literally, without \${VERSION}`, async () => {
    const text = generateDockerfile(
      await plan("npm", { BASE_IMAGE: "registry.example.com/node:22.16-bookworm-slim" }),
    );
    expect(text).toContain(
      `ARG BASE_IMAGE=registry.example.com/node:22.16-bookworm-slim\nARG BUILD_IMAGE=\${BASE_IMAGE}\n`,
    );
    expect(text).not.toContain("ARG VERSION");
  });

  it("shows build-arg overrides as the commands that run, and extra apt packages in both stages", async () => {
    const text = generateDockerfile(
      await plan("pip", {
        INSTALL_CMD: "pip install --require-hashes -r requirements.txt",
        APT_PACKAGES: "tzdata",
      }),
    );
    expect(text).toContain(
      "RUN --mount=type=cache,target=/root/.cache/pip pip install --require-hashes -r requirements.txt\n",
    );
    expect(text.match(/apt-get install --yes --no-install-recommends tzdata/g)).toHaveLength(2);
  });

  it("a Go job with APT_PACKAGES runs on Debian, with the user created there", async () => {
    const text = generateDockerfile(await plan("goRoot", { APT_PACKAGES: "tzdata" }));
    expect(text).toContain("ARG BASE_IMAGE=debian:12.11-slim\n");
    expect(text).toContain("apt-get install --yes --no-install-recommends ca-certificates tzdata");
    expect(text).toContain("useradd --system --uid 10001");
  });

  it("is not used for a job with its own Dockerfile", async () => {
    const own = await plan("userDockerfile");
    expect(() => generateDockerfile(own)).toThrow(FlexjobError);
    expect(() => generateDockerfile(own)).toThrow(
      "generateDockerfile was called for a job that has its own Dockerfile",
    );
  });
});

const FIXED_PLAN = {
  provider: "procfile",
  language: "Debian",
  version: { value: "12", source: "default (no version file)" },
  startCommand: ["./run"],
  startSource: "Procfile worker",
  systemPackages: [],
  buildPackages: [],
  baseImages: { build: "debian:12.11-slim", runtime: "debian:12.11-slim" },
  notes: [],
  dependencyFiles: [],
} as const satisfies Parameters<typeof generateDockerfile>[0];
