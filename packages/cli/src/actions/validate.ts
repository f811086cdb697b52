import { type FlexjobConfig, formatMemory, type JobSpec } from "@flexjob/sdk/config";
import { describeSchedule, jobNextRuns } from "@flexjob/sdk/schedule";
import { loadCliConfig } from "../config-warnings.js";
import { type CliIo, printJson } from "../io.js";

export interface ValidateOptions {
  config?: string;
  json?: boolean;
}

const PREVIEW_RUNS = 3;

export async function validateCommand(io: CliIo, options: ValidateOptions): Promise<void> {
  const { config, file } = await loadCliConfig(io, options.config);
  const jobs = config.jobs.map((job) => summarise(job, io.now()));
  if (options.json) {
    printJson(io, { file, app: config.app, jobs });
    return;
  }
  io.stdout(render(config, jobs));
}

type JobSummary = ReturnType<typeof summarise>;

function summarise(job: JobSpec, now: Date) {
  return {
    name: job.name,
    schedule: job.schedule.expression,
    description: describeSchedule(job.schedule.expression, job.timezone),
    timezone: job.timezone,
    enabled: job.enabled,
    nextRuns: jobNextRuns(
      {
        expression: job.schedule.expression,
        timezone: job.timezone,
        startDate: job.startDate,
        endDate: job.endDate,
      },
      { from: now, count: PREVIEW_RUNS },
    ),
    size: {
      cpu: job.size.cpu,
      memoryGiB: job.size.memoryGiB,
      storageGiB: job.size.storageGiB,
      arch: job.arch,
      spot: job.spot,
      tasks: job.tasks,
    },
  };
}

function render(config: FlexjobConfig, jobs: JobSummary[]): string {
  const lines = [`${config.app}: ${jobs.length} job${jobs.length === 1 ? "" : "s"}, all valid`];
  for (const job of jobs) {
    const { size } = job;
    lines.push(
      "",
      `${job.name}${job.enabled ? "" : " (disabled)"}`,
      `  schedule  ${job.schedule}`,
      `            ${job.description}`,
      `  next      ${job.nextRuns.join(", ") || "none"}`,
      `  size      ${size.cpu} vCPU, ${formatMemory(size.memoryGiB)}, ${size.storageGiB} GiB storage, ${size.arch}${size.spot ? ", spot" : ""}${size.tasks > 1 ? `, ${size.tasks} tasks per run` : ""}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
