import { resolve } from "node:path";
import {
  type BulkSchedule,
  deleteBulkSchedules,
  FlexjobError,
  listBulkSchedules,
  loadBulkScheduleFile,
  syncBulkSchedules,
} from "@flexjob/sdk";
import { type CliIo, printJson } from "../io.js";
import { commandContext } from "./context.js";

export interface SyncFlags {
  config?: string;
  file: string;
  prune?: boolean;
  dryRun?: boolean;
  rate?: string;
  json?: boolean;
}

export interface ListFlags {
  config?: string;
  json?: boolean;
}

export interface DeleteFlags {
  config?: string;
  yes?: boolean;
  json?: boolean;
}

export async function syncCommand(io: CliIo, job: string, flags: SyncFlags): Promise<void> {
  const ratePerSecond = flags.rate === undefined ? undefined : parseRate(flags.rate);
  const entries = await loadBulkScheduleFile(resolve(io.cwd, flags.file));
  const { config, deps } = await commandContext(io, flags);
  const result = await syncBulkSchedules(
    config,
    job,
    // Checked entry by entry inside, before any AWS call.
    entries as BulkSchedule[],
    {
      prune: flags.prune ?? false,
      dryRun: flags.dryRun ?? false,
      ...(ratePerSecond === undefined ? {} : { ratePerSecond }),
    },
    deps,
  );
  if (flags.json) {
    printJson(io, result);
    return;
  }
  const verb = result.dryRun ? "would create" : "created";
  const removed = result.dryRun ? "would delete" : "deleted";
  io.stdout(
    `${result.group}: ${verb} ${result.created}, ${removed} ${result.deleted}, ${result.unchanged} unchanged` +
      `${result.kept > 0 ? `, ${result.kept} not in the file kept (pass --prune to delete them)` : ""}\n`,
  );
  io.stdout(
    `${result.calls.reads} reads, ${result.calls.writes} writes` +
      `${result.throttles > 0 ? `; throttled ${result.throttles} times, slowed to ${result.ratePerSecond.lowest}/s` : ""}\n`,
  );
  if (result.dryRun) io.stdout("dry run: nothing changed\n");
}

export async function listCommand(io: CliIo, job: string, flags: ListFlags): Promise<void> {
  const { config, deps } = await commandContext(io, flags);
  const result = await listBulkSchedules(config, job, deps);
  if (flags.json) {
    printJson(io, result);
    return;
  }
  if (!result.exists) {
    io.stdout(`${result.group}: no bulk schedules (the group does not exist)\n`);
    return;
  }
  for (const schedule of result.schedules) {
    io.stdout(`${schedule.state ?? "?"}\t${schedule.name}\t${schedule.key ?? "(long key, stored hashed)"}\n`);
  }
  io.stdout(`${result.group}: ${result.schedules.length} bulk schedules\n`);
}

export async function deleteCommand(io: CliIo, job: string, flags: DeleteFlags): Promise<void> {
  const { config, deps } = await commandContext(io, flags);
  if (!flags.yes) {
    const listing = await listBulkSchedules(config, job, deps);
    if (flags.json)
      printJson(io, { group: listing.group, deleted: false, schedules: listing.schedules.length });
    else if (!listing.exists) io.stdout(`${listing.group}: nothing to delete\n`);
    else {
      io.stdout(
        `would delete group ${listing.group} with its ${listing.schedules.length} schedules: pass --yes to delete them\n`,
      );
    }
    return;
  }
  const result = await deleteBulkSchedules(config, job, deps);
  if (flags.json) printJson(io, result);
  else
    io.stdout(
      result.deleted
        ? `deleted group ${result.group} and its schedules\n`
        : `${result.group}: nothing to delete\n`,
    );
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new FlexjobError(`--rate "${value}" is not a number above 0`, {
      code: "INPUT_INVALID",
      remedy: "pass writes per second, e.g. --rate 200",
    });
  }
  return rate;
}
