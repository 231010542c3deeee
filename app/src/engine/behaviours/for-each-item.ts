/**
 * `flow.ForEachItem`: the file `items` is split into batches (`batch.rows`, default 1, or `bytes`,
 * `partitions`) and a subflow execution starts for each batch, all at once; its inputs see
 * `taskrun.items` (the batch's `kestra://` URI) and `taskrun.iteration` (1, 2, ...). As in Kestra, it
 * runs three children: `<id>_split` (a storage Split), `<id>_items` (one Subflow run per batch) and
 * `<id>_merge`, whose output `subflowOutputs` is a JSON-lines (ION) file of every subflow's flow
 * outputs, one line per batch in batch order. The task run's outputs give `numberOfBatches` and
 * `iterations` (subflow executions counted by end state).
 */
import { mapStrings } from '../../../../flows-schema/src/expressions/working-dir.ts';
import type { Task } from '../../../../flows-schema/src/schema/flow.ts';
import type { StateName } from '../states.ts';
import { isPassing } from '../states.ts';
import type { TaskRun } from '../types.ts';
import { chain } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

export const FOR_EACH_ITEM_MERGE = 'io.kestra.plugin.core.flow.ForEachItem$ForEachItemMergeOutputs';
const SPLIT = 'io.kestra.plugin.core.storage.Split';
const SUBFLOW = 'io.kestra.plugin.core.flow.Subflow';

const ids = (task: Task) => ({
  split: `${task.id}_split`,
  items: `${task.id}_items`,
  merge: `${task.id}_merge`,
});

/** A batch run's `taskrun.value` is its URI: `taskrun.items` in the written templates reads it. */
const batchTemplates = <T>(value: T): T =>
  mapStrings(value, (text) => text.replace(/\btaskrun\.items\b/g, 'taskrun.value'));

function pick(from: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

export const forEachItem: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.ForEachItem',
  syntheticTasks: (task) => {
    const id = ids(task);
    const batch = (task['batch'] ?? {}) as Record<string, unknown>;
    const by = batch['bytes'] ?? batch['partitions'];
    return [
      {
        id: id.split,
        type: SPLIT,
        from: task['items'],
        ...pick(batch, ['bytes', 'partitions', 'separator']),
        ...(by === undefined ? { rows: batch['rows'] ?? 1 } : {}),
      },
      {
        id: id.items,
        type: SUBFLOW,
        ...pick(task, ['namespace', 'flowId', 'revision', 'wait', 'transmitFailed', 'inheritLabels']),
        ...batchTemplates(pick(task, ['inputs', 'labels'])),
      },
      { id: id.merge, type: FOR_EACH_ITEM_MERGE, outputs: '{{ parent.outputs.iterationOutputs }}' },
    ] as Task[];
  },
  next: ({ task, data, childOutputs, childRuns }, signal) => {
    const id = ids(task);
    if (signal.kind === 'begin') return { kind: 'plan', plan: chain([id.split]), data: { step: 'split' } };
    if (signal.kind !== 'childrenDone') return undefined;
    if (data['step'] === 'items') {
      const runs = childRuns(id.items).sort((a, b) => (a.iteration ?? 0) - (b.iteration ?? 0));
      const iterations = countStates(runs);
      if (!isPassing(signal.state)) return { kind: 'end', state: signal.state, outputs: { iterations } };
      return {
        kind: 'plan',
        plan: chain([id.merge]),
        data: { step: 'merge' },
        outputs: {
          iterations,
          iterationOutputs: runs.map((r) => (r.outputs?.['outputs'] ?? {}) as Record<string, unknown>),
        },
      };
    }
    if (data['step'] !== 'split' || !isPassing(signal.state)) return { kind: 'end', state: signal.state };
    const uris = childOutputs(id.split)?.['uris'];
    const batches = Array.isArray(uris) ? uris.map(String) : [];
    if (batches.length === 0)
      return { kind: 'end', state: 'SUCCESS', outputs: { numberOfBatches: 0, iterations: {} } };
    return {
      kind: 'plan',
      plan: {
        items: batches.map((value, i) => ({ taskId: id.items, value, iteration: i + 1, after: [] })),
        concurrency: 0,
      },
      data: { step: 'items' },
      outputs: { numberOfBatches: batches.length },
    };
  },
};

function countStates(runs: readonly TaskRun[]): Partial<Record<StateName, number>> {
  const counts: Partial<Record<StateName, number>> = {};
  for (const r of runs) {
    const state = (r.outputs?.['state'] as StateName | undefined) ?? r.state;
    counts[state] = (counts[state] ?? 0) + 1;
  }
  return counts;
}
