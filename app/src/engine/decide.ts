/**
 * Asking a flowable's behaviour what to do after a signal, and carrying out its decision. This is
 * the only place the engine talks to behaviours: it never looks at a task's type.
 */
import type { Decision, Signal } from './behaviours/types.ts';
import { type Draft, runKey } from './draft.ts';
import { driveScope } from './drive.ts';
import { retryFailed } from './results.ts';
import { endMain } from './scope.ts';
import { isTerminal } from './states.ts';

export const FLOWABLE_RENDER = 'flowable:';

export function signalFlowable(d: Draft, id: string, signal: Signal): void {
  const run = d.get(id);
  if (run === undefined || isTerminal(run.state) || run.scope === undefined) return;
  const entry = d.index.get(run.taskId);
  if (entry?.behaviour === undefined) return;
  const ctx = {
    task: entry.task,
    run,
    data: run.scope.data ?? {},
    now: d.now,
    childOutputs: (taskId: string) => d.childByKey(id, runKey(taskId, run.value, undefined))?.outputs,
    childRuns: (taskId: string) => d.children(id).filter((r) => r.taskId === taskId),
  };
  let decision = entry.behaviour.next(ctx, signal);
  if (decision === undefined && signal.kind === 'childrenDone')
    decision = { kind: 'end', state: signal.state };
  if (decision !== undefined) applyDecision(d, id, decision);
}

export function applyDecision(d: Draft, id: string, decision: Decision): void {
  let run = d.get(id)!;
  if (run.state === 'PAUSED' && !(decision.kind === 'wait' && decision.paused)) {
    run = d.setState(id, 'RUNNING');
    syncPaused(d);
  }
  if (decision.outputs !== undefined) d.patch(id, { outputs: { ...run.outputs, ...decision.outputs } });
  if (decision.data !== undefined) d.patchScope(id, { data: decision.data });
  switch (decision.kind) {
    case 'plan':
      d.patchScope(id, { plan: decision.plan, hold: undefined });
      driveScope(d, id);
      return;
    case 'render':
      d.patchScope(id, { hold: `render:${decision.purpose}` });
      d.commands.push({
        kind: 'render',
        taskRunId: id,
        purpose: FLOWABLE_RENDER + decision.purpose,
        properties: decision.properties,
      });
      return;
    case 'wait':
      d.patchScope(id, { hold: 'wait' });
      for (const t of decision.timers ?? [])
        d.addTimer({ kind: 'flowable', taskRunId: id, name: t.name, at: d.now + t.delayMs });
      if (decision.paused === true) {
        d.setState(id, 'PAUSED');
        syncPaused(d);
      }
      return;
    case 'subflow':
      d.patchScope(id, { hold: 'subflow' });
      d.commands.push({ kind: 'startSubflow', taskRunId: id, request: decision.request });
      return;
    case 'end': {
      if (decision.message !== undefined)
        d.log(decision.state === 'FAILED' ? 'ERROR' : 'WARN', decision.message, id);
      d.clearTimers(id);
      if (d.index.get(run.taskId)?.behaviour?.retriesWhole === true) {
        if (decision.state === 'FAILED' && retryFailed(d, id)) return;
        d.setAttemptState(id, decision.state);
      }
      endMain(d, id, decision.state);
      driveScope(d, id);
      return;
    }
  }
}

/** The execution is PAUSED while paused by hand or while any task run is PAUSED. */
export function syncPaused(d: Draft): void {
  const ex = d.ex;
  if (ex.state !== 'RUNNING' && ex.state !== 'PAUSED') return;
  const paused = ex.paused === true || ex.taskRuns.some((r) => r.state === 'PAUSED');
  d.setExecutionState(paused ? 'PAUSED' : 'RUNNING');
}
