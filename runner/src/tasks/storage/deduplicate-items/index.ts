/**
 * `io.kestra.plugin.core.storage.DeduplicateItems`: keep one item per key of the item file `from`
 * (one Ion struct per line), the key being `expr` rendered with the item's fields as variables
 * (`{{ customer_email }}`). As in Kestra, the LAST item of each key is kept, at its place in the
 * file; outputs `uri` (a new `.ion` file), `numKeys`, `processedItemsTotal`, `droppedItemsTotal`.
 * A key that cannot be rendered fails the task, naming the item. Memory holds one entry per key.
 */
import { createInterface } from 'node:readline';
import { type RunnableTask, TaskFailure } from '../../../../../protocol/src/task-contract.ts';
import { ItemWriter, quoteItem, renderEachLine } from '../../support/items.ts';
import { propertiesOf } from '../../support/properties.ts';
import { withStorage } from '../../support/storage.ts';

const TYPE = 'io.kestra.plugin.core.storage.DeduplicateItems';

export const deduplicateItemsTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const from = p.string('from');
    const expr = p.string('expr');
    // First pass: the line number of each key's last item.
    const last = new Map<string, number>();
    for await (const { line, number, result } of renderEachLine(
      ctx,
      'DeduplicateItems',
      from,
      'expr',
      expr,
    )) {
      if ('error' in result)
        throw new TaskFailure(
          `task '${ctx.run.taskId}' (DeduplicateItems): cannot render 'expr' on item ${number} (${quoteItem(line)}): ${result.error}`,
          { retryable: false },
        );
      last.set(result.value, number);
    }
    const kept = new Set(last.values());
    // Second pass: those items, in file order.
    const writer = await ItemWriter.open(ctx);
    try {
      let processed = 0;
      let dropped = 0;
      const input = await withStorage(ctx.run.taskId, () => ctx.storage.open(from));
      const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      try {
        for await (const line of lines) {
          ctx.signal.throwIfAborted();
          processed++;
          if (kept.has(processed)) await writer.write(line);
          else dropped++;
        }
      } finally {
        lines.close();
        input.destroy();
      }
      const uri = await writer.store();
      return {
        state: 'SUCCESS',
        outputs: { uri, numKeys: last.size, processedItemsTotal: processed, droppedItemsTotal: dropped },
      };
    } finally {
      await writer.close();
    }
  },
};
