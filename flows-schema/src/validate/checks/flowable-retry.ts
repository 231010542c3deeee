/**
 * `retry` on a flowable task: Osprey retries runnable tasks and Subflow tasks (a new child execution
 * per attempt), not yet a flowable with child tasks, whose children keep their own `retry`. The flow
 * still runs, so this is a warning.
 */
import type { Check } from './context.ts';

const RETRIED_AS_A_WHOLE = new Set(['io.kestra.plugin.core.flow.Subflow']);

export const flowableRetry: Check = (ctx) => {
  for (const { task, path } of ctx.tasks) {
    if (task.retry === undefined || task.retry === null) continue;
    const definition = ctx.registry.get(task.type);
    if (definition?.kind !== 'flowable' || RETRIED_AS_A_WHOLE.has(definition.type)) continue;
    ctx.report(
      'flowable-retry-ignored',
      [...path, 'retry'],
      `task '${task.id}': Osprey does not retry a flowable task as a whole yet; put the retry on its child tasks`,
      'key',
    );
  }
};
