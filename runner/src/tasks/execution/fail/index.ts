/**
 * `io.kestra.plugin.core.execution.Fail`: fail the task with `errorMessage` ("Task failure"), always,
 * or only when `condition` renders truthy. The failure stays retryable: flows use Fail with a retry
 * policy to exercise retries, as Kestra's own examples do.
 */
import { type RunnableTask, TaskFailure } from '../../../../../protocol/src/task-contract.ts';
import { text } from '../../support/logging.ts';
import { propertiesOf } from '../../support/properties.ts';

const TYPE = 'io.kestra.plugin.core.execution.Fail';

/** Kestra's TruthUtils: these renderings are false, anything else is true. */
const FALSY = new Set(['', 'false', '0', '-0', 'null', 'undefined']);

export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0) return false;
  return !FALSY.has(text(value).trim().toLowerCase());
}

export const failTask: RunnableTask = {
  type: TYPE,
  async run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const message = p.optionalString('errorMessage') ?? 'Task failure';
    if (p.has('condition') && !isTruthy(p.raw('condition'))) return { state: 'SUCCESS' };
    throw new TaskFailure(message);
  },
};
