/**
 * `flow.Subflow`: start an execution of another flow (namespace + flowId, rendered `inputs` and
 * `labels`). With `wait` (default true) the task ends when the child does: in the child's state when
 * `transmitFailed` (default true), else SUCCESS. Outputs: `executionId`, `state` and `outputs` (the
 * child's flow outputs plus the task's own `outputs` rendered in the child's context). With `retry`,
 * a failed child is followed by a new child execution, each one an attempt of the task run. When
 * the parent execution is restarted, a failed or killed child is restarted in place
 * (`restartBehavior: RETRY_FAILED`, Kestra's default) or replaced by a new one (`NEW_EXECUTION`).
 */

import type { Task } from '../../../../flows-schema/src/schema/flow.ts';
import { labelList } from '../../../../flows-schema/src/schema/primitives.ts';
import type { StateName } from '../states.ts';
import type { TaskRun } from '../types.ts';
import type { FlowableBehaviour } from './types.ts';

const CHILD_TO_TASK: Partial<Record<StateName, StateName>> = { RETRIED: 'FAILED' };
const RESTARTABLE_CHILD = new Set<unknown>(['FAILED', 'KILLED']);

/** The child to restart in place: the task run was just restarted and its child failed or was killed. */
function childToRestart(task: Task, run: TaskRun): string | undefined {
  if (task['restartBehavior'] === 'NEW_EXECUTION') return undefined;
  if (run.histories.at(-2)?.state !== 'RESTARTED') return undefined;
  const id = run.outputs?.['executionId'];
  return typeof id === 'string' && RESTARTABLE_CHILD.has(run.outputs?.['state']) ? id : undefined;
}

export const subflow: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.Subflow',
  retriesWhole: true,
  startProperties: (task) => ({
    namespace: task['namespace'],
    flowId: task['flowId'],
    inputs: task['inputs'] ?? {},
    labels: task['labels'] ?? {},
  }),
  next: ({ task, run, data }, signal) => {
    const wait = task['wait'] !== false;
    switch (signal.kind) {
      case 'begin': {
        const restartExecutionId = wait ? childToRestart(task, run) : undefined;
        return {
          kind: 'subflow',
          request: {
            namespace: String(signal.values['namespace']),
            flowId: String(signal.values['flowId']),
            ...(typeof task['revision'] === 'number' ? { revision: task['revision'] } : {}),
            inputs: (signal.values['inputs'] ?? {}) as Record<string, unknown>,
            labels: labelList(signal.values['labels'] as Parameters<typeof labelList>[0]),
            wait,
            transmitFailed: task['transmitFailed'] !== false,
            inheritLabels: task['inheritLabels'] === true,
            ...(task['outputs'] !== undefined ? { outputs: task['outputs'] as Record<string, unknown> } : {}),
            ...(restartExecutionId !== undefined ? { restartExecutionId } : {}),
          },
          // What may still arrive about the child of an earlier run of this task run is ignored.
          data: {
            ...(typeof run.outputs?.['executionId'] === 'string'
              ? { previous: run.outputs['executionId'] }
              : {}),
            ...(restartExecutionId !== undefined ? { restarting: true } : {}),
          },
        };
      }
      case 'subflowStarted':
        return wait
          ? {
              kind: 'wait',
              outputs: { executionId: signal.executionId },
              data: { child: signal.executionId, attempt: signal.childAttempt ?? 1 },
            }
          : { kind: 'end', state: 'SUCCESS', outputs: { executionId: signal.executionId } };
      case 'subflowEnded': {
        // The end of another child, or of an earlier attempt of this one (a notice redelivered
        // after a restart): not this task run's news.
        const { child, attempt, previous, restarting } = data as {
          child?: string;
          attempt?: number;
          previous?: string;
          restarting?: boolean;
        };
        if (child === undefined) {
          if (restarting === true || signal.executionId === previous) return undefined;
        } else if (signal.executionId !== child || (signal.childAttempt ?? 1) < (attempt ?? 1))
          return undefined;
        const state =
          task['transmitFailed'] === false ? 'SUCCESS' : (CHILD_TO_TASK[signal.state] ?? signal.state);
        const message =
          state === 'SUCCESS' || state === 'WARNING'
            ? undefined
            : `Subflow execution ${signal.executionId} ended ${signal.state}`;
        return {
          kind: 'end',
          state,
          outputs: { executionId: signal.executionId, state: signal.state, outputs: signal.outputs ?? {} },
          ...(message ? { message } : {}),
        };
      }
      case 'subflowFailed':
        return { kind: 'end', state: 'FAILED', message: signal.message };
      default:
        return undefined;
    }
  },
};
