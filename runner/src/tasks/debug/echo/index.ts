/** `io.kestra.plugin.core.debug.Echo` (deprecated in Kestra for Log): write `format` at `level` (INFO). */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { LOG_LEVELS } from '../../support/logging.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.debug.Echo';

export const echoTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    ctx.logger.log(p.oneOf('level', LOG_LEVELS, 'INFO'), p.string('format'));
    return { state: 'SUCCESS' };
  },
};
