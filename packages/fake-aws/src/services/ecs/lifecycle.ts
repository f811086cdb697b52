import type { EcsControlState, Task } from "./state.js";

/**
 * A task's state is a pure function of the fake clock: the phase boundaries are fixed at
 * RunTask (and moved by StopTask), so advancing the clock is all it takes to move tasks along.
 */

export type TaskStatus = "PROVISIONING" | "PENDING" | "RUNNING" | "DEPROVISIONING" | "STOPPED";

export interface Timeline {
  pendingAtMs: number;
  /** When the containers started; undefined if the task stopped (or failed) before that. */
  runningAtMs: number | undefined;
  /** When stopping began: natural exit, StopTask, or a start failure. */
  stoppingAtMs: number;
  stoppedAtMs: number;
  /** Why it stopped. */
  stopCode: "EssentialContainerExited" | "UserInitiated" | "TaskFailedToStart" | "SpotInterruption";
  /** Whether the stop was StopTask's doing. */
  byUser: boolean;
}

export function timelineOf(task: Task): Timeline {
  const p = task.phases;
  const pendingAtMs = task.createdAtMs + p.provisioningMs;
  const startAtMs = pendingAtMs + p.pendingMs;
  const exitMs = task.hangs ? Number.POSITIVE_INFINITY : startAtMs + p.runningMs;
  const spotMs =
    task.spotInterruptionAfterMs === undefined ? undefined : startAtMs + task.spotInterruptionAfterMs;
  const interrupted = task.startFailure === undefined && spotMs !== undefined && spotMs < exitMs;
  const naturalStopMs =
    task.startFailure !== undefined ? startAtMs : interrupted ? (spotMs as number) : exitMs;
  const userStopMs = task.stop?.atMs;
  const byUser = userStopMs !== undefined && userStopMs < naturalStopMs;
  const stoppingAtMs = byUser ? userStopMs : naturalStopMs;
  const ran = task.startFailure === undefined && stoppingAtMs > startAtMs;
  const stopCode = byUser
    ? "UserInitiated"
    : task.startFailure !== undefined
      ? "TaskFailedToStart"
      : interrupted
        ? "SpotInterruption"
        : "EssentialContainerExited";
  return {
    pendingAtMs: Math.min(pendingAtMs, stoppingAtMs),
    runningAtMs: ran ? startAtMs : undefined,
    stoppingAtMs,
    stoppedAtMs: stoppingAtMs + p.stoppingMs,
    stopCode,
    byUser,
  };
}

/**
 * ECS answers for a stopped task "for at least one hour" after it stops, then forgets it; here
 * exactly one hour on the fake clock, so callers cannot rely on stopped tasks forever.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html
 */
export const STOPPED_TASK_RETENTION_MS = 60 * 60 * 1000;

export function forgottenAt(task: Task): number {
  return timelineOf(task).stoppedAtMs + STOPPED_TASK_RETENTION_MS;
}

export function statusAt(task: Task, nowMs: number): TaskStatus {
  const t = timelineOf(task);
  if (nowMs >= t.stoppedAtMs) return "STOPPED";
  if (nowMs >= t.stoppingAtMs) return "DEPROVISIONING";
  if (t.runningAtMs !== undefined && nowMs >= t.runningAtMs) return "RUNNING";
  if (nowMs >= t.pendingAtMs) return "PENDING";
  return "PROVISIONING";
}

/** StopTask at `nowMs`: only the first stop of a task still running counts. */
export function requestStop(task: Task, nowMs: number, reason: string): void {
  if (task.stop === undefined && nowMs < timelineOf(task).stoppingAtMs) task.stop = { atMs: nowMs, reason };
}

export function desiredStatusAt(task: Task, nowMs: number): "RUNNING" | "STOPPED" {
  return nowMs >= timelineOf(task).stoppingAtMs ? "STOPPED" : "RUNNING";
}

/**
 * The essential container's exit code, fixed the first time the task is seen past the moment
 * its containers stopped: a per-task setting wins over a per-family one; SIGTERM (143) when
 * StopTask ended a running task; none when it never ran.
 */
export function exitCodeAt(task: Task, controls: EcsControlState, nowMs: number): number | undefined {
  if (task.exitCode !== undefined) return task.exitCode;
  const t = timelineOf(task);
  if (t.runningAtMs === undefined || nowMs < t.stoppingAtMs) return undefined;
  // A stop from outside (StopTask, Spot reclaiming the capacity) sends SIGTERM first.
  task.exitCode =
    t.byUser || t.stopCode === "SpotInterruption"
      ? 143
      : (task.scriptedExitCode ??
        controls.exitCodes.get(task.arn) ??
        controls.exitCodes.get(task.id) ??
        controls.exitCodes.get(task.taskDefinition.family) ??
        0);
  return task.exitCode;
}
