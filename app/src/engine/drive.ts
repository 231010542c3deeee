/**
 * Advancing an execution after an event: every active scope, innermost first, starts the children
 * its plan allows, and a scope whose children are all done moves to its next phase. One pass from the
 * flow down is enough, because a scope settles before its parent looks at it.
 */

import { beginRun, createRun } from './begin.ts';
import { chain } from './behaviours/lists.ts';
import { signalFlowable } from './decide.ts';
import type { Draft } from './draft.ts';
import { flowEnd } from './finish.ts';
import { endMain, handlerIds, memoOf } from './scope.ts';
import type { StateName } from './states.ts';
import { isPassing, isStopping, isTerminal, tolerate, worst } from './states.ts';
import type { Plan, PlanItem, TaskRun } from './types.ts';

export function driveExecution(d: Draft): void {
  const ex = d.ex;
  if (ex.state === 'CREATED' || ex.state === 'QUEUED') return;
  if (isTerminal(ex.state)) {
    driveAfterExecution(d);
    return;
  }
  if (ex.ending !== undefined) {
    if (!ex.taskRuns.some((r) => !isTerminal(r.state))) flowEnd(d, ex.ending, { immediate: true });
    return;
  }
  driveScope(d, undefined);
}

export function driveAfterExecution(d: Draft): void {
  const after = d.ex.after;
  if (after?.phase !== 'main' || after.plan === undefined) return;
  if (runPlan(d, undefined, after.plan, false) !== undefined) d.ex.after = { ...after, phase: 'done' };
}

export function driveScope(d: Draft, id: string | undefined): void {
  for (let guard = 0; guard < 10_000; guard++) {
    const memo = memoOf(d, id);
    if (memo === undefined) return;
    if (memo.phase === 'main') {
      if (memo.hold !== undefined || memo.plan === undefined) return;
      const outcome = runPlan(d, id, memo.plan, blocked(d));
      if (outcome === undefined) return;
      if (id === undefined) endMain(d, undefined, outcome);
      else signalFlowable(d, id, { kind: 'childrenDone', state: outcome });
      continue;
    }
    if (memo.phase === 'errors' || memo.phase === 'finally') {
      const outcome = runPlan(d, id, chain(handlerIds(d, id, memo.phase)), blocked(d));
      if (outcome === undefined) return;
      if (memo.phase === 'errors') d.patchScope(id, { phase: 'finally' });
      else settleScope(d, id, worst([memo.mainState ?? 'SUCCESS', outcome]));
      continue;
    }
    return;
  }
  throw new Error('engine: a scope did not settle (internal error)');
}

/** New task runs wait while the execution is paused by hand or is being ended. */
function blocked(d: Draft): boolean {
  return d.ex.paused === true || d.ex.ending !== undefined;
}

function settleScope(d: Draft, id: string | undefined, state: StateName): void {
  if (id === undefined) {
    flowEnd(d, state, { immediate: false });
    return;
  }
  const run = d.get(id)!;
  const task = d.index.get(run.taskId)?.task ?? {};
  d.patchScope(id, { phase: 'done' });
  d.setState(id, tolerate(state, task));
  d.clearTimers(id);
}

function runKey(taskId: string, value: string | undefined, iteration: number | undefined): string {
  return `${taskId}\u0000${value ?? ''}\u0000${iteration ?? ''}`;
}

/**
 * Start what `plan` allows and report its outcome: the worst child state once every item ended, or
 * once a failure stopped it and nothing runs any more; undefined while work remains.
 */
export function runPlan(
  d: Draft,
  parentId: string | undefined,
  plan: Plan,
  isBlocked: boolean,
): StateName | undefined {
  const parent = parentId === undefined ? undefined : d.get(parentId);
  const byKey = new Map<string, TaskRun>();
  for (const c of d.children(parentId)) byKey.set(runKey(c.taskId, c.value, c.iteration), c);
  const runs = plan.items.map((it) => byKey.get(runKey(it.taskId, it.value ?? parent?.value, it.iteration)));

  for (let i = 0; i < runs.length; i++) {
    const r = runs[i];
    if (r?.scope !== undefined && !isTerminal(r.state)) {
      driveScope(d, r.id);
      runs[i] = d.get(r.id);
    }
  }

  let active = 0;
  let stopped = false;
  for (const r of runs) {
    if (r === undefined || startable(r)) continue;
    if (!isTerminal(r.state)) active++;
    else if (isStopping(r.state)) stopped = true;
  }

  for (let progress = true; progress && !stopped && !isBlocked; ) {
    progress = false;
    for (let i = 0; i < plan.items.length; i++) {
      if (plan.concurrency > 0 && active >= plan.concurrency) break;
      const existing = runs[i];
      if (existing !== undefined && !startable(existing)) continue;
      const item = plan.items[i]!;
      if (!depsMet(item, runs)) continue;
      const run = existing ?? createRun(d, parent, item);
      beginRun(d, run.id);
      const now = d.get(run.id)!;
      runs[i] = now;
      progress = true;
      if (!isTerminal(now.state)) active++;
      else if (isStopping(now.state)) {
        stopped = true;
        break;
      }
    }
  }

  if (active > 0) return undefined;
  const ended = runs.filter((r): r is TaskRun => r !== undefined && isTerminal(r.state));
  if (stopped || ended.length === runs.length) return worst(ended.map((r) => r.state));
  return undefined;
}

/** A task run created (or restarted) that has not begun and is not waiting for a render. */
function startable(r: TaskRun): boolean {
  return (r.state === 'CREATED' || r.state === 'RESTARTED') && r.awaiting === undefined;
}

function depsMet(item: PlanItem, runs: ReadonlyArray<TaskRun | undefined>): boolean {
  for (const j of item.after) {
    const dep = runs[j];
    if (dep === undefined || !isTerminal(dep.state) || !isPassing(dep.state)) return false;
  }
  return true;
}
