/** `io.kestra.plugin.core.storage.Write`: store `content` as a file (extension `.ion` by default); output `uri`. */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';
import { dotted, scopeOf } from '../../support/storage.ts';

const TYPE = 'io.kestra.plugin.core.storage.Write';

export const writeTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const content = p.string('content');
    const extension = dotted(p.optionalString('extension') ?? '.ion');
    const uri = await ctx.storage.put(scopeOf(ctx.run), `${ctx.run.taskId}${extension}`, content);
    return { state: 'SUCCESS', outputs: { uri } };
  },
};
