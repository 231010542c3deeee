/** `flow.EachParallel` (deprecated form of ForEach): all values at once, at most `concurrent` (0 = all). */
import { enabledIds, intOr, lanes, loopValues } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

export const eachParallel: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.EachParallel',
  startProperties: (task) => ({ value: task['value'] }),
  next: ({ task }, signal) => {
    if (signal.kind !== 'begin') return undefined;
    const values = loopValues(signal.values['value']);
    if (typeof values === 'string') return { kind: 'end', state: 'FAILED', message: values };
    return { kind: 'plan', plan: lanes(values, enabledIds(task['tasks']), intOr(task['concurrent'], 0)) };
  },
};
