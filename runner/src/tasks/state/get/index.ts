/** `io.kestra.plugin.core.state.Get` (deprecated): the state's `data` and its `count`; `{}` when absent. */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';
import { missingState, readState, stateKey } from '../../support/state.ts';

const TYPE = 'io.kestra.plugin.core.state.Get';

export const stateGetTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const { key, name } = stateKey(TYPE, ctx);
    const data = await readState(ctx, key);
    if (data === undefined && propertiesOf(TYPE, ctx).boolean('errorOnMissing', false))
      throw missingState(ctx, name);
    return { state: 'SUCCESS', outputs: { count: Object.keys(data ?? {}).length, data: data ?? {} } };
  },
};
