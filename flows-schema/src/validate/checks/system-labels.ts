/** Labels prefixed `system.` are set by Osprey; a flow may only set `system.readOnly`. */
import type { PathSegment } from '../../issue.ts';
import type { Check, CheckContext } from './context.ts';

const ALLOWED = new Set(['system.readOnly']);

function checkLabels(ctx: CheckContext, labels: unknown, path: PathSegment[], where: string): void {
  const bad = (key: string, at: PathSegment[]) =>
    ctx.report(
      'reserved-label',
      at,
      `${where}label '${key}' uses the reserved 'system.' prefix; only system.readOnly may be set by a flow`,
      'key',
    );
  if (Array.isArray(labels)) {
    labels.forEach((l, i) => {
      const key = (l as { key?: unknown } | null)?.key;
      if (typeof key === 'string' && key.startsWith('system.') && !ALLOWED.has(key))
        bad(key, [...path, i, 'key']);
    });
  } else if (labels && typeof labels === 'object') {
    for (const key of Object.keys(labels))
      if (key.startsWith('system.') && !ALLOWED.has(key)) bad(key, [...path, key]);
  }
}

export const systemLabels: Check = (ctx) => {
  checkLabels(ctx, ctx.doc['labels'], ['labels'], '');
  for (const { task, path } of ctx.tasks) {
    if (task['labels'] !== undefined)
      checkLabels(ctx, task['labels'], [...path, 'labels'], `task '${task.id}': `);
  }
};
