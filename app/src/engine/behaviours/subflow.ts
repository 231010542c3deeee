/**
 * `flow.Subflow`: start an execution of another flow (namespace + flowId, rendered `inputs` and
 * `labels`). With `wait` (default true) the task ends when the child does: in the child's state when
 * `transmitFailed` (default true), else SUCCESS. Outputs: `executionId`, `state` and `outputs` (the
 * child's flow outputs plus the task's own `outputs` rendered in the child's context). With `retry`,
 * a failed child is followed by a new child execution, each one an attempt of the task run.
 */
import { labelList } from '../../../../flows-schema/src/schema/primitives.ts';
import type { StateName } from '../states.ts';
import type { FlowableBehaviour } from './types.ts';

const CHILD_TO_TASK: Partial<Record<StateName, StateName>> = { RETRIED: 'FAILED' };

export const subflow: FlowableBehaviour = {
  type: 'io.kestra.plugin.core.flow.Subflow',
  retriesWhole: true,
  startProperties: (task) => ({
    namespace: task['namespace'],
    flowId: task['flowId'],
    inputs: task['inputs'] ?? {},
    labels: task['labels'] ?? {},
  }),
  next: ({ task }, signal) => {
    const wait = task['wait'] !== false;
    switch (signal.kind) {
      case 'begin':
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
          },
        };
      case 'subflowStarted':
        return wait
          ? { kind: 'wait', outputs: { executionId: signal.executionId } }
          : { kind: 'end', state: 'SUCCESS', outputs: { executionId: signal.executionId } };
      case 'subflowEnded': {
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
