/**
 * `flow.Switch`: the tasks of the case whose key equals the rendered value, else `defaults`. With no
 * match and no defaults the task fails, as Kestra does, so a typo in a case key does not pass silently.
 */
import { chain, enabledIds } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

export const switchBehaviour: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.Switch',
  startProperties: (task) => ({ value: task['value'] }),
  next: ({ task }, signal) => {
    if (signal.kind !== 'begin') return undefined;
    const value = String(signal.values['value'] ?? '');
    const cases = (task['cases'] ?? {}) as Record<string, unknown>;
    const list = Object.hasOwn(cases, value) ? cases[value] : task['defaults'];
    if (list === undefined) {
      const known = Object.keys(cases).join(', ') || 'none';
      return {
        kind: 'end',
        state: 'FAILED',
        message: `No case matches value '${value}' (cases: ${known}) and no defaults are defined`,
      };
    }
    return { kind: 'plan', plan: chain(enabledIds(list)) };
  },
};
