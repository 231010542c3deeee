/**
 * Ids must be unique where Kestra's FlowValidator says so: task ids across the whole flow (nested,
 * errors, finally, afterExecution included), and trigger, input and output ids in their lists.
 * SLA ids are not checked (Kestra runs flows with two SLAs of one id).
 */
import type { PathSegment } from '../../issue.ts';
import { type Check, idOf, list } from './context.ts';

export const uniqueIds: Check = (ctx) => {
  const seen = new Map<string, PathSegment[]>();
  for (const { task, path } of ctx.tasks) {
    const first = seen.get(task.id);
    if (first) {
      ctx.report(
        'duplicate-task-id',
        [...path, 'id'],
        `task id '${task.id}' is already used at ${describePath(first)}; task ids must be unique in the whole flow`,
      );
    } else if (typeof task.id === 'string') {
      seen.set(task.id, path);
    }
  }
  for (const [key, noun] of [
    ['triggers', 'trigger'],
    ['inputs', 'input'],
    ['outputs', 'output'],
  ] as const) {
    const ids = new Map<string, number>();
    list(ctx.doc[key]).forEach((item, i) => {
      const id = idOf(item);
      if (id === undefined) return;
      const first = ids.get(id);
      if (first !== undefined) {
        ctx.report(
          `duplicate-${noun.toLowerCase()}-id`,
          [key, i, 'id'],
          `${noun} id '${id}' is already used by ${key}[${first}]; rename one of them`,
        );
      } else {
        ids.set(id, i);
      }
    });
  }
};

function describePath(path: PathSegment[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}
