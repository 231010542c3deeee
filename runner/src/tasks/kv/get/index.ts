/** `io.kestra.plugin.core.kv.Get`: read `key` of `namespace` (no inheritance, as in Kestra); output `value`. */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { kvKey, kvNamespace, missingKey } from '../../support/kv.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.kv.Get';

export const getTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const key = kvKey(p);
    const namespace = kvNamespace(p, ctx.run.namespace);
    const found = await ctx.services.kv.get(namespace, key);
    if (found === undefined && p.boolean('errorOnMissing', false))
      throw missingKey(ctx.run.taskId, key, namespace);
    return { state: 'SUCCESS', outputs: found === undefined ? {} : { value: found.value } };
  },
};
