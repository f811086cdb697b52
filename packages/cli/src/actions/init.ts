import { lstat, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { FlexjobError, starterConfig } from "@flexjob/sdk/config";
import type { CliIo } from "../io.js";

export interface InitOptions {
  config: string;
  force?: boolean;
}

export async function initCommand(io: CliIo, options: InitOptions): Promise<void> {
  const path = resolve(io.cwd, options.config);
  await checkTarget(path, options);
  try {
    // "wx" unless forced: never write through a link or over a file that appeared meanwhile.
    await writeFile(path, starterConfig(), { flag: options.force ? "w" : "wx" });
  } catch (error) {
    throw writeError(error, options.config);
  }
  io.stdout(`wrote ${options.config}; check it with: flexjob validate --config ${options.config}\n`);
}

/**
 * A missing folder is an error, not created: a typo in --config should not leave folders behind.
 * An existing path is replaced only with --force, and never when it is a folder.
 */
async function checkTarget(path: string, options: InitOptions): Promise<void> {
  const folder = await stat(dirname(path)).catch(() => undefined);
  if (!folder?.isDirectory()) {
    throw new FlexjobError(
      `cannot write ${options.config}: the folder ${dirname(options.config)} does not exist`,
      {
        code: "INPUT_INVALID",
        remedy: `create it first (mkdir -p ${dirname(options.config)}), or check the path`,
      },
    );
  }
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new FlexjobError(`${options.config} is a folder`, {
      code: "INPUT_INVALID",
      remedy: `give the file to write, e.g. --config ${options.config.replace(/\/+$/, "")}/flexjob.yml`,
    });
  }
  if (existing !== undefined && !options.force) {
    throw new FlexjobError(`${options.config} already exists`, {
      code: "INPUT_INVALID",
      remedy: "edit it, or pass --force to replace it with the starter",
    });
  }
}

function writeError(error: unknown, shown: string): unknown {
  if (!(error instanceof Error) || !("code" in error)) return error;
  const reasons: Record<string, string> = {
    EEXIST: "it appeared while flexjob was writing it",
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENAMETOOLONG: "the path is too long for the file system",
    EISDIR: "it is a folder",
    ENOTDIR: "a folder on its path is a file",
    ENOENT: "its folder does not exist",
    ELOOP: "it is a loop of symbolic links",
  };
  const code = String(error.code);
  return new FlexjobError(`cannot write ${shown}: ${Object.hasOwn(reasons, code) ? reasons[code] : code}`, {
    code: "INPUT_INVALID",
    remedy: "check the path, or pass another with --config",
    cause: error,
  });
}
