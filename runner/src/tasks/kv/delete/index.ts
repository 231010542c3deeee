/** `io.kestra.plugin.core.kv.Delete`: remove `key` from `namespace`; output `deleted`. */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { kvKey, kvNamespace, missingKey } from '../../support/kv.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.kv.Delete';

export const deleteKvTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const key = kvKey(p);
    const namespace = kvNamespace(p, ctx.run.namespace);
    const deleted = await ctx.services.kv.delete(namespace, key);
    if (!deleted && p.boolean('errorOnMissing', false)) throw missingKey(ctx.run.taskId, key, namespace);
    return { state: 'SUCCESS', outputs: { deleted } };
  },
};
