import { isoSeconds, nextRuns } from "../schedule/index.js";

/** What decides when a schedule runs: its expression, zone and dates, from config or from AWS. */
export interface ScheduleTiming {
  expression: string;
  timezone: string;
  /** ISO date-times, as flexjob.yml and GetSchedule give them. */
  startDate?: string | undefined;
  endDate?: string | undefined;
  /** The deployed schedule's CreationDate: a rate without a startDate counts from it. */
  createdAt?: string | undefined;
}

export interface JobRunsOptions {
  from: Date;
  count: number;
  /** The deployed schedule's CreationDate: a rate without a startDate counts from it. */
  createdAt?: string | undefined;
}

/**
 * A job's next runs as AWS will start them: inside its startDate/endDate, and for a rate counted
 * from its start rather than from now. Every face (validate, deploy, status, the Action) lists
 * runs through this one function.
 * @example
 * jobNextRuns({ expression: "cron(0 6 * * ? *)", timezone: "UTC" }, { from: new Date("2026-01-01T00:00:00Z"), count: 2 });
 * // ["2026-01-01T06:00:00Z", "2026-01-02T06:00:00Z"]
 */
export function jobNextRuns(timing: ScheduleTiming, options: JobRunsOptions): string[] {
  const date = (value: string | undefined) => (value === undefined ? undefined : new Date(value));
  return nextRuns(timing.expression, {
    timezone: timing.timezone,
    from: options.from,
    count: options.count,
    startDate: date(timing.startDate),
    endDate: date(timing.endDate),
    rateStart: date(options.createdAt ?? timing.createdAt),
  }).map(isoSeconds);
}
