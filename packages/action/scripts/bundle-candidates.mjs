// The bundles bench/action-startup.ts measures against the build script's (scripts/bundle.mjs),
// kept beside it so they resolve the same packages: ncc as the Action was bundled before, rolldown,
// and a one-call baseline standing in for aws-actions/amazon-ecs-deploy-task-definition.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build as esbuild } from "esbuild";
import { build as rolldown } from "rolldown";

const actionDir = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * ncc exactly as the `bundle` script ran it before (no source map: ncc's registers
 * source-map-support at start, which would cost it time the comparison is not about).
 */
export function nccBundle(outdir, node) {
  const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ""}` };
  const args = ["build", "src/index.ts", "-o", outdir, "--minify", "--transpile-only"];
  execFileSync(join(actionDir, "node_modules/.bin/ncc"), args, { cwd: actionDir, env, stdio: "ignore" });
}

export async function rolldownBundle(outdir) {
  await rolldown({
    cwd: actionDir,
    input: { index: join(actionDir, "src/index.ts") },
    platform: "node",
    tsconfig: join(actionDir, "tsconfig.json"),
    resolve: { conditionNames: ["flexjob-source", "import", "node", "default"] },
    logLevel: "silent",
    output: { dir: outdir, format: "esm", minify: true, sourcemap: true },
  });
}

// What that action does in one run: read an input, register one task definition, set an output.
const BASELINE = `import * as core from "@actions/core";
import { ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
const ecs = new ECSClient({ region: process.env.AWS_REGION });
const family = core.getInput("family") || "baseline";
const response = await ecs.send(new RegisterTaskDefinitionCommand({
  family, requiresCompatibilities: ["FARGATE"], networkMode: "awsvpc", cpu: "256", memory: "512",
  containerDefinitions: [{ name: "app", image: "public.ecr.aws/docker/library/busybox:1.37", essential: true }],
}));
core.setOutput("task-definition-arn", response.taskDefinition?.taskDefinitionArn ?? "");
`;

/** The baseline bundled unminified, as that action ships its dist. */
export async function baselineBundle(outdir) {
  await esbuild({
    // @aws-sdk/client-ecs is the SDK package's dependency; @actions/core the Action's.
    stdin: { contents: BASELINE, resolveDir: join(actionDir, "..", "sdk"), loader: "js" },
    nodePaths: [join(actionDir, "node_modules")],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node24",
    mainFields: ["module", "main"],
    outfile: join(outdir, "index.js"),
    banner: { js: 'import{createRequire}from"node:module";const require=createRequire(import.meta.url);' },
    logLevel: "warning",
  });
}
