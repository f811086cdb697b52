import { type CopilotImport, type CopilotJobLive, findCopilotJob } from "@flexjob/sdk";
import { isoSeconds, nextRuns } from "@flexjob/sdk/schedule";
import type { AwsReach } from "./copilot-aws.js";

/** How many upcoming runs the cut-over lists on each side. */
const RUNS = 5;

/** One job's cut-over: what Copilot runs now, read live, beside what flexjob will run. */
export interface CutoverJob {
  job: string;
  /** The live state machine and rules; null when AWS could not be read (`error` says why). */
  copilot: (CopilotJobLive & { nextRuns: Record<string, string[]> }) | null;
  error: string | null;
  flexjob: { schedule: string | null; timezone: string; enabled: boolean; nextRuns: string[] };
  /** Whether both sides' next runs are the same instants (false when either has none to compare). */
  sameRuns: boolean;
}

/** Reads each imported job's live Copilot resources (read-only) and lists both sides' next runs. */
export async function cutoverJobs(imported: CopilotImport, aws: AwsReach, now: Date): Promise<CutoverJob[]> {
  const env = imported.env ?? "";
  const jobs: CutoverJob[] = [];
  for (const job of imported.jobs) {
    const live = await aws.use((clients, account) =>
      findCopilotJob(clients, { app: imported.app, env, job, account }),
    );
    const flexjob = flexjobSide(imported.config, job, now);
    const copilot =
      live === undefined
        ? null
        : {
            ...live,
            nextRuns: Object.fromEntries(
              live.rules.map((rule) => [
                rule.name,
                rule.state === "ENABLED" ? runsOf(rule.expression, "UTC", now) : [],
              ]),
            ),
          };
    const copilotRuns = copilot === null ? [] : Object.values(copilot.nextRuns).flat();
    jobs.push({
      job,
      copilot,
      error: live === undefined ? (aws.offlineReason() ?? "AWS could not be read") : null,
      flexjob,
      sameRuns: copilotRuns.length > 0 && copilotRuns.join() === flexjob.nextRuns.join(),
    });
  }
  return jobs;
}

