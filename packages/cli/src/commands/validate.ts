import type { Command } from "commander";
import type { ValidateOptions } from "../actions/validate.js";
import type { CliIo } from "../io.js";
import { CONFIG_FLAG } from "./flags.js";

export function registerValidate(program: Command, io: CliIo): void {
  program
    .command("validate")
    .description("Check flexjob.yml and show what each job will run, when, and at what size.")
    .option(...CONFIG_FLAG)
    .option("--json", "print JSON instead of text")
    .action(async (options: ValidateOptions) =>
      (await import("../actions/validate.js")).validateCommand(io, options),
    );
}
