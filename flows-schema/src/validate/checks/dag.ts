/** Dag tasks: every `dependsOn` names a task of the same Dag, and the graph has no cycle. */
import { type Check, findCycles, list } from './context.ts';

export const dagDependencies: Check = (ctx) => {
  for (const { task, path } of ctx.tasks) {
    if (ctx.registry.get(task.type)?.type !== 'io.kestra.plugin.core.flow.Dag') continue;
    const entries = list(task['tasks']);
    const ids = new Map<string, number>();
    entries.forEach((e, i) => {
      const id = (e as { task?: { id?: unknown } }).task?.id;
      if (typeof id === 'string') ids.set(id, i);
    });
    const graph = new Map<string, string[]>();
    entries.forEach((e, i) => {
      const id = (e as { task?: { id?: unknown } }).task?.id;
      const deps = list((e as { dependsOn?: unknown }).dependsOn).filter(
        (d): d is string => typeof d === 'string',
      );
      if (typeof id === 'string') graph.set(id, deps);
      deps.forEach((dep, j) => {
        if (!ids.has(dep)) {
          ctx.report(
            'unknown-dag-dependency',
            [...path, 'tasks', i, 'dependsOn', j],
            `Dag '${task.id}': task '${String(id)}' depends on '${dep}', which is not a task of this Dag; known: ${[...ids.keys()].join(', ')}`,
          );
        }
      });
    });
    for (const cycle of findCycles(graph)) {
      const at = ids.get(cycle[0]!) ?? 0;
      ctx.report(
        'dag-cycle',
        [...path, 'tasks', at, 'dependsOn'],
        `Dag '${task.id}' has a dependency cycle: ${cycle.join(' → ')}; a Dag must be acyclic`,
      );
    }
  }
};
