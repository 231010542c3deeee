/** `flow.Sequential`: children one after the other; the first failure stops the rest. */
import { chain, enabledIds } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

export const sequential: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.Sequential',
  next: ({ task }, signal) =>
    signal.kind === 'begin' ? { kind: 'plan', plan: chain(enabledIds(task['tasks'])) } : undefined,
};
