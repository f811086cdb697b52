import { posix } from "node:path";
import type { Problem } from "./problem.js";

function isAbsolute(path: string): boolean {
  return path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(path);
}

/**
 * Why a path from flexjob.yml does not stay inside the repository, or undefined when it does.
 * `base` is the folder it is relative to, itself relative to flexjob.yml (a Dockerfile is
 * relative to rootDir). Links are checked on disk when the build is prepared; this is the part
 * the text alone decides.
 */
export function repositoryPathProblem(
  field: "rootDir" | "dockerfile",
  path: string,
  base = ".",
): Problem | undefined {
  const example =
    field === "rootDir" ? '"." or "services/report"' : '"Dockerfile" or "docker/Dockerfile.jobs"';
  if (path === "" || isAbsolute(path)) {
    return {
      message: `${field} ${JSON.stringify(path)} is not a relative path`,
      remedy: `give the ${field === "rootDir" ? "folder relative to flexjob.yml" : "Dockerfile relative to rootDir"}, e.g. ${example}`,
    };
  }
  const inRepository = posix.normalize(posix.join(base.replace(/\\/g, "/"), path.replace(/\\/g, "/")));
  if (inRepository === ".." || inRepository.startsWith("../")) {
    return {
      message: `${field} ${JSON.stringify(path)} leads out of the repository (the folder of flexjob.yml)`,
      remedy: `keep the ${field === "rootDir" ? "build folder" : "Dockerfile"} inside the repository, e.g. ${example}; copy or move what it needs there`,
    };
  }
  return undefined;
}
