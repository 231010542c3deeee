/** What every semantic check receives: the raw document, its tasks, and a way to report. */
import type { PathSegment, Severity } from '../../issue.ts';
import type { TaskRegistry } from '../../tasks/registry.ts';
import type { VisitedTask } from '../../tasks/walk.ts';

export interface CheckContext {
  doc: Record<string, unknown>;
  tasks: readonly VisitedTask[];
  registry: TaskRegistry;
  report(
    code: string,
    path: PathSegment[],
    message: string,
    target?: 'key' | 'value',
    offset?: { text: string },
    /** Overrides the code's usual severity. */
    severity?: Severity,
  ): void;
}

export type Check = (ctx: CheckContext) => void;

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function idOf(value: unknown): string | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** Cycle detection over `node → dependencies`; returns each cycle once as a list of nodes. */
export function findCycles(graph: Map<string, readonly string[]>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const dep of graph.get(node) ?? []) {
      if (!graph.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'visiting') cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}
