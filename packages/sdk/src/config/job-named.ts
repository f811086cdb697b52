import { FlexjobError } from "../errors.js";
import type { FlexjobConfig, JobSpec } from "./schema.js";

/**
 * The config's job called `name`, or an error naming it and listing the jobs there are: every
 * command that takes a job name (run, logs, build, destroy --job, schedules) looks it up here.
 * `where` names the config in the message, e.g. its file, when the caller knows it.
 * @example
 * const job = jobNamed(config, "report", "flexjob.yml"); // throws INPUT_INVALID listing the jobs when none is called so
 */
export function jobNamed(config: FlexjobConfig, name: string, where = "the config"): JobSpec {
  const job = config.jobs.find((candidate) => candidate.name === name);
  if (job === undefined) {
    throw new FlexjobError(`no job named "${name}" in ${where}`, {
      code: "INPUT_INVALID",
      remedy: `use one of: ${config.jobs.map((candidate) => candidate.name).join(", ")}`,
    });
  }
  return job;
}
