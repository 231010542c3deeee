/** `io.kestra.plugin.core.flow.Sleep`: wait for `duration`; stops at once when the job is aborted. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.flow.Sleep';

export const sleepTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const ms = propertiesOf(TYPE, ctx).duration('duration');
    await sleep(ms, undefined, { signal: ctx.signal });
    return { state: 'SUCCESS' };
  },
};
