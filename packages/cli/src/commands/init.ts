import type { Command } from "commander";
import type { InitOptions } from "../actions/init.js";
import type { CliIo } from "../io.js";

export function registerInit(program: Command, io: CliIo): void {
  program
    .command("init")
    .description("Write a commented starter flexjob.yml.")
    .option("-c, --config <path>", "where to write it", "flexjob.yml")
    .option("-f, --force", "overwrite an existing file")
    .action(async (options: InitOptions) => (await import("../actions/init.js")).initCommand(io, options));
}
