/**
 * Runnable tasks the executor runs itself because they act on executions, not on the outside
 * world: `execution.Resume`, `log.Fetch`, `storage.PurgeCurrentExecutionFiles`, the purge tasks
 * (purge-tasks.ts). Keyed by canonical type name like the runner's registry.
 */

import type { InternalStorage } from '../../../protocol/src/internal-storage.ts';
import type { JobResult } from '../../../protocol/src/job.ts';
import type { ExecutionState, TaskRun } from '../engine/index.ts';
import type { ExecutionDocument, LogEntry } from './contract.ts';
import { type Purge, purgeTasks } from './purge-tasks.ts';

export type LocalTaskResult = Omit<JobResult, 'jobId'>;

export type LocalTask = (
  properties: Record<string, unknown>,
  ctx: { execution: ExecutionState; run: TaskRun },
) => Promise<LocalTaskResult>;

export interface ExecutionControl {
  resume(id: string, inputs?: Record<string, unknown>): Promise<unknown>;
  get(id: string): Promise<ExecutionDocument | undefined>;
  logs(id: string): Promise<LogEntry[]>;
  readonly deps: { storage: InternalStorage };
  /** Deletes what the server keeps (purge tasks); undefined where nothing is kept (`osprey run`). */
  readonly purge: Purge | undefined;
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

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/**
 * `log.Fetch`: the logs of an execution (this one by default) at `level` (default INFO) or above,
 * of the `tasksId` tasks only when given, as a JSON-lines (ION) file; outputs `uri` and `size`.
 */
function fetchTask(control: ExecutionControl): LocalTask {
  return async (props, { execution, run }) => {
    const target =
      typeof props['executionId'] === 'string' && props['executionId'] !== ''
        ? props['executionId']
        : execution.id;
    const level = String(props['level'] ?? 'INFO') as (typeof LEVELS)[number];
    const from = LEVELS.indexOf(level);
    const tasks = Array.isArray(props['tasksId']) ? props['tasksId'].map(String) : undefined;
    const doc = target === execution.id ? undefined : await control.get(target);
    const wrong =
      target !== execution.id &&
      (doc === undefined ||
        (typeof props['namespace'] === 'string' && props['namespace'] !== doc.namespace) ||
        (typeof props['flowId'] === 'string' && props['flowId'] !== doc.flowId));
    if (from < 0 || wrong)
      return {
        state: 'FAILED',
        error:
          from < 0
            ? `Task '${run.taskId}': level must be one of ${LEVELS.join(', ')}, got '${level}'`
            : `Task '${run.taskId}': execution ${target} was not found${props['flowId'] === undefined ? '' : ` in flow ${String(props['namespace'] ?? execution.namespace)}.${String(props['flowId'])}`}`,
        retryable: false,
      };
    const rows = (await control.logs(target)).filter(
      (l) =>
        LEVELS.indexOf(l.level) >= from &&
        (tasks === undefined || (l.taskId !== undefined && tasks.includes(l.taskId))),
    );
    const uri = await control.deps.storage.put(
      {
        namespace: execution.namespace,
        flowId: execution.flowId,
        executionId: execution.id,
        taskId: run.taskId,
        taskRunId: run.id,
      },
      `${run.taskId}.ion`,
      rows.map((l) => `${JSON.stringify(l)}\n`).join(''),
    );
    return { state: 'SUCCESS', outputs: { uri, size: rows.length } };
  };
}

/**
 * `storage.PurgeCurrentExecutionFiles`: delete every file of internal storage this execution stored
 * (inputs, task outputs, trigger files); output `uris`, the URIs deleted (none is fine). Kestra's
 * newer `includeChildExecutions` and `includeStates` are accepted and, as in Kestra, change nothing.
 */
function purgeCurrentExecutionFilesTask(control: ExecutionControl): LocalTask {
  return async (_props, { execution, run }) => {
    const { storage } = control.deps;
    if (storage.deleteExecution === undefined)
      return {
        state: 'FAILED',
        error: `Task '${run.taskId}': this internal storage cannot delete an execution's files`,
        retryable: false,
      };
    const uris = await storage.deleteExecution({
      namespace: execution.namespace,
      flowId: execution.flowId,
      executionId: execution.id,
    });
    return { state: 'SUCCESS', outputs: { uris } };
  };
}

export function localTasks(control: ExecutionControl): ReadonlyMap<string, LocalTask> {
  return new Map([
    ['io.kestra.plugin.core.execution.Resume', resumeTask(control)],
    ['io.kestra.plugin.core.log.Fetch', fetchTask(control)],
    ['io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles', purgeCurrentExecutionFilesTask(control)],
    ...purgeTasks(() => control.purge),
  ]);
}
