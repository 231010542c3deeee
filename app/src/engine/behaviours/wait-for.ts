/**
 * `flow.WaitFor` (and `flow.LoopUntil`): run the tasks, render `condition`, and repeat after
 * `checkFrequency.interval` until it is true or `maxIterations`/`maxDuration` is reached (then
 * FAILED when `failOnMaxReached`, else SUCCESS). Each round's task runs carry its `iteration`; the
 * latest round's outputs win in `outputs.<child>`. `outputs.<waitFor>.iterationCount` counts rounds.
 */
import { parseDuration } from '../../../../flows-schema/src/time.ts';
import { isTruthy } from '../truthy.ts';
import { chain, enabledIds, intOr } from './lists.ts';
import type { BehaviourContext, Decision, FlowableBehaviour, Signal } from './types.ts';

interface Frequency {
  maxIterations?: number;
  maxDuration?: string;
  interval?: string;
}

function round(ctx: BehaviourContext, n: number, startedAt: number): Decision {
  return {
    kind: 'plan',
    plan: chain(enabledIds(ctx.task['tasks']), { iteration: n }),
    data: { round: n, startedAt },
    outputs: { iterationCount: n + 1 },
  };
}

function next(ctx: BehaviourContext, signal: Signal): Decision | undefined {
  const roundNo = intOr(ctx.data['round'], 0);
  const startedAt = intOr(ctx.data['startedAt'], ctx.now);
  const freq = (ctx.task['checkFrequency'] ?? {}) as Frequency;
  switch (signal.kind) {
    case 'begin':
      return round(ctx, 0, ctx.now);
    case 'childrenDone':
      if (signal.state === 'FAILED' || signal.state === 'KILLED' || signal.state === 'CANCELLED')
        return undefined;
      return { kind: 'render', purpose: 'condition', properties: { condition: ctx.task['condition'] } };
    case 'rendered': {
      if (isTruthy(signal.values['condition'])) return { kind: 'end', state: 'SUCCESS' };
      const maxIterations = freq.maxIterations ?? 100;
      const maxDurationMs = parseDuration(freq.maxDuration ?? 'PT1H') ?? 3_600_000;
      if (roundNo + 1 >= maxIterations || ctx.now - startedAt >= maxDurationMs) {
        const failed = ctx.task['failOnMaxReached'] === true;
        const why =
          roundNo + 1 >= maxIterations
            ? `${maxIterations} iterations`
            : `maxDuration ${freq.maxDuration ?? 'PT1H'}`;
        return {
          kind: 'end',
          state: failed ? 'FAILED' : 'SUCCESS',
          message: `Condition still false after ${why}`,
        };
      }
      return {
        kind: 'wait',
        timers: [{ name: 'next', delayMs: parseDuration(freq.interval ?? 'PT1S') ?? 1000 }],
      };
    }
    case 'timer':
      return signal.name === 'next' ? round(ctx, roundNo + 1, startedAt) : undefined;
    default:
      return undefined;
  }
}

export const waitFor: FlowableBehaviour = { type: 'io.kestra.plugin.core.flow.WaitFor', next };
export const loopUntil: FlowableBehaviour = { type: 'io.kestra.plugin.core.flow.LoopUntil', next };
