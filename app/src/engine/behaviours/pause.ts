/**
 * `flow.Pause`: the task run (and the execution) is PAUSED until resumed by hand (with `onResume`
 * inputs, exposed as `outputs.<pause>.onResume`), until `pauseDuration`/`delay` passes (then
 * `behavior` decides: RESUME by default, WARN, FAIL or CANCEL), or until `timeout` passes (FAILED).
 * Its deprecated `tasks` run after the resume.
 */
import { parseDuration } from '../../../../flows-schema/src/time.ts';
import { chain, enabledIds } from './lists.ts';
import type { Decision, FlowableBehaviour } from './types.ts';

const AFTER_DELAY: Record<string, Decision> = {
  WARN: { kind: 'end', state: 'WARNING', message: 'Pause duration elapsed (behavior WARN)' },
  FAIL: { kind: 'end', state: 'FAILED', message: 'Pause duration elapsed (behavior FAIL)' },
  CANCEL: { kind: 'end', state: 'CANCELLED', message: 'Pause duration elapsed (behavior CANCEL)' },
};

function resumed(tasks: unknown, inputs: Record<string, unknown>): Decision {
  const ids = enabledIds(tasks);
  const outputs = { onResume: inputs };
  return ids.length > 0
    ? { kind: 'plan', plan: chain(ids), outputs }
    : { kind: 'end', state: 'SUCCESS', outputs };
}

export const pause: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.Pause',
  startProperties: (task) => {
    const props: Record<string, unknown> = {};
    for (const key of ['pauseDuration', 'delay', 'timeout'])
      if (task[key] !== undefined) props[key] = task[key];
    return props;
  },
  next: ({ task }, signal) => {
    switch (signal.kind) {
      case 'begin': {
        const timers: Array<{ name: string; delayMs: number }> = [];
        const delay = signal.values['pauseDuration'] ?? signal.values['delay'];
        for (const [name, raw] of [
          ['delay', delay],
          ['timeout', signal.values['timeout']],
        ] as const) {
          if (raw === undefined) continue;
          const ms = parseDuration(String(raw));
          if (ms === undefined)
            return {
              kind: 'end',
              state: 'FAILED',
              message: `Invalid ${name} '${String(raw)}': expected an ISO-8601 duration such as PT5M`,
            };
          timers.push({ name, delayMs: ms });
        }
        return { kind: 'wait', paused: true, timers };
      }
      case 'timer':
        if (signal.name === 'timeout')
          return {
            kind: 'end',
            state: 'FAILED',
            message: `Pause timed out after ${String(task['timeout'])}`,
          };
        return AFTER_DELAY[String(task['behavior'] ?? 'RESUME')] ?? resumed(task['tasks'], {});
      case 'resumed':
        return resumed(task['tasks'], signal.inputs);
      default:
        return undefined;
    }
  },
};
