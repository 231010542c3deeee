/** `flow.EachSequential` (deprecated form of ForEach): one value after the other. */
import { enabledIds, lanes, loopValues } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

export const eachSequential: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.EachSequential',
  startProperties: (task) => ({ value: task['value'] }),
  next: ({ task }, signal) => {
    if (signal.kind !== 'begin') return undefined;
    const values = loopValues(signal.values['value']);
    if (typeof values === 'string') return { kind: 'end', state: 'FAILED', message: values };
    return { kind: 'plan', plan: lanes(values, enabledIds(task['tasks']), 1) };
  },
};
