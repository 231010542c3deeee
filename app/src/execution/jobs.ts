/**
 * Running a runnable task run: render its properties (pluginDefaults already applied by the flow
 * index), hand the job to the runner (or to a local task that needs the execution service), stream
 * its logs (level-filtered, masked), enforce the timeout on the executor's clock, and report the
 * result as an engine event. A render failure fails the task without a retry: retrying cannot fix it.
 */

import { WORKING_DIR_TOKEN } from '../../../flows-schema/src/expressions/working-dir.ts';
import { defaultRegistry, type Task } from '../../../flows-schema/src/schema/flow.ts';
import { isoDuration } from '../../../flows-schema/src/time.ts';
import type { JobAffinity, JobLog, JobResult, TaskJob } from '../../../protocol/src/job.ts';
import type { Command, ExecutionState, StateName, TaskRun } from '../engine/index.ts';
import { findTaskRun, indexFlow } from '../engine/index.ts';
import { expressionContext } from './context.ts';
import type { LogEntry } from './contract.ts';
import type { ExecutorDeps } from './deps.ts';
import type { ExecutorHost } from './host.ts';
import type { Live } from './live.ts';
import { renderProperties } from './render.ts';

export type JobHost = Pick<ExecutorHost, 'deps' | 'post' | 'appendLogs' | 'services' | 'localTask'>;

/** Properties every task has that are the engine's business, not the plugin's. */
const ENGINE_KEYS = new Set([
  'id',
  'type',
  'description',
  'runIf',
  'allowFailure',
  'allowWarning',
  'retry',
  'timeout',
  'disabled',
  'logLevel',
  'logToFile',
  'workerGroup',
  'version',
]);
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export function jobProperties(task: Task): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(task)) if (!ENGINE_KEYS.has(k)) out[k] = v;
  return out;
}

export function logEntry(
  ex: ExecutionState,
  run: TaskRun | undefined,
  level: LogEntry['level'],
  message: string,
  at: string,
  attempt?: number,
): LogEntry {
  return {
    executionId: ex.id,
    namespace: ex.namespace,
    flowId: ex.flowId,
    ...(run ? { taskId: run.taskId, taskRunId: run.id } : {}),
    ...(attempt !== undefined ? { attemptNumber: attempt } : {}),
    level,
    message,
    timestamp: at,
  };
}

/** A run command's task with its properties rendered, ready to become a `TaskJob`. */
export interface RenderedJob {
  run: TaskRun;
  /** Canonical task type. */
  type: string;
  task: Task;
  properties: Record<string, unknown>;
  /** The WorkingDirectory parent whose folder the runner shares between its children. */
  affinity?: JobAffinity;
}

export type RenderHost = Pick<ExecutorHost, 'deps' | 'services'>;

/**
 * Render the properties of a run command's task (and create its WorkingDirectory parent's folder in
 * this process when `workingDirectories` is on; otherwise say which folder a remote runner keeps,
 * with what to lay down in it). Throws when a property cannot be rendered; the
 * message is the task's failure (see `renderFailure`).
 */
export async function renderJob(
  host: RenderHost,
  ex: ExecutionState,
  live: Live,
  cmd: Extract<Command, { kind: 'run' }>,
): Promise<RenderedJob> {
  const { deps } = host;
  const run = findTaskRun(ex, cmd.taskRunId)!;
  const entry = indexFlow(live.flow).get(run.taskId)!;
  const services = host.services(ex, live);
  const context = expressionContext(ex, live.flow, run, deps.environment);
  const definition = defaultRegistry.get(entry.type);
  if (definition?.workingDirectory === true) context['workingDir'] = WORKING_DIR_TOKEN;
  // A property the task renders per item (FilterItems' `filterCondition`) goes to it as written.
  const asWritten: Record<string, unknown> = {};
  const toRender = jobProperties(entry.task);
  for (const key of definition?.renderedByTask ?? []) {
    if (!Object.hasOwn(toRender, key)) continue;
    asWritten[key] = toRender[key];
    delete toRender[key];
  }
  const properties = { ...(await renderProperties(toRender, context, services)), ...asWritten };
  let affinity: JobAffinity | undefined;
  if (cmd.workingDirectory !== undefined) {
    const scope = findTaskRun(ex, cmd.workingDirectory)!;
    const scopeTask = indexFlow(live.flow).get(scope.taskId)!.task;
    const scopeContext = expressionContext(ex, live.flow, scope, deps.environment);
    const files: Record<string, unknown> = {};
    if (scopeTask['inputFiles'] !== undefined) files['inputFiles'] = scopeTask['inputFiles'];
    if (scopeTask['namespaceFiles'] !== undefined) files['namespaceFiles'] = scopeTask['namespaceFiles'];
    affinity = {
      key: scope.id,
      taskId: scope.taskId,
      ...(await renderProperties(files, scopeContext, services)),
    };
    live.workDirs.add(scope.id);
  }
  return {
    run,
    type: entry.type,
    task: entry.task,
    properties,
    ...(affinity !== undefined ? { affinity } : {}),
  };
}

