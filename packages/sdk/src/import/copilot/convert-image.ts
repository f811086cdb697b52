import { posix } from "node:path";
import { split } from "shlex";
import { type Data, fail, isRecord, type JobContext, mapTo, report, valueAt } from "./context.js";
import { goDurationSeconds } from "./go-duration.js";

/** `image.location`, or `image.build` as flexjob's `source` (paths from the workspace root, where flexjob.yml goes). */
export function convertImage(ctx: JobContext): void {
  const location = valueAt(ctx, ["image", "location"]);
  const build = valueAt(ctx, ["image", "build"]);
  if ((location === undefined) === (build === undefined)) {
    fail(
      ctx,
      ["image"],
      location === undefined ? "has neither build nor location" : "has both build and location",
      "give the job exactly one of image.build (a Dockerfile to build) and image.location (an image to run)",
    );
    return;
  }
  if (typeof location === "string") {
    mapTo(ctx, ["image", "location"], "image", location, "the image the job runs");
    return;
  }
  const source = typeof build === "string" ? sourceOfPath(build) : sourceOfMap(build as Data);
  mapTo(ctx, ["image", "build"], "source", source.written, source.note);
  if (isRecord(build)) {
    for (const key of ["target", "cache_from"]) {
      if (build[key] === undefined) continue;
      report(
        ctx,
        ["image", "build", key],
        "unmapped",
        undefined,
        key === "target"
          ? "flexjob builds the Dockerfile's last stage: move the stage you need to the end, or keep a Dockerfile for it"
          : "flexjob has no build cache source: remove cache_from (the build runs without it)",
      );
    }
  }
}

function sourceOfPath(dockerfile: string): { written: Data; note: string } {
  const path = posix.normalize(dockerfile);
  const rootDir = posix.dirname(path);
  return {
    written: { rootDir, dockerfile: posix.basename(path) },
    note: `builds ${path} with the folder ${rootDir} as context, as Copilot did`,
  };
}

/** Copilot's defaults: context = the Dockerfile's folder, Dockerfile = <context>/Dockerfile, else ./Dockerfile. */
function sourceOfMap(build: Data): { written: Data; note: string } {
  const dockerfile = typeof build.dockerfile === "string" ? posix.normalize(build.dockerfile) : undefined;
  const context =
    typeof build.context === "string"
      ? posix.normalize(build.context)
      : dockerfile
        ? posix.dirname(dockerfile)
        : ".";
  const relative = posix.relative(context, dockerfile ?? posix.join(context, "Dockerfile"));
  const written: Data = { rootDir: context, dockerfile: relative };
  if (isRecord(build.args)) {
    written.buildArgs = Object.fromEntries(
      Object.entries(build.args).map(([key, value]) => [key, String(value)]),
    );
  }
  const args = isRecord(build.args) ? `, with build args ${Object.keys(build.args).join(", ")}` : "";
  return {
    written,
    note: `builds ${posix.join(context, relative)} with the folder ${context} as context${args}`,
  };
}

/** image fields with no flexjob equivalent, and what to do instead. */
const UNMAPPED_IMAGE: Readonly<Record<string, string>> = {
  credentials:
    "flexjob passes no registry credentials: copy the image into ECR (or build it from source), then remove credentials",
  labels: "flexjob sets no Docker labels: put them in the Dockerfile with LABEL",
  depends_on: "flexjob runs no sidecars to wait for: remove depends_on",
};

export function convertImageExtras(ctx: JobContext): void {
  for (const [key, note] of Object.entries(UNMAPPED_IMAGE)) {
    if (valueAt(ctx, ["image", key]) !== undefined) report(ctx, ["image", key], "unmapped", undefined, note);
  }
  convertHealthCheck(ctx);
}

/** Copilot's health check defaults (NewDefaultContainerHealthCheck), in seconds. */
const HEALTH_DEFAULTS = { interval: 10, retries: 2, timeout: 5, start_period: 0 } as const;

function convertHealthCheck(ctx: JobContext): void {
  const check = valueAt(ctx, ["image", "healthcheck"]);
  if (!isRecord(check)) return;
  const seconds = (key: "interval" | "timeout" | "start_period"): number | undefined => {
    const value = check[key];
    if (value === undefined) return HEALTH_DEFAULTS[key];
    const parsed = typeof value === "string" ? goDurationSeconds(value) : undefined;
    if (parsed === undefined || !Number.isInteger(parsed)) {
      fail(
        ctx,
        ["image", "healthcheck", key],
        `is ${JSON.stringify(value)}, not whole seconds`,
        'write whole seconds such as "10s"',
      );
    }
    return parsed;
  };
  const command = check.command ?? ["CMD-SHELL", "curl -f http://localhost/ || exit 1"];
  mapTo(
    ctx,
    ["image", "healthcheck"],
    "healthCheck",
    {
      command,
      interval: seconds("interval"),
      timeout: seconds("timeout"),
      retries: check.retries ?? HEALTH_DEFAULTS.retries,
      startPeriod: seconds("start_period"),
    },
    "the container health check, Copilot's defaults written out for fields it leaves unset",
  );
}

/** entrypoint and command: a string is split as Copilot splits it (shell-style, no expansion). */
export function convertCommand(ctx: JobContext): void {
  if (valueAt(ctx, ["entrypoint"]) !== undefined) {
    report(
      ctx,
      ["entrypoint"],
      "unmapped",
      undefined,
      "flexjob has no entrypoint override: set ENTRYPOINT in the Dockerfile, or clear it there and put the whole command in command",
    );
  }
  const command = valueAt(ctx, ["command"]);
  if (command === undefined) return;
  const words = typeof command === "string" ? split(command) : (command as string[]);
  mapTo(ctx, ["command"], "command", words, "the command, as the list Copilot split it into");
}
