/** `flow.If`: `then` when the rendered condition is truthy, `else` (possibly empty) otherwise. */
import { isTruthy } from '../truthy.ts';
import { chain, enabledIds } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

export const ifBehaviour: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.If',
  startProperties: (task) => ({ condition: task['condition'] }),
  next: ({ task }, signal) => {
    if (signal.kind !== 'begin') return undefined;
    const branch = isTruthy(signal.values['condition']) ? 'then' : 'else';
    return { kind: 'plan', plan: chain(enabledIds(task[branch])) };
  },
};
