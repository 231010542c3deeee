/**
 * What expressions see of earlier task runs: `outputs.<task>` (nested by loop values, so inside a
 * ForEach `outputs.child['a'].value`), `tasks.<task>.state`, and typed flow outputs.
 */
import type { Output } from '../../../flows-schema/src/schema/inputs.ts';
import { findTaskRun } from './draft.ts';
import type { ExecutionState, TaskRun } from './types.ts';

type Tree = Record<string, unknown>;

function put(root: Tree, taskId: string, path: readonly string[] | undefined, value: unknown): void {
  if (path === undefined || path.length === 0) {
    const prev = root[taskId];
    // A flowable's own outputs and its children's never collide (ids are unique); later runs win.
    root[taskId] = isTree(prev) && isTree(value) ? { ...prev, ...value } : value;
    return;
  }
  let node = child(root, taskId);
  for (const key of path.slice(0, -1)) node = child(node, key);
  node[path.at(-1)!] = value;
}

/** The sub-tree under `key`, created when absent. */
function child(node: Tree, key: string): Tree {
  const existing = node[key];
  if (isTree(existing)) return existing;
  const created: Tree = {};
  node[key] = created;
  return created;
}

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `outputs` as expressions see them, in task-run creation order (a later WaitFor round wins). */
export function outputsOf(runs: readonly TaskRun[]): Tree {
  const root: Tree = {};
  for (const r of runs) if (r.outputs !== undefined) put(root, r.taskId, r.valuePath, r.outputs);
  return root;
}

/** `tasks.<id>.state` (nested by loop values like outputs). */
export function taskStatesOf(runs: readonly TaskRun[]): Tree {
  const root: Tree = {};
  for (const r of runs) put(root, r.taskId, r.valuePath, { state: r.state });
  return root;
}

/** The chain of enclosing task runs, innermost first. */
export function parentsOf(ex: ExecutionState, run: TaskRun): TaskRun[] {
  const out: TaskRun[] = [];
  for (let p = run.parentId; p !== undefined; ) {
    const parent = findTaskRun(ex, p);
    if (parent === undefined) break;
    out.push(parent);
    p = parent.parentId;
  }
  return out;
}

/** A rendered flow output converted to its declared type; a string names the problem. */
export function coerceOutput(output: Output, value: unknown): { value: unknown } | string {
  const text = typeof value === 'string' ? value.trim() : undefined;
  switch (output.type) {
    case 'INT': {
      const n = typeof value === 'number' ? value : Number(text);
      return Number.isInteger(n) && text !== ''
        ? { value: n }
        : `output '${output.id}' must be an INT, got '${String(value)}'`;
    }
    case 'FLOAT': {
      const n = typeof value === 'number' ? value : Number(text);
      return Number.isFinite(n) && text !== ''
        ? { value: n }
        : `output '${output.id}' must be a FLOAT, got '${String(value)}'`;
    }
    case 'BOOLEAN':
    case 'BOOL':
      if (typeof value === 'boolean') return { value };
      if (text === 'true' || text === 'false') return { value: text === 'true' };
      return `output '${output.id}' must be a BOOLEAN, got '${String(value)}'`;
    case 'JSON':
      if (text === undefined) return { value };
      try {
        return { value: JSON.parse(text) };
      } catch {
        return `output '${output.id}' must be JSON, got '${text.slice(0, 100)}'`;
      }
    default:
      return { value };
  }
}
