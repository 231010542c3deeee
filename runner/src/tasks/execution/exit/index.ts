/**
 * `io.kestra.plugin.core.execution.Exit`: end the execution now in `state` (SUCCESS by default).
 * The task itself succeeds; the engine applies `effects.exit` to the execution and its open task runs.
 */
import type { RunnableTask, TaskEffects } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.execution.Exit';
const STATES = ['SUCCESS', 'WARNING', 'KILLED', 'FAILED', 'CANCELED', 'CANCELLED'] as const;

export const exitTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const state = propertiesOf(TYPE, ctx).oneOf('state', STATES, 'SUCCESS');
    // Kestra spells the property value CANCELED and the execution state CANCELLED.
    const exit: NonNullable<TaskEffects['exit']> = state === 'CANCELED' ? 'CANCELLED' : state;
    return { state: 'SUCCESS', effects: { exit } };
  },
};
