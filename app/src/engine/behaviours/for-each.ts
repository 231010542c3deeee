/**
 * `flow.ForEach`: the tasks run once per distinct value, one lane per value; `concurrencyLimit`
 * lanes at once (default 1: one value after the other; 0: all at once). Children see the value as
 * `taskrun.value` and their outputs nest under it: `outputs.child['a']`.
 */
import { enabledIds, intOr, lanes, loopValues } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

export const forEach: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.ForEach',
  startProperties: (task) => ({ values: task['values'] }),
  next: ({ task }, signal) => {
    if (signal.kind !== 'begin') return undefined;
    const values = loopValues(signal.values['values']);
    if (typeof values === 'string') return { kind: 'end', state: 'FAILED', message: values };
    return {
      kind: 'plan',
      plan: lanes(values, enabledIds(task['tasks']), intOr(task['concurrencyLimit'], 1)),
    };
  },
};
