/** Depth-first traversal of every task of a flow document (tasks, errors, finally, afterExecution). */
import type { PathSegment } from '../issue.ts';
import type { TaskNode, TaskRegistry } from './registry.ts';
import { isTaskNode } from './registry.ts';

export const FLOW_TASK_LISTS = ['tasks', 'errors', 'finally', 'afterExecution'] as const;

export interface VisitedTask {
  task: TaskNode;
  path: PathSegment[];
  /** Enclosing flowable tasks, outermost first. */
  ancestors: TaskNode[];
}

export function walkTasks(flow: unknown, registry: TaskRegistry, visit: (v: VisitedTask) => void): void {
  if (typeof flow !== 'object' || flow === null) return;
  const doc = flow as Record<string, unknown>;
  const go = (task: TaskNode, path: PathSegment[], ancestors: TaskNode[]) => {
    visit({ task, path, ancestors });
    for (const child of registry.children(task))
      go(child.task, [...path, ...child.path], [...ancestors, task]);
  };
  for (const key of FLOW_TASK_LISTS) {
    const list = doc[key];
    if (!Array.isArray(list)) continue;
    list.forEach((t, i) => {
      if (isTaskNode(t)) go(t, [key, i], []);
    });
  }
}

/** Every task in a flow, flattened, in document order. */
export function allTasks(flow: unknown, registry: TaskRegistry): VisitedTask[] {
  const out: VisitedTask[] = [];
  walkTasks(flow, registry, (v) => out.push(v));
  return out;
}
