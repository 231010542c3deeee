/**
 * Execution control: kill (KILLING until every running job has stopped, then KILLED), terminate (SLA
 * breach, Exit task: running task runs are killed and the execution ends at once), manual pause and
 * resume (Pause tasks receive the resume and its inputs).
 */
import { applyDecision, signalFlowable, syncPaused } from './decide.ts';
import type { Draft } from './draft.ts';
import type { StateName } from './states.ts';
import { isTerminal } from './states.ts';
import type { TaskRun } from './types.ts';

function subflowChild(run: TaskRun): string | undefined {
  const id = run.outputs?.['executionId'];
  return run.scope?.hold === 'wait' && typeof id === 'string' ? id : undefined;
}

/** Stop a task run's work; `wait` leaves it KILLING until its job or subflow confirms. */
function stopRun(d: Draft, run: TaskRun, wait: boolean): void {
  const child = subflowChild(run);
  if (child !== undefined) d.commands.push({ kind: 'killSubflow', taskRunId: run.id, executionId: child });
  if (run.state === 'RUNNING' && run.scope === undefined)
    d.commands.push({ kind: 'cancel', taskRunId: run.id });
  const confirmable = (run.state === 'RUNNING' && run.scope === undefined) || child !== undefined;
  if (wait && confirmable) {
    d.setState(run.id, 'KILLING');
    return;
  }
  d.setAttemptState(run.id, 'KILLED');
  d.setState(run.id, 'KILLED');
}

export function kill(d: Draft): void {
  const ex = d.ex;
  if (isTerminal(ex.state)) {
    // Killing a finished execution stops its afterExecution tasks.
    if (ex.after?.phase !== 'main') return;
    for (const r of ex.taskRuns) if (!isTerminal(r.state)) stopRun(d, d.get(r.id)!, false);
    ex.after = { ...ex.after, phase: 'done' };
    return;
  }
  if (ex.state === 'CREATED' || ex.state === 'QUEUED') {
    d.setExecutionState('KILLED');
    ex.after = { phase: 'done' };
    return;
  }
  d.setExecutionState('KILLING');
  ex.ending = 'KILLED';
  delete ex.paused;
  d.clearTimers();
  for (const r of ex.taskRuns.slice()) if (!isTerminal(r.state)) stopRun(d, d.get(r.id)!, true);
}

/** End the execution in `state` now: kill what runs, start nothing more. */
export function terminate(d: Draft, state: StateName): void {
  const ex = d.ex;
  if (isTerminal(ex.state) || ex.ending !== undefined) return;
  ex.ending = state === ('CANCELED' as StateName) ? 'CANCELLED' : state;
  d.clearTimers();
  for (const r of ex.taskRuns.slice()) if (!isTerminal(r.state)) stopRun(d, d.get(r.id)!, false);
}

export function pause(d: Draft): void {
  if (d.ex.state !== 'RUNNING') return;
  d.ex.paused = true;
  syncPaused(d);
}

export function resume(d: Draft, inputs: Record<string, unknown>, taskRunId?: string): void {
  const ex = d.ex;
  if (ex.state !== 'PAUSED') return;
  delete ex.paused;
  for (const r of ex.taskRuns.slice()) {
    if (r.state !== 'PAUSED' || (taskRunId !== undefined && r.id !== taskRunId)) continue;
    d.clearTimers(r.id);
    signalFlowable(d, r.id, { kind: 'resumed', inputs });
    // A behaviour that ignores resumes still must not stay PAUSED forever.
    if (d.get(r.id)!.state === 'PAUSED') applyDecision(d, r.id, { kind: 'end', state: 'SUCCESS' });
  }
  syncPaused(d);
}
