/**
 * The engine's entry point: `(execution, flow, event, env) → { execution, commands, logs }`. Pure:
 * the input execution is not modified, time, ids and randomness come from `env`.
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { BEGIN, failRun, onBegun } from './begin.ts';
import { chain } from './behaviours/lists.ts';
import { kill, pause, resume, terminate } from './control.ts';
import { applyDecision, FLOWABLE_RENDER, signalFlowable } from './decide.ts';
import { Draft } from './draft.ts';
import { driveExecution } from './drive.ts';
import { onEndRendered } from './finish.ts';
import { restart } from './restart.ts';
import { onRetryTimer, onTaskResult } from './results.ts';
import { armSlaTimers, maxDurationBreach } from './sla.ts';
import { isTerminal } from './states.ts';
import type { EngineEvent, ExecutionState, StepEnv, StepResult } from './types.ts';

export function step(execution: ExecutionState, flow: Flow, event: EngineEvent, env: StepEnv): StepResult {
  const d = new Draft(execution, flow, env);
  apply(d, event);
  driveExecution(d);
  return { execution: d.ex, commands: d.commands, logs: d.logs };
}

function apply(d: Draft, event: EngineEvent): void {
  const ex = d.ex;
  switch (event.type) {
    case 'start':
      if (ex.state !== 'CREATED' && ex.state !== 'QUEUED' && ex.state !== 'RESTARTED') return;
      d.setExecutionState('RUNNING');
      if (ex.root.plan === undefined) ex.root = { phase: 'main', plan: chain(d.index.lists.tasks) };
      armSlaTimers(d);
      return;
    case 'queue':
      if (ex.state === 'CREATED') d.setExecutionState('QUEUED');
      return;
    case 'refuse':
      if (ex.state !== 'CREATED' && ex.state !== 'QUEUED') return;
      d.log(event.state === 'FAILED' ? 'ERROR' : 'WARN', event.reason);
      d.setExecutionState(event.state);
      ex.after = { phase: 'done' };
      return;
    case 'rendered':
      onRendered(d, event);
      return;
    case 'taskResult':
      onTaskResult(d, event);
      return;
    case 'timer':
      onTimer(d, event.id);
      return;
    case 'subflowStarted': {
      const run = d.get(event.taskRunId);
      // The parent was killed while the child was being created: kill the child too.
      if (run === undefined || isTerminal(run.state))
        d.commands.push({ kind: 'killSubflow', taskRunId: event.taskRunId, executionId: event.executionId });
      else
        signalFlowable(d, event.taskRunId, {
          kind: 'subflowStarted',
          executionId: event.executionId,
          ...(event.childAttempt !== undefined ? { childAttempt: event.childAttempt } : {}),
        });
      return;
    }
    case 'subflowEnded': {
      const run = d.get(event.taskRunId);
      if (run?.state === 'KILLING') d.setState(run.id, 'KILLED');
      else
        signalFlowable(d, event.taskRunId, {
          kind: 'subflowEnded',
          executionId: event.executionId,
          state: event.state,
          ...(event.outputs ? { outputs: event.outputs } : {}),
          ...(event.childAttempt !== undefined ? { childAttempt: event.childAttempt } : {}),
        });
      return;
    }
    case 'subflowFailed':
      signalFlowable(d, event.taskRunId, { kind: 'subflowFailed', message: event.message });
      return;
    case 'kill':
      kill(d);
      return;
    case 'pause':
      pause(d);
      return;
    case 'resume':
      resume(d, event.inputs ?? {}, event.taskRunId);
      return;
    case 'restart':
      restart(d);
      return;
  }
}

function onRendered(d: Draft, event: Extract<EngineEvent, { type: 'rendered' }>): void {
  if (event.taskRunId === undefined) {
    onEndRendered(d, event.values, event.error);
    return;
  }
  const run = d.get(event.taskRunId);
  if (run === undefined || isTerminal(run.state)) return;
  if (event.purpose === BEGIN) {
    if (run.awaiting !== BEGIN) return;
    if (event.error !== undefined) failRun(d, run.id, event.error);
    else
      onBegun(d, run.id, {
        runIf: undefined,
        timeout: undefined,
        start: {},
        ...literalBegin(d, run.taskId),
        ...event.values,
      });
    return;
  }
  const purpose = event.purpose.slice(FLOWABLE_RENDER.length);
  if (!event.purpose.startsWith(FLOWABLE_RENDER) || run.scope?.hold !== `render:${purpose}`) return;
  if (event.error !== undefined)
    applyDecision(d, run.id, { kind: 'end', state: 'FAILED', message: event.error });
  else signalFlowable(d, run.id, { kind: 'rendered', purpose, values: event.values ?? {} });
}

/** The begin values that were literal (not sent to render). */
function literalBegin(d: Draft, taskId: string): Record<string, unknown> {
  const entry = d.index.get(taskId);
  if (entry === undefined) return {};
  return {
    runIf: entry.task.runIf,
    timeout: entry.task.timeout,
    start: entry.behaviour?.startProperties?.(entry.task) ?? {},
  };
}

function onTimer(d: Draft, id: string): void {
  const timer = d.ex.timers.find((t) => t.id === id);
  if (timer === undefined) return;
  d.ex.timers = d.ex.timers.filter((t) => t.id !== id);
  if (timer.kind === 'retry' && timer.taskRunId !== undefined) onRetryTimer(d, timer.taskRunId);
  else if (timer.kind === 'flowable' && timer.taskRunId !== undefined)
    signalFlowable(d, timer.taskRunId, { kind: 'timer', name: timer.name ?? '' });
  else if (timer.kind === 'sla' && timer.name !== undefined && !isTerminal(d.ex.state)) {
    const outcome = maxDurationBreach(d, timer.name);
    if (outcome !== undefined) terminate(d, outcome);
  }
}
