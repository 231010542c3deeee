/** A Subflow that starts its own flow would recurse forever. */
import type { Check } from './context.ts';

export const subflowRecursion: Check = (ctx) => {
  for (const { task, path } of ctx.tasks) {
    const type = ctx.registry.get(task.type)?.type;
    if (type !== 'io.kestra.plugin.core.flow.Subflow' && type !== 'io.kestra.plugin.core.flow.ForEachItem')
      continue;
    if (task['namespace'] === ctx.doc['namespace'] && task['flowId'] === ctx.doc['id']) {
      ctx.report(
        'subflow-recursion',
        [...path, 'flowId'],
        `task '${task.id}' starts its own flow ${String(ctx.doc['namespace'])}.${String(ctx.doc['id'])}, which would recurse forever; call another flow`,
      );
    }
  }
};
