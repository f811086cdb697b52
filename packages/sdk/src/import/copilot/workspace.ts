import { FlexjobError } from "../../errors.js";
import { findRepositoryRoot, nodeRepoFiles, type RepoFiles } from "../../image/repo-files.js";
import { isRecord } from "./context.js";
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

/**
 * Reads `<dir>/copilot/.workspace` and every `copilot/<name>/manifest.yml`, in name order, by the
 * rules flexjob reads any repository file by (image/repo-files.ts): regular files of at most
 * 16 MiB, no link out of the repository, nothing that blocks.
 */
export async function readWorkspace(dir: string): Promise<CopilotWorkspace> {
  const files = nodeRepoFiles(dir, { boundary: await findRepositoryRoot(dir) });
  const app = await readApplication(files, dir);
  // Folders end in "/"; the listing is in code-unit order, the same on every machine.
  const names = (await files.list("copilot"))
    .filter((entry) => entry.endsWith("/") && !entry.startsWith("."))
    .map((entry) => entry.slice(0, -1))
    .filter((name) => !NOT_WORKLOADS.has(name));
  const workloads: WorkloadFiles[] = [];
  for (const name of names) {
    const file = `copilot/${name}/manifest.yml`;
    const text = await files.read(file);
    if (text === undefined) continue;
    const addons = (await files.list(`copilot/${name}`)).includes("addons/")
      ? `copilot/${name}/addons`
      : undefined;
    workloads.push({ dir: name, file, text, addons });
  }
  return { app, workloads };
}

async function readApplication(files: RepoFiles, dir: string): Promise<string> {
  const file = "copilot/.workspace";
  const text = await files.read(file);
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
