/**
 * The `<id>_merge` child of a ForEachItem (Kestra's internal `ForEachItemMergeOutputs`): the flow
 * outputs of each batch's subflow execution, in batch order, written as one JSON-lines (ION) file;
 * output `subflowOutputs`.
 */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { TaskFailure } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';
import { scopeOf } from '../../support/storage.ts';

const TYPE = 'io.kestra.plugin.core.flow.ForEachItem$ForEachItemMergeOutputs';

export const forEachItemMergeTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const raw = propertiesOf(TYPE, ctx).raw('outputs');
    const list = typeof raw === 'string' ? JSON.parse(raw) : raw;
    if (!Array.isArray(list))
      throw new TaskFailure(`task '${ctx.run.taskId}': no subflow outputs to merge`, { retryable: false });
    const content = list.map((o) => `${JSON.stringify(o ?? {})}\n`).join('');
    const subflowOutputs = await ctx.storage.put(scopeOf(ctx.run), 'outputs.ion', content);
    return { state: 'SUCCESS', outputs: { subflowOutputs } };
  },
};
