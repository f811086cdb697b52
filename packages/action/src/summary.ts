import {
  ACTION_SYMBOL,
  changeLines,
  countLine,
  type DeployResult,
  describeSchedule,
  type FlexjobConfig,
  formatMemory,
  type JobRun,
  type JobSpec,
  logGroupConsoleUrl,
  names,
  type PlanStep,
  type RunNowResult,
} from "@flexjob/sdk";
import { type SkippedJob, skippedLine } from "./branch-skips.js";
import { cell, code, localTime } from "./markdown.js";

export interface SummaryInput {
  config: FlexjobConfig;
  region: string;
  /** Workspace-relative config file; undefined for a job given by inputs. */
  configFile: string | undefined;
  /** undefined when no job was left to deploy (nothing was read from AWS). */
  result: DeployResult | undefined;
  dryRun: boolean;
  eventName: string | undefined;
  /** The branch jobs were matched against. */
  ref: string | undefined;
  skipped: readonly SkippedJob[];
  runs: readonly RunNowResult[];
  /** Each deployed job's last runs from the run history, or why they could not be read. */
  lastRuns: Readonly<Record<string, readonly JobRun[] | { unavailable: string }>>;
}

const OUTCOME_MARK: Readonly<Record<JobRun["outcome"], string>> = {
  succeeded: "✅",
  failed: "❌",
  timedOut: "⏱️",
  interrupted: "⚠️",
  skipped: "⏭️",
  missed: "🚫",
  running: "🔄",
};

/** `✅ 2026-12-06 03:30 succeeded, 12m 4s, 2 attempts`, one run a line, newest first. */
function lastRunsText(runs: readonly JobRun[] | { unavailable: string } | undefined): string {
  if (runs === undefined) return "none yet";
  if ("unavailable" in runs) return `not read: ${cell(runs.unavailable)}`;
  if (runs.length === 0) return "none in the last 7 days";
  return runs
    .map((run) => {
      const when = (run.scheduledTime ?? run.startedAt ?? "").replace("T", " ").slice(0, 16);
      const parts = [
        run.outcome === "timedOut" ? "timed out" : run.outcome,
        ...(run.durationSeconds === undefined ? [] : [durationText(run.durationSeconds)]),
        ...(run.attempts > 1 ? [`${run.attempts} attempts`] : []),
        ...(run.reason === undefined ? [] : [cell(run.reason)]),
      ];
      return `${OUTCOME_MARK[run.outcome]} ${when} ${parts.join(", ")}`;
    })
    .join("<br>");
}

function durationText(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes === 0 ? `${seconds}s` : `${minutes}m ${seconds % 60}s`;
}

/** AWS console pages of one job's resources. */
export function consoleLinks(
  region: string,
  app: string,
  job: Pick<JobSpec, "name" | "tasks">,
): { label: string; url: string }[] {
  const console = `https://${region}.console.aws.amazon.com`;
  const family = names.taskFamily(app, job.name);
  const group = names.scheduleGroup(app);
  const logGroup = names.logGroup(app, job.name);
  const schedules = Array.from({ length: job.tasks }, (_, shard) => names.schedule(app, job.name, shard));
  return [
    {
      label: "task definition",
      url: `${console}/ecs/v2/task-definitions/${encodeURIComponent(family)}?region=${region}`,
    },
    ...schedules.map((schedule, shard) => ({
      label: job.tasks === 1 ? "schedule" : `schedule ${shard + 1}`,
      url: `${console}/scheduler/home?region=${region}#schedules/${encodeURIComponent(group)}/${encodeURIComponent(schedule)}`,
    })),
    {
      label: "logs",
      url: logGroupConsoleUrl(region, logGroup),
    },
  ];
}

function sizeText(job: JobSpec): string {
  const parts = [
    `${job.size.cpu} vCPU`,
    formatMemory(job.size.memoryGiB),
    `${job.size.storageGiB} GiB storage`,
    job.arch,
    ...(job.spot ? ["Fargate Spot"] : []),
    ...(job.tasks > 1 ? [`${job.tasks} tasks per run`] : []),
  ];
  return parts.join(", ");
}

