import { access, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { FlexjobError, starterConfig } from "@flexjob/sdk";
import type { Command } from "commander";
import type { CliIo } from "../io.js";

interface InitOptions {
  config: string;
  force?: boolean;
}

export function registerInit(program: Command, io: CliIo): void {
  program
    .command("init")
    .description("Write a commented starter flexjob.yml.")
    .option("-c, --config <path>", "where to write it", "flexjob.yml")
    .option("-f, --force", "overwrite an existing file")
    .action(async (options: InitOptions) => {
      const path = resolve(io.cwd, options.config);
      if (!options.force && (await exists(path))) {
        throw new FlexjobError(`${options.config} already exists`, {
          code: "INPUT_INVALID",
          remedy: "edit it, or pass --force to replace it with the starter",
        });
      }
      await writeFile(path, starterConfig());
      io.stdout(`wrote ${options.config}; check it with: flexjob validate --config ${options.config}\n`);
    });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
