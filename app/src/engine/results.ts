/**
 * A job's result applied to its task run: labels and Exit effects, retries (a new attempt after the
 * back-off, or a new execution), warningOnRetry, then allowFailure / allowWarning.
 */
import { beginRun, startAttempt } from './begin.ts';
import { terminate } from './control.ts';
import type { Draft } from './draft.ts';
import { mergeLabels, refuseTaskLabels } from './labels.ts';
import { compileRetry, nextRetryDelay } from './retry.ts';
import type { StateName } from './states.ts';
import { isTerminal, tolerate } from './states.ts';
import type { EngineEvent } from './types.ts';

type TaskResultEvent = Extract<EngineEvent, { type: 'taskResult' }>;

export function onTaskResult(d: Draft, ev: TaskResultEvent): void {
  const run = d.get(ev.taskRunId);
  if (run === undefined || isTerminal(run.state) || ev.attempt !== run.attempts.length) return;
  if (run.state === 'KILLING') {
    d.setAttemptState(run.id, 'KILLED');
    d.setState(run.id, 'KILLED');
    return;
  }
  if (run.state !== 'RUNNING') return;
  const task = d.index.get(run.taskId)?.task ?? {};
  let state: StateName = ev.state;
  let retryable = ev.retryable !== false;
  if (ev.labels !== undefined && ev.labels.length > 0) {
    const refused = refuseTaskLabels(d.ex.labels, ev.labels);
    if (refused === undefined) d.ex.labels = mergeLabels(d.ex.labels, ev.labels);
    else {
      d.log('ERROR', refused, run.id);
      state = 'FAILED';
      retryable = false;
    }
  }
  const outputs = ev.outputs !== undefined ? { outputs: ev.outputs } : {};
  if (state === 'FAILED' && retryable && retryFailed(d, run.id, outputs)) return;
  const policy = policyOf(d, run.taskId);
  if (state === 'SUCCESS' && run.attempts.length > 1 && policy?.warningOnRetry) state = 'WARNING';
  d.setAttemptState(run.id, ev.state);
  d.setState(run.id, tolerate(state, task), outputs);
  if (ev.exit !== undefined) terminate(d, ev.exit);
}

type Retry = Parameters<typeof compileRetry>[0];
const retryOf = (task: object | undefined) => (task as { retry?: Retry } | undefined)?.retry;

/**
 * The retry policy of a task, as Kestra resolves it: the task's own `retry`, else the `retry` of the
 * nearest enclosing flowable task that has one (a flowable's retry applies to the tasks inside it,
 * each failed task run retried on its own), else the flow's `retry`.
 */
function policyOf(d: Draft, taskId: string) {
  let entry = d.index.get(taskId);
  let retry = retryOf(entry?.task);
  while (retry === undefined && entry?.parentTaskId !== undefined) {
    entry = d.index.get(entry.parentTaskId);
    retry = retryOf(entry?.task);
  }
  return compileRetry(retry ?? d.flow.retry);
}

/**
 * A failed attempt under a retry policy: RETRYING with a timer for the next attempt (true), or a new
 * execution planned (CREATE_NEW_EXECUTION), or nothing left to try (false for both: the run fails).
 */
export function retryFailed(
  d: Draft,
  id: string,
  outputs: { outputs?: Record<string, unknown> } = {},
): boolean {
  const run = d.get(id)!;
  const policy = policyOf(d, run.taskId);
  if (policy === undefined) return false;
  if (policy.behavior !== 'RETRY_FAILED_TASK') {
    const delay = nextRetryDelay(policy, d.ex.attemptNumber, d.now, d.now, d.env.random());
    if (delay !== undefined) d.ex.retryExecution = { delayMs: delay };
    return false;
  }
  const firstAt = run.attempts[0]?.histories[0]?.at ?? d.now;
  const delay = nextRetryDelay(policy, run.attempts.length, firstAt, d.now, d.env.random());
  if (delay === undefined) return false;
  d.setAttemptState(id, 'FAILED');
  d.setState(id, 'RETRYING', outputs);
  d.addTimer({ kind: 'retry', taskRunId: id, at: d.now + delay });
  d.log('WARN', `Attempt ${run.attempts.length} failed; retrying in ${delay} ms`, id);
  return true;
}

/** The back-off of a RETRYING task run is over: run a new attempt (a flowable begins again). */
export function onRetryTimer(d: Draft, taskRunId: string): void {
  const run = d.get(taskRunId);
  if (run?.state !== 'RETRYING') return;
  if (d.index.get(run.taskId)?.behaviour !== undefined) beginRun(d, taskRunId);
  else startAttempt(d, taskRunId);
}
