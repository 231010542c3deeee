/**
 * Runnable tasks the executor runs itself because they act on executions, not on the outside
 * world: `execution.Resume`. Keyed by canonical type name like the runner's registry.
 */
import type { JobResult } from '../../../protocol/src/job.ts';
import type { ExecutionState, TaskRun } from '../engine/index.ts';

export type LocalTaskResult = Omit<JobResult, 'jobId'>;

export type LocalTask = (
  properties: Record<string, unknown>,
  ctx: { execution: ExecutionState; run: TaskRun },
) => Promise<LocalTaskResult>;

export interface ExecutionControl {
  resume(id: string, inputs?: Record<string, unknown>): Promise<unknown>;
}

/** `Resume`: resume the given execution (the current one by default, as in Kestra) with `inputs`. */
function resumeTask(control: ExecutionControl): LocalTask {
  return async (props, { execution }) => {
    const target =
      typeof props['executionId'] === 'string' && props['executionId'] !== ''
        ? props['executionId']
        : execution.id;
    const inputs = (props['inputs'] ?? {}) as Record<string, unknown>;
    try {
      await control.resume(target, inputs);
      return { state: 'SUCCESS', outputs: { executionId: target } };
    } catch (e) {
      return {
        state: 'FAILED',
        error: `Cannot resume execution ${target}: ${(e as Error).message}`,
        retryable: false,
      };
    }
  };
}

export function localTasks(control: ExecutionControl): ReadonlyMap<string, LocalTask> {
  return new Map([['io.kestra.plugin.core.execution.Resume', resumeTask(control)]]);
}
