/**
 * Restart: a FAILED execution runs again from its failed task runs, in place. Each failed leaf (a
 * failed task run without a failed child, outside `errors` handlers) gets a new attempt; its
 * enclosing flowables go back to RUNNING; the `errors`/`finally` runs of those scopes and the
 * afterExecution runs are dropped so they run again at the end.
 */
import type { Draft } from './draft.ts';
import type { ScopeMemo, TaskRun } from './types.ts';

const RESTARTABLE = new Set(['FAILED', 'KILLED']);

export function restart(d: Draft): boolean {
  const ex = d.ex;
  if (ex.state !== 'FAILED') return false;
  const runs = ex.taskRuns;
  const byId = new Map(runs.map((r) => [r.id, r]));
  const branch = (r: TaskRun) => d.index.get(r.taskId)?.branch ?? 'main';
  const inErrors = (r: TaskRun): boolean => {
    for (let x: TaskRun | undefined = r; x; x = x.parentId ? byId.get(x.parentId) : undefined)
      if (branch(x) === 'errors') return true;
    return false;
  };
  const leaves = runs.filter(
    (r) =>
      RESTARTABLE.has(r.state) &&
      branch(r) !== 'afterExecution' &&
      !inErrors(r) &&
      !runs.some((c) => c.parentId === r.id && RESTARTABLE.has(c.state)),
  );
  // Scopes on the way to a leaf, with the phase they return to.
  const scopes = new Map<string | undefined, ScopeMemo['phase']>();
  const keep = new Set<string>();
  for (const leaf of leaves) {
    keep.add(leaf.id);
    for (let child = leaf; ; ) {
      const parentId = child.parentId;
      const phase = branch(child) === 'finally' ? 'finally' : 'main';
      if (scopes.get(parentId) !== 'main') scopes.set(parentId, phase);
      if (parentId === undefined) break;
      keep.add(parentId);
      child = byId.get(parentId)!;
    }
  }
  const drop = new Set<string>();
  const dropTree = (r: TaskRun) => {
    drop.add(r.id);
    for (const c of runs) if (c.parentId === r.id) dropTree(c);
  };
  for (const r of runs) {
    const b = branch(r);
    const handler = (b === 'errors' || b === 'finally') && scopes.has(r.parentId) && !keep.has(r.id);
    if (handler || (b === 'afterExecution' && r.parentId === undefined)) dropTree(r);
  }
  d.remove(drop);

  d.setExecutionState('RESTARTED');
  for (const [id, phase] of scopes) {
    if (id !== undefined) d.setState(id, 'RUNNING');
    const memo =
      phase === 'main' ? { phase, mainState: undefined, hold: undefined } : { phase, hold: undefined };
    d.patchScope(id, memo);
  }
  for (const leaf of leaves) d.setState(leaf.id, 'RESTARTED', { scope: undefined, awaiting: undefined });
  for (const key of ['outputs', 'after', 'ending', 'retryExecution', 'paused'] as const) delete ex[key];
  d.setExecutionState('RUNNING');
  return true;
}
