/** `io.kestra.plugin.core.debug.Return`: expose the rendered `format` as the `value` output. */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.debug.Return';

export const returnTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const value = propertiesOf(TYPE, ctx).optionalString('format');
    ctx.logger.log('DEBUG', `Returning '${value ?? ''}'`);
    return { state: 'SUCCESS', outputs: value === undefined ? {} : { value } };
  },
};
