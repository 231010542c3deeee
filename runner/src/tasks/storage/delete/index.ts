/**
 * `io.kestra.plugin.core.storage.Delete`: delete the file at `uri`; outputs `uri` and `deleted`.
 * A missing file is fine unless `errorOnMissing` is true.
 */
import { type RunnableTask, TaskFailure } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';
import { withStorage } from '../../support/storage.ts';

const TYPE = 'io.kestra.plugin.core.storage.Delete';

export const deleteTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const uri = p.string('uri');
    const errorOnMissing = p.boolean('errorOnMissing', false);
    const deleted = await withStorage(ctx.run.taskId, () => ctx.storage.delete(uri));
    if (!deleted && errorOnMissing) {
      throw new TaskFailure(
        `task '${ctx.run.taskId}': unable to find file '${uri}' to delete (errorOnMissing is true)`,
        {
          retryable: false,
        },
      );
    }
    return { state: 'SUCCESS', outputs: { uri, deleted } };
  },
};
