/** `io.kestra.plugin.core.state.Delete` (deprecated): remove the state; output `deleted`. */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';
import { missingState, stateKey } from '../../support/state.ts';

const TYPE = 'io.kestra.plugin.core.state.Delete';

export const stateDeleteTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const { key, name } = stateKey(TYPE, ctx);
    const deleted = await ctx.services.kv.delete(ctx.run.namespace, key);
    if (!deleted && propertiesOf(TYPE, ctx).boolean('errorOnMissing', false)) throw missingState(ctx, name);
    return { state: 'SUCCESS', outputs: { deleted } };
  },
};
