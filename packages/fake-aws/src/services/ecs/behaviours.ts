import type { EcsControlState, Task, TaskBehaviour } from "./state.js";

/**
 * Scripted task behaviours: a test queues what a family's next tasks do (hang until stopped,
 * be reclaimed by Fargate Spot, exit with a code) and each RunTask takes the next one, so a
 * retried run can fail first and succeed after ("exit 1, then 0").
 */

export function queueBehaviours(
  controls: EcsControlState,
  family: string,
  behaviours: TaskBehaviour[],
): void {
  const queue = controls.nextBehaviours.get(family) ?? [];
  controls.nextBehaviours.set(family, [...queue, ...behaviours]);
}

/** Gives a new task its family's next scripted behaviour, if one is queued. */
export function applyNextBehaviour(controls: EcsControlState, task: Task): void {
  const queue = controls.nextBehaviours.get(task.taskDefinition.family);
  const next = queue?.shift();
  if (next === undefined) return;
  if (next.kind === "hang") task.hangs = true;
  else if (next.kind === "spot-interruption") task.spotInterruptionAfterMs = next.afterMs;
  else task.scriptedExitCode = next.exitCode;
}
