/**
 * Task types Kestra deprecated. Those it still runs (LocalFiles, the state.* tasks) Osprey runs too,
 * with a `deprecated-task-type` warning saying what replaces them; those Osprey cannot run
 * (Template: it needs a template store) are a `task-type-not-supported` error saying what to write.
 */
import type { Check } from './context.ts';

export const deprecatedTasks: Check = (ctx) => {
  for (const { task, path } of ctx.tasks) {
    const definition = ctx.registry.get(task.type);
    if (definition?.refused !== undefined)
      ctx.report(
        'task-type-not-supported',
        [...path, 'type'],
        `task '${task.id}': ${definition.refused}`,
        'value',
      );
    else if (definition?.deprecated !== undefined)
      ctx.report(
        'deprecated-task-type',
        [...path, 'type'],
        `task '${task.id}': ${task.type} is deprecated in Kestra; ${definition.deprecated}`,
        'value',
      );
  }
};
