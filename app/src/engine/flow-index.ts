/**
 * A flow's tasks by id, each with pluginDefaults applied, its behaviour (flowable) and the list it
 * sits in. Task ids are unique in a flow (validation guarantees it), so a task run's `taskId` is
 * enough to find its definition. Built once per flow object and cached.
 */

import { applyPluginDefaults } from '../../../flows-schema/src/plugin-defaults.ts';
import type { Flow, Task } from '../../../flows-schema/src/schema/flow.ts';
import { defaultRegistry } from '../../../flows-schema/src/schema/flow.ts';
import type { TaskNode } from '../../../flows-schema/src/tasks/registry.ts';
import { enabledIds } from './behaviours/lists.ts';
import { behaviourOf } from './behaviours/registry.ts';
import type { FlowableBehaviour } from './behaviours/types.ts';

export type Branch = 'main' | 'errors' | 'finally' | 'afterExecution';

export interface IndexedTask {
  /** The task with pluginDefaults applied. */
  task: Task;
  /** Canonical type name (aliases resolved); the raw type when unknown. */
  type: string;
  behaviour?: FlowableBehaviour;
  parentTaskId?: string;
  branch: Branch;
}

export interface FlowIndex {
  get(taskId: string): IndexedTask | undefined;
  /** Enabled task ids of the flow's own lists. */
  readonly lists: Record<'tasks' | 'errors' | 'finally' | 'afterExecution', string[]>;
}

const cache = new WeakMap<Flow, FlowIndex>();

export function indexFlow(flow: Flow): FlowIndex {
  let index = cache.get(flow);
  if (index === undefined) {
    index = build(flow);
    cache.set(flow, index);
  }
  return index;
}

function build(flow: Flow): FlowIndex {
  const defaults = [...(flow.taskDefaults ?? []), ...(flow.pluginDefaults ?? [])];
  const byId = new Map<string, IndexedTask>();
  const visit = (raw: TaskNode, branch: Branch, parentTaskId: string | undefined) => {
    if (byId.has(raw.id)) return;
    const task = applyPluginDefaults(raw, defaults, defaultRegistry) as Task;
    const behaviour = behaviourOf(raw.type);
    byId.set(raw.id, {
      task,
      type: defaultRegistry.get(raw.type)?.type ?? raw.type,
      ...(behaviour ? { behaviour } : {}),
      ...(parentTaskId !== undefined ? { parentTaskId } : {}),
      branch,
    });
    for (const child of defaultRegistry.children(raw)) {
      const head = child.path[0];
      visit(child.task, head === 'errors' || head === 'finally' ? head : 'main', raw.id);
    }
    for (const synthetic of behaviour?.syntheticTasks?.(task) ?? []) visit(synthetic, 'main', raw.id);
  };
  const lists = {
    tasks: 'main',
    errors: 'errors',
    finally: 'finally',
    afterExecution: 'afterExecution',
  } as const;
  for (const [key, branch] of Object.entries(lists)) {
    for (const t of (flow[key as keyof typeof lists] ?? []) as TaskNode[]) visit(t, branch, undefined);
  }
  return {
    get: (id) => byId.get(id),
    lists: {
      tasks: enabledIds(flow.tasks),
      errors: enabledIds(flow.errors),
      finally: enabledIds(flow.finally),
      afterExecution: enabledIds(flow.afterExecution),
    },
  };
}
