/** `io.kestra.plugin.core.log.Log`: write `message` (a string or a list of strings) at `level` (INFO). */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { LOG_LEVELS, text } from '../../support/logging.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.log.Log';

export const logTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const level = p.oneOf('level', LOG_LEVELS, 'INFO');
    const message = p.required('message');
    for (const line of Array.isArray(message) ? message : [message]) ctx.logger.log(level, text(line));
    return { state: 'SUCCESS' };
  },
};
