/** `io.kestra.plugin.core.state.Set` (deprecated): merge `data` into the state; outputs `count`, `key`. */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { TaskFailure } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';
import { readState, stateKey } from '../../support/state.ts';

const TYPE = 'io.kestra.plugin.core.state.Set';

export const stateSetTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const data = propertiesOf(TYPE, ctx).raw('data') ?? {};
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new TaskFailure(`task '${ctx.run.taskId}': data must be a map of keys to values`, {
        retryable: false,
      });
    const { key } = stateKey(TYPE, ctx);
    const merged = { ...(await readState(ctx, key)), ...(data as Record<string, unknown>) };
    await ctx.services.kv.set(ctx.run.namespace, key, merged);
    return { state: 'SUCCESS', outputs: { count: Object.keys(merged).length, key } };
  },
};