/** The imported job's schedule as flexjob.yml holds it, and its next runs. */
function flexjobSide(config: Record<string, unknown>, job: string, now: Date): CutoverJob["flexjob"] {
  const jobs = (config.jobs ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const spec = jobs[job] ?? {};
  const schedule = typeof spec.schedule === "string" ? spec.schedule : null;
  const timezone = typeof spec.timezone === "string" ? spec.timezone : "UTC";
  const enabled = spec.enabled !== false;
  return {
    schedule,
    timezone,
    enabled,
    nextRuns: enabled ? runsOf(schedule ?? undefined, timezone, now) : [],
  };
}

/** Next runs of an expression; none for a form flexjob cannot read (the rule is shown as is). */
function runsOf(expression: string | undefined, timezone: string, now: Date): string[] {
  if (expression === undefined) return [];
  try {
    return nextRuns(expression, { timezone, from: now, count: RUNS }).map(isoSeconds);
  } catch {
    return [];
  }
}

/** The cut-over for a person: each job's live Copilot side beside flexjob's, then the switch steps. */
export function renderCutover(imported: CopilotImport, jobs: CutoverJob[], region: string): string {
  const lines = ["", `cut-over from Copilot (app ${imported.app}, env ${imported.env ?? ""}, ${region}):`];
  for (const job of jobs) lines.push("", ...jobLines(job));
  lines.push("", ...switchSteps(imported, jobs, region));
  return `${lines.join("\n")}\n`;
}

function jobLines(job: CutoverJob): string[] {
  const lines = [job.job];
  const { copilot } = job;
  if (copilot === null) return [...lines, `  Copilot side not read: ${job.error}`];
  if (copilot.stateMachine === undefined) {
    return [...lines, `  no state machine ${copilot.name} here: not deployed to this env, account or Region`];
  }
  const machine = copilot.stateMachine;
  const policy = [
    machine.timeoutSeconds === undefined ? "no timeout" : `timeout ${machine.timeoutSeconds} s`,
    machine.retry === undefined ? "no retries" : `retries ${machine.retry.maxAttempts}`,
  ].join(", ");
  lines.push(`  state machine  ${machine.arn} (${policy})`);
  if (copilot.rules.length === 0) lines.push("  no EventBridge rule starts it");
  for (const rule of copilot.rules) {
    lines.push(`  Copilot rule   ${rule.name}: ${rule.expression ?? "(event pattern)"}, ${rule.state}`);
  }
  const copilotRuns = Object.values(copilot.nextRuns).flat();
  const flexjob = job.flexjob;
  lines.push(
    `  next runs      ${"Copilot (UTC)".padEnd(22)}flexjob: ${flexjob.schedule ?? "none"} (${flexjob.timezone})${flexjob.enabled ? "" : ", disabled"}`,
  );
  for (let i = 0; i < Math.max(copilotRuns.length, flexjob.nextRuns.length, 1); i++) {
    lines.push(`                 ${(copilotRuns[i] ?? "-").padEnd(22)}${flexjob.nextRuns[i] ?? "-"}`);
  }
  if (copilot.rules.some((rule) => rule.expression?.startsWith("rate(") && rule.state === "ENABLED")) {
    lines.push(
      "  (a rate counts from when its rule or schedule was last created or updated: compare the period)",
    );
  } else if (copilotRuns.length > 0) {
    lines.push(
      `  same instants: ${job.sameRuns ? "yes" : "NO, check the imported schedule before switching"}`,
    );
  }
  return lines;
}

/**
 * The switch without double runs: flexjob deployed disabled, Copilot's rules off, flexjob on,
 * Copilot gone. A job imported disabled (Copilot's `none`) stays disabled throughout.
 */
function switchSteps(imported: CopilotImport, jobs: CutoverJob[], region: string): string[] {
  const running = jobs.filter((job) => job.flexjob.enabled).map((job) => job.job);
  const idle = jobs.filter((job) => !job.flexjob.enabled).map((job) => job.job);
  const names = running.join(", ");
  const lines = ["switch without double runs:"];
  if (running.length === 0) lines.push("  1. flexjob deploy (every job is disabled, as in Copilot)");
  else lines.push(`  1. in flexjob.yml set enabled: false on ${names}, then: flexjob deploy`);
  if (idle.length > 0 && running.length > 0) {
    lines.push(
      `     ${idle.join(", ")} stay${idle.length === 1 ? "s" : ""} disabled, as Copilot's schedule none had it`,
    );
  }
  lines.push("  2. between two runs, disable Copilot's rules:");
  for (const job of jobs) lines.push(...ruleCommands(imported, job, region));
  lines.push(
    "     the next `copilot job deploy` of a job turns its rule on again: do not deploy these jobs with Copilot any more",
    running.length === 0
      ? "  3. nothing to enable"
      : `  3. set enabled: true on ${names} (or remove enabled: false), then: flexjob deploy`,
    "  4. once flexjob's runs look right, delete the Copilot jobs:",
    ...jobs.map((job) => `       copilot job delete --name ${job.job} --env ${imported.env ?? ""}`),
  );
  return lines;
}

/** The commands that turn a job's Copilot rules off, or find them when they could not be read. */
function ruleCommands(imported: CopilotImport, job: CutoverJob, region: string): string[] {
  if (job.copilot === null) {
    const machine = `arn:aws:states:${region}:<account>:stateMachine:${imported.app}-${imported.env ?? ""}-${job.job}`;
    return [
      `       aws events list-rule-names-by-target --target-arn ${machine} --region ${region}`,
      `       aws events disable-rule --name <each rule it lists> --region ${region}`,
    ];
  }
  if (job.copilot.rules.length === 0) return [`       # ${job.job}: no Copilot rule found`];
  return job.copilot.rules.map(
    (rule) =>
      `       aws events disable-rule --name ${rule.name} --region ${region}${rule.state === "DISABLED" ? "   # already DISABLED" : ""}`,
  );
}
