import { createHash } from "node:crypto";
import type { CreateScheduleInput } from "@aws-sdk/client-scheduler";
import { type ScheduleLive, type ScheduleLiveSpec, scheduleRequest } from "../aws/schedule-fields.js";
import { FlexjobError, showValue } from "../errors.js";
import { canonicalJson } from "../plan/canonical-json.js";
import type { FargateCapacityProvider } from "../sizing/index.js";
import type { CheckedBulkSchedule } from "./entries.js";
import { bulkScheduleName, CONTENT_HASH_LENGTH, encodeKey } from "./names.js";

/** Everything a bulk schedule shares with its job's deployed shard-0 schedule. */
export interface BulkTarget {
  app: string;
  job: string;
  groupName: string;
  /** The job's configured time zone: the default for entries without one. */
  timezone: string;
  /**
   * The shard-0 schedule as deployed: every field a bulk entry does not set (the target, the
   * flexible window, any field a later version adds) is copied from it whole.
   */
  schedule: Omit<ScheduleLiveSpec, "target"> & {
    target: Omit<ScheduleLiveSpec["target"], "capacityProvider"> & {
      capacityProvider: FargateCapacityProvider;
    };
  };
  /** The container the overrides address. */
  container: string;
  /** The shard-0 schedule's environment overrides (the FLEXJOB_* run context), by name. */
  runContext: Record<string, string>;
}

/** What CreateSchedule is sent for one entry, and the name that encodes its content. */
export interface RenderedBulkSchedule {
  key: string;
  name: string;
  request: Omit<CreateScheduleInput, "ClientToken">;
}

/** Scheduler's limit on a target's Input. https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Target.html */
export const TARGET_INPUT_MAX = 8192;
/** Bumped when what a bulk schedule is written with changes shape, so every name changes with it. */
const RENDER_VERSION = "bulk-1";

/**
 * The target of a job's bulk schedules, read off its deployed shard-0 schedule so that they start
 * exactly what its own schedule starts.
 */
export function bulkTargetOf(
  live: ScheduleLive,
  context: { app: string; job: string; groupName: string; timezone: string },
): BulkTarget {
  const { target } = live.spec;
  const notFlexjobs = (what: string) =>
    new FlexjobError(
      `schedule ${live.spec.name} of job ${context.job} has ${what}, which flexjob does not write`,
      {
        code: "INPUT_INVALID",
        remedy: "it was edited by hand: run flexjob deploy to restore it, then sync again",
      },
    );
  if (target.capacityProvider !== "FARGATE" && target.capacityProvider !== "FARGATE_SPOT") {
    throw notFlexjobs(`capacity ${showValue(target.capacityProvider)}`);
  }
  let overrides: unknown;
  try {
    overrides = JSON.parse(target.input);
  } catch {
    throw notFlexjobs(`a target Input that is not JSON (${showValue(target.input)})`);
  }
  const container = (overrides as { containerOverrides?: unknown } | null)?.containerOverrides;
  const first = Array.isArray(container) ? (container[0] as unknown) : undefined;
  const shape = first as { name?: unknown; environment?: unknown } | undefined;
  if (typeof shape?.name !== "string" || !Array.isArray(shape.environment)) {
    throw notFlexjobs(`target Input ${showValue(target.input)}`);
  }
  const runContext: Record<string, string> = {};
  for (const variable of shape.environment as unknown[]) {
    const { name, value } = (variable ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name === "string" && typeof value === "string") runContext[name] = value;
  }
  const capacityProvider = target.capacityProvider;
  return {
    ...context,
    schedule: { ...live.spec, target: { ...target, capacityProvider } },
    container: shape.name,
    runContext,
  };
}

/**
 * The complete schedule for one entry (UpdateSchedule replaces the whole schedule, so there is no
 * partial form), named after a hash of all of it: any change to the entry or to the job's target
 * gives a new name. Each bulk schedule starts one task, so the shard variables say 0 of 1, and
 * `FLEXJOB_SCHEDULE_KEY` tells the task which entry started it.
 */
export function renderBulkSchedule(entry: CheckedBulkSchedule, target: BulkTarget): RenderedBulkSchedule {
  const environment: Record<string, string> = {
    ...target.runContext,
    ...entry.env,
    FLEXJOB_TASK_INDEX: "0",
    FLEXJOB_TASK_COUNT: "1",
    FLEXJOB_SCHEDULE_KEY: entry.key,
  };
  const input = canonicalJson({
    containerOverrides: [
      {
        name: target.container,
        environment: Object.keys(environment)
          .sort()
          .map((name) => ({ name, value: environment[name] ?? "" })),
      },
    ],
  });
  if (input.length > TARGET_INPUT_MAX) {
    throw new FlexjobError(
      `bulk schedule ${showValue(entry.key)}: its env makes the target Input ${input.length} characters; the limit is ${TARGET_INPUT_MAX}`,
      {
        code: "INPUT_INVALID",
        remedy: "pass fewer or shorter env values; put bulky data where the job can read it by key",
      },
    );
  }
  // The job's own request builder, so a bulk schedule is written exactly as the job's schedules are;
  // the name comes from the content, so it is left out until the hash is taken.
  const { Name: _named, ...request } = scheduleRequest({
    ...target.schedule,
    name: "",
    groupName: target.groupName,
    expression: entry.expression,
    timezone: entry.timezone ?? target.timezone,
    state: entry.enabled ? "ENABLED" : "DISABLED",
    startDate: undefined,
    endDate: undefined,
    description: `flexjob ${target.app}/${target.job} bulk schedule ${showValue(entry.key)}`,
    target: { ...target.schedule.target, input },
  });
  const contentHash = createHash("sha256")
    .update(`${RENDER_VERSION}\n${canonicalJson(request)}`)
    .digest("hex")
    .slice(0, CONTENT_HASH_LENGTH);
  const name = bulkScheduleName(encodeKey(entry.key), contentHash);
  return { key: entry.key, name, request: { Name: name, ...request } };
}
