import { timelineOf } from "./lifecycle.js";
import type { EcsEnv, Task } from "./state.js";

/**
 * ECS's "ECS Task State Change" event for each task that has reached STOPPED, onto the
 * default event bus (World.publishEvent). The detail is the task as DescribeTasks shows it at
 * the moment it stopped, timestamps as ISO strings, the shape AWS documents for task state
 * change events. A task's status is a function of the fake clock, so the event goes out at the
 * first settle after its stop time, stamped with the stop time itself.
 */

/** Tasks whose stop was already published; keyed on the task object, so a reset forgets them. */
const published = new WeakSet<Task>();

export function publishStopEvents(
  env: EcsEnv,
  describe: (task: Task, atMs: number) => Record<string, unknown>,
): void {
  const publish = env.world.publishEvent;
  if (publish === undefined) return;
  const nowMs = env.clock.nowMs();
  const stopped = [...env.state.tasks.values()]
    .filter((task) => !published.has(task))
    .map((task) => ({ task, stoppedAtMs: timelineOf(task).stoppedAtMs }))
    .filter(({ stoppedAtMs }) => stoppedAtMs <= nowMs)
    .sort((a, b) => a.stoppedAtMs - b.stoppedAtMs);
  for (const { task, stoppedAtMs } of stopped) {
    published.add(task);
    const { tags: _tags, ...shown } = describe(task, stoppedAtMs);
    const detail = JSON.parse(JSON.stringify({ ...shown, updatedAt: new Date(stoppedAtMs) })) as Record<
      string,
      unknown
    >;
    publish({
      source: "aws.ecs",
      detailType: "ECS Task State Change",
      detail,
      resources: [task.arn],
      region: task.region,
      time: new Date(stoppedAtMs),
    });
  }
}
