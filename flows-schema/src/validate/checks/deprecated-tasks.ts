/**
 * Task types Kestra deprecated but still runs (LocalFiles, the state.* tasks): Osprey runs them too,
 * and says what replaces them with a `deprecated-task-type` warning at the task's `type`.
 */
import type { Check } from './context.ts';

export const deprecatedTasks: Check = (ctx) => {
  for (const { task, path } of ctx.tasks) {
    const replacement = ctx.registry.get(task.type)?.deprecated;
    if (replacement === undefined) continue;
    ctx.report(
      'deprecated-task-type',
      [...path, 'type'],
      `task '${task.id}': ${task.type} is deprecated in Kestra; ${replacement}`,
      'value',
    );
  }
};
