/** Helpers behaviours share to turn task lists into plans. */
import type { Task } from '../../../../flows-schema/src/schema/flow.ts';
import type { Plan, PlanItem } from '../types.ts';

/** Ids of the tasks of a list property, disabled ones left out ("as if absent"). */
export function enabledIds(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const t of list as Task[]) if (t && t.disabled !== true && typeof t.id === 'string') out.push(t.id);
  return out;
}

/** One after the other. */
export function chain(ids: readonly string[], extra: Partial<PlanItem> = {}): Plan {
  return {
    items: ids.map((taskId, i) => ({ ...extra, taskId, after: i === 0 ? [] : [i - 1] })),
    concurrency: 0,
  };
}

/** All at once, at most `concurrency` at a time (0 = no limit). */
export function parallel(ids: readonly string[], concurrency: number): Plan {
  return { items: ids.map((taskId) => ({ taskId, after: [] })), concurrency };
}

/** One lane per value, the tasks of a lane one after the other; at most `concurrency` lanes at once. */
export function lanes(values: readonly string[], ids: readonly string[], concurrency: number): Plan {
  const items: PlanItem[] = [];
  for (const value of values) {
    ids.forEach((taskId, i) => {
      items.push({ taskId, value, after: i === 0 ? [] : [items.length - 1] });
    });
  }
  return { items, concurrency };
}

/** Kestra's loops accept a list or a JSON array in a string; values are strings, duplicates dropped. */
export function loopValues(raw: unknown): string[] | string {
  let list = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw);
    } catch {
      return `values must be a list or a JSON array, got '${raw.slice(0, 100)}'`;
    }
  }
  if (!Array.isArray(list))
    return `values must be a list or a JSON array, got ${JSON.stringify(list)?.slice(0, 100)}`;
  const seen = new Set<string>();
  for (const v of list) seen.add(typeof v === 'string' ? v : JSON.stringify(v));
  return [...seen];
}

export function intOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}
