import type { Command } from "commander";
import type { BuildFlags } from "../actions/build.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG, JSON_FLAG } from "./flags.js";

export function registerBuild(program: Command, io: CliIo): void {
  program
    .command("build")
    .description(
      "Build a job's image from its source and push it to the job's ECR repository (skipped when unchanged).",
    )
    .argument("<job>", "the job to build")
    .option(...CONFIG_FLAG)
    .option(...JSON_FLAG)
    .action(async (name: string, flags: BuildFlags) =>
      (await import("../actions/build.js")).buildCommand(io, name, flags),
    );
}
