/** `io.kestra.plugin.core.kv.GetKeys`: keys of `namespace`, optionally starting with `prefix`; output `keys`. */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { kvNamespace } from '../../support/kv.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.kv.GetKeys';

export const getKeysTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const namespace = kvNamespace(p, ctx.run.namespace);
    const prefix = p.optionalString('prefix');
    const keys = (await ctx.services.kv.keys(namespace, prefix)).filter(
      (k) => prefix === undefined || k.startsWith(prefix),
    );
    return { state: 'SUCCESS', outputs: { keys } };
  },
};
