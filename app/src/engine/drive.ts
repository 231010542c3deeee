/**
 * Advancing an execution after an event: every active scope, innermost first, starts the children
 * its plan allows, and a scope whose children are all done moves to its next phase. One pass from the
 * flow down is enough, because a scope settles before its parent looks at it.
 */

import { beginRun, createRun } from './begin.ts';
import { chain } from './behaviours/lists.ts';
import { signalFlowable } from './decide.ts';
import { type Draft, runKey } from './draft.ts';
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
      const outcome = runPlan(d, id, chain(handlerIds(d, id, memo.phase)), blocked(d), false);
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

/** Plans whose items each wait for the one before: only the first unsettled item can move. */
const chains = new WeakMap<Plan, boolean>();

function isChain(plan: Plan): boolean {
  let known = chains.get(plan);
  if (known === undefined) {
    known = plan.items.every((it, i) =>
      i === 0 ? it.after.length === 0 : it.after.length === 1 && it.after[0] === i - 1,
    );
    chains.set(plan, known);
  }
  return known;
}

/** Stands for the items of a plan's settled prefix: ended in a passing state. */
const SETTLED = { state: 'SUCCESS' } as TaskRun;

/**
 * Start what `plan` allows and report its outcome: the worst child state once every item ended, or
 * once a failure stopped it and nothing runs any more; undefined while work remains.
 *
 * Cost: the items before the plan's settled prefix (remembered per execution version) are not
 * looked at again, and a chain stops at its first item that has not been created, so a step costs
 * O(items still open), not O(task runs).
 */
export function runPlan(
  d: Draft,
  parentId: string | undefined,
  plan: Plan,
  isBlocked: boolean,
  remember = true,
): StateName | undefined {
  const parent = parentId === undefined ? undefined : d.get(parentId);
  const known = remember ? d.progress(plan) : undefined;
  const from = known?.prefix ?? 0;
  const linear = isChain(plan);
  const n = plan.items.length;
  // Runs of the items from `from` on; the settled prefix reads as SETTLED without being copied.
  const open: Array<TaskRun | undefined> = [];
  const at = (i: number): TaskRun | undefined => (i < from ? SETTLED : open[i - from]);
  // Items from `end` on have no run yet: a chain stops at its first item without one, and any plan
  // once every child of the scope is accounted for (the count may include runs of other lists).
  let end = n;
  let unseen = d.childCount(parentId) - from;
  for (let i = from; i < n; i++) {
    if (unseen <= 0) {
      end = i;
      break;
    }
    const it = plan.items[i]!;
    const r = d.childByKey(parentId, runKey(it.taskId, it.value ?? parent?.value, it.iteration));
    open.push(r);
    if (r !== undefined) unseen--;
    else if (linear) {
      end = i + 1;
      break;
    }
  }

  for (let i = from; i < end; i++) {
    const r = at(i);
    if (r?.scope !== undefined && !isTerminal(r.state)) {
      driveScope(d, r.id);
      open[i - from] = d.get(r.id);
    }
  }

  let active = 0;
  let stopped = false;
  for (let i = from; i < end; i++) {
    const r = at(i);
    if (r === undefined || startable(r)) continue;
    if (!isTerminal(r.state)) active++;
    else if (isStopping(r.state)) stopped = true;
  }

  for (let progress = true; progress && !stopped && !isBlocked; ) {
    progress = false;
    for (let i = from; i < n; i++) {
      if (plan.concurrency > 0 && active >= plan.concurrency) break;
      // A chain's next item may start once the one before it has passed; nothing after it can.
      if (linear && i >= end && (i !== end || at(i - 1) === undefined)) break;
      const existing = at(i);
      if (existing !== undefined && !startable(existing)) continue;
      const item = plan.items[i]!;
      if (!depsMet(item, at)) {
        if (linear) break;
        continue;
      }
      const run = existing ?? createRun(d, parent, item);
      beginRun(d, run.id);
      const now = d.get(run.id)!;
      open[i - from] = now;
      if (i >= end) end = i + 1;
      progress = true;
      if (!isTerminal(now.state)) active++;
      else if (isStopping(now.state)) {
        stopped = true;
        break;
      }
    }
  }

  // Extend the settled prefix over the items that ended passing.
  let prefix = from;
  let prefixWorst = known?.worst ?? 'SUCCESS';
  while (prefix < n) {
    const r = at(prefix);
    if (r === undefined || !isTerminal(r.state) || !isPassing(r.state)) break;
    prefixWorst = worst([prefixWorst, r.state]);
    prefix++;
  }
  if (remember && prefix > from) d.setProgress(plan, { prefix, worst: prefixWorst });

  if (active > 0) return undefined;
  if (prefix === n) return prefixWorst;
  const ended: StateName[] = [prefixWorst];
  let count = prefix;
  for (let i = prefix; i < Math.min(end, n); i++) {
    const r = at(i);
    if (r !== undefined && isTerminal(r.state)) {
      ended.push(r.state);
      count++;
    }
  }
  if (stopped || count === n) return worst(ended);
  return undefined;
}

/** A task run created (or restarted) that has not begun and is not waiting for a render. */
function startable(r: TaskRun): boolean {
  return (r.state === 'CREATED' || r.state === 'RESTARTED') && r.awaiting === undefined;
}

function depsMet(item: PlanItem, at: (i: number) => TaskRun | undefined): boolean {
  for (const j of item.after) {
    const dep = at(j);
    if (dep === undefined || !isTerminal(dep.state) || !isPassing(dep.state)) return false;
  }
  return true;
}
