import { resolve } from "node:path";
import {
  type BuildPlan,
  FlexjobError,
  jobNamed,
  type PreparedBuild,
  prepareBuild,
  prepareFolderBuild,
} from "@flexjob/sdk";
import type { Command } from "commander";
import { loadCliConfig } from "../config-warnings.js";
import { type CliIo, printJson } from "../io.js";
import { CONFIG_FLAG } from "./context.js";

interface DockerfileFlags {
  config?: string;
  job?: string;
  json?: boolean;
}

function describePlan(plan: BuildPlan): string[] {
  return [
    `# ${plan.language} ${plan.version.value} (version from ${plan.version.source})`,
    ...(plan.packageManager
      ? [
          `# ${plan.packageManager.name}${plan.packageManager.version ? ` ${plan.packageManager.version}` : ""} (from ${plan.packageManager.source})`,
        ]
      : []),
    ...(plan.installCommand ? [`# install: ${plan.installCommand}`] : []),
    ...(plan.buildCommand ? [`# build:   ${plan.buildCommand}`] : []),
    `# start:   ${plan.startCommand.join(" ") || "(the Dockerfile's CMD)"} (from ${plan.startSource})`,
    `# images:  ${plan.baseImages.build}${plan.baseImages.runtime === plan.baseImages.build ? "" : ` → ${plan.baseImages.runtime}`}`,
    ...plan.notes.map((note) => `# note: ${note}`),
  ];
}

export function registerDockerfile(program: Command, io: CliIo): void {
  program
    .command("dockerfile")
    .description(
      "Show how a folder builds without a Dockerfile: what was detected and why, and the Dockerfile flexjob generates.",
    )
    .argument("[dir]", "the folder to look at (default: this one)")
    .option("-j, --job <name>", "use this job's source (rootDir, buildArgs, command) from flexjob.yml")
    .option(...CONFIG_FLAG)
    .option("--json", "print the build plan, Dockerfile and .dockerignore as JSON")
    .action(async (dir: string | undefined, flags: DockerfileFlags) => {
      const build =
        flags.job === undefined
          ? await prepareFolderBuild(resolve(io.cwd, dir ?? "."))
          : await fromJob(io, flags.job, flags.config);
      // A user's own Dockerfile is not printed: it is in the repository already.
      const dockerfile = build.plan.provider === "dockerfile" ? "" : build.dockerfile;
      if (flags.json) {
        printJson(io, { plan: build.plan, dockerfile, dockerignore: build.dockerignore });
        return;
      }
      io.stderr(`${describePlan(build.plan).join("\n")}\n${describeIgnore(build.dockerignore)}`);
      io.stdout(dockerfile);
    });
}

/** The .dockerignore as comments: what the build context leaves out, beside the plan. */
function describeIgnore(dockerignore: string): string {
  const lines = dockerignore.replace(/\n$/, "").split("\n");
  return `# .dockerignore (left out of the build context):\n${lines.map((line) => `#   ${line}`).join("\n")}\n`;
}

async function fromJob(io: CliIo, name: string, config: string | undefined): Promise<PreparedBuild> {
  const loaded = await loadCliConfig(io, config);
  const job = jobNamed(loaded.config, name, loaded.file);
  if (job.source === undefined) {
    throw new FlexjobError(`job ${name} runs the image ${job.image ?? ""}: nothing to build`, {
      code: "INPUT_INVALID",
      remedy: "give a job that builds from source (source: or no image:)",
    });
  }
  return prepareBuild(job, job.source, resolve(loaded.file, ".."));
}
