/**
 * `flow.Parallel`: children at once, at most `concurrent` at a time (0 = all). After a failure no
 * new child starts; the running ones finish.
 */
import { enabledIds, intOr, parallel as parallelPlan } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

export const parallel: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.Parallel',
  next: ({ task }, signal) =>
    signal.kind === 'begin'
      ? { kind: 'plan', plan: parallelPlan(enabledIds(task['tasks']), intOr(task['concurrent'], 0)) }
      : undefined,
};
