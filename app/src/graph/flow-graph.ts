/**
 * A flow's task graph as a tree, drawn by the validate check run (Mermaid, app/src/github/checks/mermaid.ts)
 * and by the console's topology view (`GET /api/v1/flows/{namespace}/{id}/graph`, laid out by elkjs).
 * The traversal asks the task registry for children (STYLE.md #5): task lists are chains, flowable
 * tasks are groups, Dag entries link along `dependsOn`, If/Switch branches get a group each, and the
 * flow's errors/finally/afterExecution are groups of their own. Works on a raw document too, so an
 * invalid flow still gets a picture.
 */

import { defaultRegistry } from '../../../flows-schema/src/schema/flow.ts';
import type { ChildTask, TaskNode, TaskRegistry } from '../../../flows-schema/src/tasks/registry.ts';
import { isTaskNode } from '../../../flows-schema/src/tasks/registry.ts';

/**
 * Flowables whose children start together (presentation only: drawn without chain edges). The task
 * definitions do not say this yet; a `childrenRun: 'parallel'` field there would replace this list.
 */
const PARALLEL_TYPES = new Set([
  'io.kestra.plugin.core.flow.Parallel',
  'io.kestra.plugin.core.flow.EachParallel',
]);

export const FLOW_LISTS = [
  { key: 'errors', label: 'errors (on failure)' },
  { key: 'finally', label: 'finally' },
  { key: 'afterExecution', label: 'afterExecution' },
] as const;

/** Graphs stop growing past this many tasks. */
export const MAX_NODES = 150;

/** One task that has no children. */
export interface GraphTask {
  kind: 'task';
  /** Unique in the graph (`n0`, `n1`, ...). */
  id: string;
  taskId: string;
  type: string;
  label: string;
}

/**
 * A flowable task with its children (`role: 'flowable'`), one of its child lists (`branch`: `then`,
 * `else`, `cases.x`, ...) or one of the flow's own lists (`errors`, `finally`, `afterExecution`).
 */
export interface GraphGroup {
  kind: 'group';
  /** `n…` for a flowable task, `g…` for a list. */
  id: string;
  role: 'flowable' | 'branch' | (typeof FLOW_LISTS)[number]['key'];
  label: string;
  taskId?: string;
  type?: string;
  children: GraphItem[];
  /** Between direct children, by id. */
  edges: GraphEdge[];
}

export type GraphItem = GraphTask | GraphGroup;
export interface GraphEdge {
  from: string;
  to: string;
}

export interface FlowGraph {
  /** The flow's `tasks`. */
  children: GraphItem[];
  edges: GraphEdge[];
  /** errors / finally / afterExecution, when the flow has them. */
  lists: GraphGroup[];
  /** More than MAX_NODES tasks: the rest is left out. */
  truncated: boolean;
}

interface Entry {
  task: TaskNode;
  dependsOn?: string[];
}

interface Ctx {
  next: number;
  nodes: number;
  truncated: boolean;
  registry: TaskRegistry;
}

/** The graph of a parsed flow document, or undefined when it has no tasks. */
export function flowGraph(
  document: unknown,
  registry: TaskRegistry = defaultRegistry,
): FlowGraph | undefined {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return undefined;
  const doc = document as Record<string, unknown>;
  const main = taskList(doc['tasks']);
  if (main.length === 0) return undefined;
  const ctx: Ctx = { next: 0, nodes: 0, truncated: false, registry };
  const top = buildList(ctx, main, 'sequence');
  const lists: GraphGroup[] = [];
  for (const { key, label } of FLOW_LISTS) {
    const list = taskList(doc[key]);
    if (list.length === 0) continue;
    const id = `g${ctx.next++}`;
    lists.push({ kind: 'group', id, role: key, label, ...buildList(ctx, list, 'sequence') });
  }
  return { ...top, lists, truncated: ctx.truncated };
}

function buildList(
  ctx: Ctx,
  entries: readonly Entry[],
  mode: 'sequence' | 'parallel' | 'dag',
): { children: GraphItem[]; edges: GraphEdge[] } {
  const items = entries.map((e) => buildTask(ctx, e.task));
  const ids = items.map((i) => i?.id);
  const edges: GraphEdge[] = [];
  if (mode === 'sequence') {
    for (let i = 1; i < ids.length; i++) {
      const from = ids[i - 1];
      const to = ids[i];
      if (from !== undefined && to !== undefined) edges.push({ from, to });
    }
  }
  if (mode === 'dag') {
    const byTaskId = new Map(entries.map((e, i) => [e.task.id, ids[i]]));
    entries.forEach((e, i) => {
      const to = ids[i];
      for (const dep of e.dependsOn ?? []) {
        const from = byTaskId.get(dep);
        if (from !== undefined && to !== undefined) edges.push({ from, to });
      }
    });
  }
  return { children: items.filter((i): i is GraphItem => i !== undefined), edges };
}

function buildTask(ctx: Ctx, task: TaskNode): GraphItem | undefined {
  if (ctx.nodes >= MAX_NODES) {
    ctx.truncated = true;
    return undefined;
  }
  ctx.nodes++;
  const id = `n${ctx.next++}`;
  const type = ctx.registry.get(task.type)?.type ?? task.type;
  const taskId = String(task.id);
  const label = `${taskId} · ${shortType(type)}`;
  const groups = groupChildren(task, ctx.registry.children(task));
  if (groups.length === 0) return { kind: 'task', id, taskId, type, label };
  const mode = PARALLEL_TYPES.has(type) ? 'parallel' : 'sequence';
  const base = { kind: 'group', id, role: 'flowable', label, taskId, type } as const;
  if (groups.length === 1 && (groups[0]?.name === 'tasks' || groups[0]?.name === 'then')) {
    const only = groups[0];
    return { ...base, ...buildList(ctx, only.entries, only.dag ? 'dag' : mode) };
  }
  const children: GraphGroup[] = groups.map((group) => {
    const gid = `g${ctx.next++}`;
    return {
      kind: 'group',
      id: gid,
      role: 'branch',
      label: group.name,
      ...buildList(ctx, group.entries, group.dag ? 'dag' : mode),
    };
  });
  return { ...base, children, edges: [] };
}

interface Group {
  name: string;
  entries: Entry[];
  dag: boolean;
}

/** Children grouped by the list they sit in (`then`, `else`, `cases.x`, Dag `tasks`). */
function groupChildren(task: TaskNode, children: readonly ChildTask[]): Group[] {
  const groups = new Map<string, Group>();
  for (const child of children) {
    const { path } = child;
    const dagEntry =
      path.length >= 3 && typeof path[path.length - 2] === 'number' && path[path.length - 1] === 'task';
    const listPath = dagEntry ? path.slice(0, -2) : path.slice(0, -1);
    const name = listPath.join('.');
    const group = groups.get(name) ?? { name, entries: [], dag: dagEntry };
    const entry: Entry = { task: child.task };
    if (dagEntry) {
      const list = listPath.reduce<unknown>(
        (v, seg) => (v as Record<string | number, unknown> | undefined)?.[seg],
        task,
      );
      const raw = (Array.isArray(list) ? list[path[path.length - 2] as number] : undefined) as
        | { dependsOn?: unknown }
        | undefined;
      if (Array.isArray(raw?.dependsOn))
        entry.dependsOn = raw.dependsOn.filter((d): d is string => typeof d === 'string');
    }
    group.entries.push(entry);
    groups.set(name, group);
  }
  return [...groups.values()];
}

function taskList(value: unknown): Entry[] {
  return Array.isArray(value) ? value.filter(isTaskNode).map((task) => ({ task })) : [];
}

function shortType(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1);
}