/** The failure message of a task whose properties could not be rendered (retryable, as in Kestra). */
export function renderFailure(taskId: string, error: unknown): string {
  return `Task '${taskId}': ${(error as Error).message}`;
}

/** Lowest log level a task's lines are kept at (`logLevel`), as an index into the level list. */
export function minLogLevel(task: Task): number {
  return LEVELS.indexOf(String(task.logLevel ?? 'TRACE'));
}

/** The job a runner executes for a rendered task (the job id is the idempotency key of its result). */
export function taskJob(
  ex: ExecutionState,
  live: Live,
  cmd: Extract<Command, { kind: 'run' }>,
  rendered: RenderedJob,
): TaskJob {
  const { run } = rendered;
  return {
    jobId: `${run.id}-${cmd.attempt}`,
    type: rendered.type,
    ...(typeof rendered.task.version === 'string' ? { version: rendered.task.version } : {}),
    properties: rendered.properties,
    run: {
      executionId: ex.id,
      namespace: ex.namespace,
      flowId: ex.flowId,
      taskId: run.taskId,
      taskRunId: run.id,
      ...(run.value !== undefined ? { value: run.value } : {}),
      attempt: cmd.attempt,
    },
    ...(cmd.timeoutMs !== undefined ? { timeoutMs: cmd.timeoutMs } : {}),
    secrets: [...live.secrets],
    ...(rendered.affinity !== undefined ? { affinity: rendered.affinity } : {}),
    ...(ex.source !== undefined ? { source: ex.source } : {}),
  };
}

export async function runJob(
  host: JobHost,
  ex: ExecutionState,
  live: Live,
  cmd: Extract<Command, { kind: 'run' }>,
): Promise<void> {
  const { deps } = host;
  const run = findTaskRun(ex, cmd.taskRunId)!;
  const entry = indexFlow(live.flow).get(run.taskId)!;
  const minLevel = minLogLevel(entry.task);
  const stamp = () => new Date(deps.clock.now()).toISOString();
  let sawError = false;
  let settled = false;
  const log = (level: LogEntry['level'], message: string, timestamp = stamp()) => {
    // A job that outlives its result (timed out, killed) must not log into the task run any more.
    if (settled) return;
    if (level === 'ERROR') sawError = true;
    if (LEVELS.indexOf(level) < minLevel) return;
    host.appendLogs(ex, live, [logEntry(ex, run, level, live.mask(message), timestamp, cmd.attempt)]);
  };
  let timeout: ReturnType<ExecutorDeps['clock']['setTimer']> | undefined;
  const settle = (r: Omit<JobResult, 'jobId'>) => {
    if (settled) return;
    // The runner usually logs its failure; say it ourselves when it did not, so errorLogs() has it.
    if (r.state === 'FAILED' && r.error !== undefined && !sawError) log('ERROR', r.error);
    settled = true;
    if (timeout !== undefined) deps.clock.clearTimer(timeout);
    live.jobs.delete(run.id);
    host.post(ex.id, {
      type: 'taskResult',
      taskRunId: run.id,
      attempt: cmd.attempt,
      state: r.state,
      ...(r.outputs !== undefined ? { outputs: live.mask(r.outputs) } : {}),
      ...(r.effects?.labels !== undefined ? { labels: r.effects.labels } : {}),
      ...(r.effects?.exit !== undefined ? { exit: r.effects.exit as StateName } : {}),
      ...(r.error !== undefined ? { error: live.mask(r.error) } : {}),
      ...(r.retryable !== undefined ? { retryable: r.retryable } : {}),
    });
  };

  let rendered: RenderedJob;
  try {
    rendered = await renderJob(host, ex, live, cmd);
  } catch (e) {
    // Retryable, as in Kestra: an expression may read what changes between attempts (attemptsCount, KV).
    settle({ state: 'FAILED', error: renderFailure(run.taskId, e) });
    return;
  }

  const local = host.localTask(entry.type);
  if (local !== undefined) {
    settle(
      await local(rendered.properties, { execution: ex, run }).catch((e: Error) => ({
        state: 'FAILED' as const,
        error: e.message,
        retryable: false,
      })),
    );
    return;
  }

  const job = taskJob(ex, live, cmd, rendered);
  const controller = new AbortController();
  live.jobs.set(run.id, controller);
  if (cmd.timeoutMs !== undefined) {
    // Enforced here too, on the executor's clock, so a runner that ignores its signal cannot hold the flow.
    const ms = cmd.timeoutMs;
    timeout = deps.clock.setTimer(deps.clock.now() + ms, () => {
      controller.abort(new Error('timeout'));
      settle({ state: 'FAILED', error: `Task timed out after ${isoDuration(ms)}`, retryable: true });
    });
  }
  try {
    const result = await deps.runner.run(job, {
      onLog: (l: JobLog) => log(l.level, l.message, l.timestamp),
      signal: controller.signal,
    });
    settle(result);
  } catch (e) {
    settle({
      state: 'FAILED',
      error: `Task '${run.taskId}': the runner failed: ${(e as Error).message}`,
      retryable: true,
    });
  }
}
