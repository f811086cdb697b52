import type { Command } from "commander";
import type { DockerfileFlags } from "../actions/dockerfile.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG } from "./flags.js";

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
    .action(async (dir: string | undefined, flags: DockerfileFlags) =>
      (await import("../actions/dockerfile.js")).dockerfileCommand(io, dir, flags),
    );
}
