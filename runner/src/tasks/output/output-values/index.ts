/** `io.kestra.plugin.core.output.OutputValues`: expose the rendered `values` map as the `values` output. */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.output.OutputValues';

export const outputValuesTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const values = p.has('values') ? p.raw('values') : {};
    if (typeof values !== 'object' || values === null || Array.isArray(values))
      p.fail('values', 'must be a map of name: value');
    return { state: 'SUCCESS', outputs: { values } };
  },
};
