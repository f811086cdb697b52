import type { ManifestProblem, ParsedManifest } from "./manifest.js";
import type { ImportEntry, PendingSecret } from "./types.js";

export type Data = Record<string, unknown>;

export function isRecord(value: unknown): value is Data {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What converting one job needs and collects: its merged manifest, and where each field came from. */
export interface JobContext {
  app: string;
  job: string;
  file: string;
  env: string | undefined;
  region: string | undefined;
  /** The manifest as Copilot deploys it: environment merged, variables substituted. */
  data: Data;
  /** The job's flexjob fields, in the order they are written. */
  out: Data;
  entries: ImportEntry[];
  pending: PendingSecret[];
  problems: ManifestProblem[];
  manifest: ParsedManifest;
}

/**
 * Where a field's value came from: the environment's override when it writes the field, else the
 * base manifest. `field` is the Copilot path as written, e.g. `environments.prod.cpu`.
 */
export function origin(ctx: JobContext, path: readonly string[]): { field: string; line: number } {
  const overridden = ctx.env !== undefined && ctx.manifest.has(["environments", ctx.env, ...path]);
  const written = overridden ? ["environments", ctx.env ?? "", ...path] : path;
  return { field: written.join("."), line: ctx.manifest.locate(written) };
}

/** The value at `path` of the merged manifest. */
export function valueAt(ctx: JobContext, path: readonly string[]): unknown {
  let value: unknown = ctx.data;
  for (const key of path) value = isRecord(value) ? value[key] : undefined;
  return value;
}

export function report(
  ctx: JobContext,
  path: readonly string[],
  status: ImportEntry["status"],
  to: string | undefined,
  note: string,
): void {
  const { field, line } = origin(ctx, path);
  ctx.entries.push({
    job: ctx.job,
    field,
    file: ctx.file,
    line,
    status,
    ...(to === undefined ? {} : { to }),
    note,
  });
}

/** Sets a flexjob field of the job and reports the Copilot field it came from as mapped. */
export function mapTo(
  ctx: JobContext,
  path: readonly string[],
  key: string,
  value: unknown,
  note: string,
): void {
  ctx.out[key] = value;
  report(ctx, path, "mapped", `jobs.${ctx.job}.${key}`, note);
}

/** A value Copilot accepts in a form flexjob cannot carry over: collected, then thrown together. */
export function fail(ctx: JobContext, path: readonly string[], message: string, remedy: string): void {
  const { field, line } = origin(ctx, path);
  ctx.problems.push({ file: ctx.file, line, field, message: `${field} ${message}`, remedy });
}
