/**
 * `flow.Dag`: each task starts once every task it `dependsOn` has ended in a passing state. A
 * dependency on a disabled task counts as met (the task is as if absent). Cycles are rejected by
 * validation before a flow can run.
 */
import type { PlanItem } from '../types.ts';
import { intOr } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

interface DagEntry {
  task: { id: string; disabled?: boolean };
  dependsOn?: string[];
}

export const dag: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.Dag',
  next: ({ task }, signal) => {
    if (signal.kind !== 'begin') return undefined;
    const entries = ((task['tasks'] ?? []) as DagEntry[]).filter((e) => e.task.disabled !== true);
    const index = new Map(entries.map((e, i) => [e.task.id, i]));
    const items: PlanItem[] = entries.map((e) => ({
      taskId: e.task.id,
      after: (e.dependsOn ?? []).flatMap((id) => (index.has(id) ? [index.get(id)!] : [])),
    }));
    return { kind: 'plan', plan: { items, concurrency: intOr(task['concurrent'], 0) } };
  },
};
