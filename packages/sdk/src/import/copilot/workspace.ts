import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { FlexjobError } from "../../errors.js";
import { parseManifestText } from "./manifest.js";

/** A Copilot workspace as files: the app name and each workload's manifest text. */
export interface CopilotWorkspace {
  app: string;
  workloads: WorkloadFiles[];
}

export interface WorkloadFiles {
  /** The workload's folder name under copilot/. */
  dir: string;
  /** Relative to the workspace root, with forward slashes. */
  file: string;
  text: string;
  /** `copilot/<dir>/addons` when that folder exists: CloudFormation Copilot deployed beside the job. */
  addons: string | undefined;
}

/** Folders of copilot/ that hold no workload (environment and pipeline manifests). */
const NOT_WORKLOADS = new Set(["environments", "pipelines"]);

/** Reads `<dir>/copilot/.workspace` and every `copilot/<name>/manifest.yml`, in name order. */
export async function readWorkspace(dir: string): Promise<CopilotWorkspace> {
  const app = await readApplication(dir);
  const names = (await readdir(join(dir, "copilot"), { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && !NOT_WORKLOADS.has(entry.name))
    .map((entry) => entry.name)
    // Code-unit order: the same on every machine, whatever the locale.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const workloads: WorkloadFiles[] = [];
  for (const name of names) {
    const text = await readOptional(join(dir, "copilot", name, "manifest.yml"));
    if (text === undefined) continue;
    const addons = (await isDirectory(join(dir, "copilot", name, "addons")))
      ? `copilot/${name}/addons`
      : undefined;
    workloads.push({ dir: name, file: `copilot/${name}/manifest.yml`, text, addons });
  }
  return { app, workloads };
}

async function readApplication(dir: string): Promise<string> {
  const file = "copilot/.workspace";
  const text = await readOptional(join(dir, file));
  if (text === undefined) {
    throw new FlexjobError(`${file} not found in ${dir}`, {
      code: "CONFIG_INVALID",
      remedy:
        "run the import in the folder that holds Copilot's copilot/ folder (the one `copilot init` created), or pass that folder",
    });
  }
  const { data, locate } = parseManifestText(text, file);
  const application = isRecord(data) ? data.application : undefined;
  if (typeof application !== "string" || application === "") {
    throw new FlexjobError(`${file}:${locate(["application"])}: application is missing or not a name`, {
      code: "CONFIG_INVALID",
      remedy: "write the Copilot application's name as `application: <name>`, as `copilot app init` does",
    });
  }
  return application;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
