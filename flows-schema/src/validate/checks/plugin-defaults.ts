/** A pluginDefaults entry whose type matches no known task type is almost always a typo. */

import { didYouMean } from '../suggest.ts';
import { type Check, list } from './context.ts';

export const pluginDefaults: Check = (ctx) => {
  const names = ctx.registry.typeNames();
  for (const key of ['pluginDefaults', 'taskDefaults'] as const) {
    list(ctx.doc[key]).forEach((d, i) => {
      const type = (d as { type?: unknown } | null)?.type;
      if (typeof type !== 'string') return;
      if (names.some((n) => n === type || n.startsWith(`${type}.`))) return;
      ctx.report(
        'unknown-plugin-default-type',
        [key, i, 'type'],
        `${key}[${i}]: '${type}' matches no known task type, so these defaults apply to nothing.${didYouMean(type, names)}`,
      );
    });
  }
};
