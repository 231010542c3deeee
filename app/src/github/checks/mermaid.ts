/**
 * A flow's task graph as a Mermaid flowchart for the validate check run. The traversal asks the task
 * registry for children (STYLE.md #5): task lists are chains, flowable tasks are subgraphs, Dag
 * entries link along `dependsOn`, If/Switch branches and errors/finally get their own subgraphs.
 * Works on a raw document too, so an invalid flow still gets a picture.
 */

import { defaultRegistry } from '../../../../flows-schema/src/schema/flow.ts';
import type { ChildTask, TaskNode, TaskRegistry } from '../../../../flows-schema/src/tasks/registry.ts';
import { isTaskNode } from '../../../../flows-schema/src/tasks/registry.ts';

/**
 * Flowables whose children start together (presentation only: drawn without chain edges). The task
 * definitions do not say this yet; a `childrenRun: 'parallel'` field there would replace this list.
 */
const PARALLEL_TYPES = new Set([
  'io.kestra.plugin.core.flow.Parallel',
  'io.kestra.plugin.core.flow.EachParallel',
]);

const FLOW_LISTS: ReadonlyArray<{ key: string; label: string }> = [
  { key: 'errors', label: 'errors (on failure)' },
  { key: 'finally', label: 'finally' },
  { key: 'afterExecution', label: 'afterExecution' },
];

/** Diagrams stop growing past this many tasks. */
const MAX_NODES = 150;

interface Entry {
  task: TaskNode;
  dependsOn?: string[];
}

interface Ctx {
  lines: string[];
  next: number;
  nodes: number;
  truncated: boolean;
  registry: TaskRegistry;
}

export function flowMermaid(document: unknown, registry: TaskRegistry = defaultRegistry): string | undefined {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return undefined;
  const doc = document as Record<string, unknown>;
  const main = taskList(doc['tasks']);
  if (main.length === 0) return undefined;
  const ctx: Ctx = { lines: ['flowchart TD'], next: 0, nodes: 0, truncated: false, registry };
  emitList(ctx, main, '  ', 'sequence');
  for (const { key, label } of FLOW_LISTS) {
    const list = taskList(doc[key]);
    if (list.length === 0) continue;
    const id = `g${ctx.next++}`;
    ctx.lines.push(`  subgraph ${id}["${quoted(label)}"]`, '    direction TB');
    emitList(ctx, list, '    ', 'sequence');
    ctx.lines.push('  end');
  }
  if (ctx.truncated) ctx.lines.push(`  more["… more tasks than a diagram shows (${MAX_NODES})"]`);
  return ctx.lines.join('\n');
}

function emitList(
  ctx: Ctx,
  entries: readonly Entry[],
  indent: string,
  mode: 'sequence' | 'parallel' | 'dag',
): void {
  const ids: Array<string | undefined> = entries.map((e) => emitTask(ctx, e.task, indent));
  if (mode === 'sequence') {
    for (let i = 1; i < ids.length; i++) {
      if (ids[i - 1] !== undefined && ids[i] !== undefined)
        ctx.lines.push(`${indent}${ids[i - 1]} --> ${ids[i]}`);
    }
  }
  if (mode === 'dag') {
    const byTaskId = new Map(entries.map((e, i) => [e.task.id, ids[i]]));
    entries.forEach((e, i) => {
      for (const dep of e.dependsOn ?? []) {
        const from = byTaskId.get(dep);
        if (from !== undefined && ids[i] !== undefined) ctx.lines.push(`${indent}${from} --> ${ids[i]}`);
      }
    });
  }
}

function emitTask(ctx: Ctx, task: TaskNode, indent: string): string | undefined {
  if (ctx.nodes >= MAX_NODES) {
    ctx.truncated = true;
    return undefined;
  }
  ctx.nodes++;
  const id = `n${ctx.next++}`;
  const definition = ctx.registry.get(task.type);
  const label = `${String(task.id)} · ${shortType(definition?.type ?? task.type)}`;
  const groups = groupChildren(task, ctx.registry.children(task));
  if (groups.length === 0) {
    ctx.lines.push(`${indent}${id}["${quoted(label)}"]`);
    return id;
  }
  const mode = PARALLEL_TYPES.has(definition?.type ?? '') ? 'parallel' : 'sequence';
  ctx.lines.push(`${indent}subgraph ${id}["${quoted(label)}"]`, `${indent}  direction TB`);
  if (groups.length === 1 && (groups[0]?.name === 'tasks' || groups[0]?.name === 'then')) {
    const only = groups[0];
    emitList(ctx, only.entries, `${indent}  `, only.dag ? 'dag' : mode);
  } else {
    for (const group of groups) {
      const gid = `g${ctx.next++}`;
      ctx.lines.push(`${indent}  subgraph ${gid}["${quoted(group.name)}"]`, `${indent}    direction TB`);
      emitList(ctx, group.entries, `${indent}    `, group.dag ? 'dag' : mode);
      ctx.lines.push(`${indent}  end`);
    }
  }
  ctx.lines.push(`${indent}end`);
  return id;
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

/** Mermaid labels in double quotes: quotes and markup characters as entities. */
function quoted(text: string): string {
  return text.replace(/[#"<>]/g, (c) => `#${c.charCodeAt(0)};`);
}
