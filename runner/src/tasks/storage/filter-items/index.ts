/**
 * `io.kestra.plugin.core.storage.FilterItems`: keep the items of the item file `from` (one Ion
 * struct per line) that match `filterCondition`, rendered with the item's fields as variables
 * (`{{ (product_id | number) == 20 }}`), into a new `.ion` file, lines unchanged. As in Kestra, the
 * rendered text (trimmed) is false when it is "false", "0", "-0" or empty, true otherwise;
 * `filterType` INCLUDE (default) keeps matches, EXCLUDE drops them; an item the condition cannot be
 * rendered on fails the task (`errorOrNullBehavior` FAIL, default, naming the item) or is kept
 * (INCLUDE) or dropped (EXCLUDE). Outputs `uri`, `processedItemsTotal`, `droppedItemsTotal`.
 */
import { type RunnableTask, TaskFailure } from '../../../../../protocol/src/task-contract.ts';
import { ItemWriter, quoteItem, renderEachLine } from '../../support/items.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.storage.FilterItems';
const FILTER_TYPES = ['INCLUDE', 'EXCLUDE'] as const;
const ERROR_OR_NULL = ['FAIL', 'INCLUDE', 'EXCLUDE'] as const;
const FALSE_VALUES = new Set(['false', '0', '-0', '']);

export const filterItemsTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const from = p.string('from');
    const condition = p.string('filterCondition');
    const filterType = p.oneOf('filterType', FILTER_TYPES, 'INCLUDE');
    const onErrorOrNull = p.oneOf('errorOrNullBehavior', ERROR_OR_NULL, 'FAIL');
    const writer = await ItemWriter.open(ctx);
    try {
      let processed = 0;
      let dropped = 0;
      for await (const { line, number, result } of renderEachLine(
        ctx,
        'FilterItems',
        from,
        'filterCondition',
        condition,
      )) {
        let keep: boolean;
        if ('error' in result) {
          if (onErrorOrNull === 'FAIL')
            throw new TaskFailure(
              `task '${ctx.run.taskId}' (FilterItems): cannot render 'filterCondition' on item ${number} (${quoteItem(line)}): ${result.error}; set errorOrNullBehavior to INCLUDE or EXCLUDE to keep or drop such items`,
              { retryable: false },
            );
          keep = onErrorOrNull === 'INCLUDE';
        } else {
          const match = !FALSE_VALUES.has(result.value.trim());
          keep = match === (filterType === 'INCLUDE');
        }
        processed++;
        if (keep) await writer.write(line);
        else dropped++;
      }
      const uri = await writer.store();
      return {
        state: 'SUCCESS',
        outputs: { uri, processedItemsTotal: processed, droppedItemsTotal: dropped },
      };
    } finally {
      await writer.close();
    }
  },
};
