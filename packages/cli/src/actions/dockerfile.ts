import { resolve } from "node:path";
import { FlexjobError, jobNamed } from "@flexjob/sdk/config";
import { type BuildPlan, type PreparedBuild, prepareBuild, prepareFolderBuild } from "@flexjob/sdk/image";
import { loadCliConfig } from "../config-warnings.js";
import { type CliIo, printJson } from "../io.js";

export interface DockerfileFlags {
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

export async function dockerfileCommand(
  io: CliIo,
  dir: string | undefined,
  flags: DockerfileFlags,
): Promise<void> {
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
