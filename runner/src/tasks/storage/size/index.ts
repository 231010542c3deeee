/** `io.kestra.plugin.core.storage.Size`: size in bytes of the file at `uri`; output `size`. */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';
import { withStorage } from '../../support/storage.ts';

const TYPE = 'io.kestra.plugin.core.storage.Size';

export const sizeTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const uri = propertiesOf(TYPE, ctx).string('uri');
    const size = await withStorage(ctx.run.taskId, () => ctx.storage.size(uri));
    return { state: 'SUCCESS', outputs: { size } };
  },
};
