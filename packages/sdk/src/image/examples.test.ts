import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { prepareBuild } from "./resolve-image.js";

const EXAMPLES = resolve(import.meta.dirname, "../../../../examples");

interface Detected {
  provider: string;
  version: string;
  packageManager: string;
  install: string | undefined;
  start: string[];
}

/**
 * What flexjob detects for every job of every example that builds from source, by example and
 * job. An example whose jobs all run registry images lists none.
 */
const EXPECTED: Record<string, Record<string, Detected>> = {
  hello: {},
  discovery: {
    "sync-invoices": {
      provider: "node",
      version: 'Node.js 24 (package.json engines.node ">=22.12")',
      packageManager: "npm (default (no lockfile))",
      install: "npm install --omit=dev",
      start: ["node", "sync-invoices.mjs"],
    },
  },
  "node-pnpm": {
    tick: {
      provider: "node",
      version: "Node.js 24 (.nvmrc)",
      packageManager: "pnpm 10.34.9 (package.json packageManager)",
      install: "pnpm install --frozen-lockfile --prod",
      start: ["node", "index.js"],
    },
  },
  "python-uv": {
    nightly: {
      provider: "python",
      version: "Python 3.13 (.python-version)",
      packageManager: "uv 0.7.2 (uv.lock)",
      install: "uv sync --locked --no-dev --no-install-project",
      start: ["python", "main.py"],
    },
  },
  go: {
    report: {
      provider: "go",
      version: "Go 1.24 (go.mod go directive)",
      packageManager: "none",
      install: "go mod download",
      start: ["/app/report"],
    },
  },
  monorepo: {
    digest: {
      provider: "node",
      version: 'Node.js 24 (package.json engines.node ">=22")',
      packageManager: "npm (package-lock.json)",
      install: "npm ci --omit=dev",
      start: ["node", "digest.js"],
    },
    cleanup: {
      provider: "python",
      version: "Python 3.12 (.python-version)",
      packageManager: "pip (requirements.txt)",
      install: "pip install -r requirements.txt",
      start: ["python", "main.py"],
    },
  },
};

const withConfig = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && readdirSync(join(EXAMPLES, entry.name)).includes("flexjob.yml"))
  .map((entry) => entry.name)
  .sort();

describe("examples", () => {
  it("every example with a flexjob.yml is checked below", () => {
    expect(withConfig).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(withConfig)("examples/%s", (example) => {
    it("loads, and each source job's folder is detected as its flexjob.yml says", async () => {
      const { config, file } = await loadConfig(join(EXAMPLES, example, "flexjob.yml"));
      const detected: Record<string, Detected> = {};
      for (const job of config.jobs) {
        if (job.source === undefined) continue;
        const build = await prepareBuild(job, job.source, dirname(file));
        const { plan } = build;
        const manager = plan.packageManager;
        detected[job.name] = {
          provider: plan.provider,
          version: `${plan.language} ${plan.version.value} (${plan.version.source})`,
          packageManager:
            manager === undefined
              ? "none"
              : `${manager.name}${manager.version === undefined ? "" : ` ${manager.version}`} (${manager.source})`,
          install: plan.installCommand,
          start: plan.startCommand,
        };
        // No example carries a Dockerfile: each is built from the one flexjob generates.
        expect(build.userDockerfile).toBeUndefined();
        expect(build.dockerfile).toContain(
          `CMD ${JSON.stringify(plan.startCommand).replaceAll('","', '", "')}`,
        );
      }
      expect(detected).toEqual(EXPECTED[example]);
    });
  });
});