function stepText(step: PlanStep): string {
  const changes = step.action === "update" ? changeLines(step) : [];
  const reason = step.reason === undefined ? "" : ` — ${step.reason}`;
  return [
    `${code(ACTION_SYMBOL[step.action])} ${step.kind} ${code(step.id)}${reason}`,
    ...changes.map((line) => `&nbsp;&nbsp;${cell(line)}`),
  ].join("<br>");
}

function headline(input: SummaryInput): string {
  const { result } = input;
  if (result === undefined) return "Nothing deployed: no job of this config deploys from this branch.";
  if (input.dryRun) {
    const why =
      input.eventName === "pull_request" || input.eventName === "pull_request_target"
        ? ` on ${input.eventName}`
        : "";
    return `**Dry run${why}**: nothing was changed. The plan: ${countLine(result.plan)}.`;
  }
  if (!result.changed) return "**Up to date**: no change was needed, nothing was written.";
  return `**Deployed**: ${countLine(result.plan, "applied")}.`;
}

/** The job summary (GITHUB_STEP_SUMMARY) as Markdown: a headline, app-wide changes, a table a job. */
export function renderSummary(input: SummaryInput): string {
  const { config, result, region } = input;
  const account = result === undefined ? "" : ` (account ${result.plan.accountId})`;
  const lines = [`## flexjob: ${config.app} in ${region}${account}`, "", headline(input), ""];
  if (input.configFile !== undefined) lines.push(`Config: ${code(input.configFile)}`, "");
  if (result?.dashboardUrl !== undefined)
    lines.push(`Dashboard: [${names.dashboard(config.app)}](${result.dashboardUrl})`, "");

  const appSteps = result?.plan.steps.filter((step) => step.job === undefined) ?? [];
  if (appSteps.length > 0) {
    lines.push("| | app-wide resource | changes |", "|---|---|---|");
    for (const step of appSteps) {
      const changes =
        step.action === "update" ? changeLines(step).map(cell).join("<br>") : (step.reason ?? "");
      lines.push(`| ${code(ACTION_SYMBOL[step.action])} | ${step.kind} ${code(step.id)} | ${changes} |`);
    }
    lines.push("");
  }

  for (const deployed of result?.jobs ?? []) {
    const job = config.jobs.find((candidate) => candidate.name === deployed.name);
    if (job === undefined) continue;
    const steps = result?.plan.steps.filter((step) => step.job === job.name) ?? [];
    const runs =
      deployed.nextRuns.length === 0
        ? "none (disabled)"
        : deployed.nextRuns.map((run) => localTime(run, job.timezone)).join("<br>");
    const links = consoleLinks(region, config.app, job)
      .map((link) => `[${link.label}](${link.url})`)
      .join(" · ");
    lines.push(
      `### ${job.name}${job.enabled ? "" : " (disabled)"}`,
      "",
      "| | |",
      "|---|---|",
      `| Schedule | ${code(job.schedule.expression)} — ${cell(describeSchedule(job.schedule.expression, job.timezone))} |`,
      `| Time zone | ${job.timezone} |`,
      `| Next runs | ${runs} |`,
      `| Last runs | ${lastRunsText(input.lastRuns[job.name])} |`,
      `| Size | ${sizeText(job)} |`,
      `| Image | ${code(deployed.image)} |`,
      `| Changes | ${steps.map(stepText).join("<br>") || "none"} |`,
      `| AWS console | ${links} |`,
      "",
    );
  }

  const otherSteps =
    result?.plan.steps.filter(
      (step) => step.job !== undefined && !result.jobs.some((job) => job.name === step.job),
    ) ?? [];
  if (otherSteps.length > 0) {
    lines.push(
      "### Jobs no longer in the config",
      "",
      ...otherSteps.map((step) => `- ${stepText(step)}`),
      "",
    );
  }

  if (input.runs.length > 0) {
    lines.push("### Run now", "", "| job | task | status | exit code |", "|---|---|---|---|");
    for (const run of input.runs) {
      for (const task of run.tasks) {
        lines.push(`| ${run.job} | ${task.shard + 1} | ${task.lastStatus} | ${task.exitCode ?? ""} |`);
      }
    }
    lines.push("");
  }

  const skipped = skippedLine(input.skipped, input.ref);
  if (skipped !== undefined) lines.push(skipped, "");
  for (const note of result?.plan.notes ?? []) lines.push(`> [!NOTE]`, `> ${note}`, "");
  return `${lines.join("\n").trimEnd()}\n`;
}
