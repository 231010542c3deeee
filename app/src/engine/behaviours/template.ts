/**
 * `flow.Template`: the template's tasks (included when the flow was loaded, see
 * flows-schema/src/templates.ts) one after the other, with the rendered `args` as the task run's
 * outputs, so the template's tasks read `{{ parent.outputs.args.<name> }}` as in Kestra.
 */
import { chain, enabledIds } from './lists.ts';
import type { FlowableBehaviour } from './types.ts';

export const template: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.Template',
  startProperties: (task) => ({ args: task['args'] ?? {} }),
  next: ({ task }, signal) =>
    signal.kind === 'begin'
      ? {
          kind: 'plan',
          plan: chain(enabledIds(task['tasks'])),
          outputs: { args: signal.values['args'] ?? {} },
        }
      : undefined,
};
