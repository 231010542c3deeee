/**
 * Restart, as Kestra does it: a FAILED or KILLED execution runs again from its failed task runs, in
 * place (same id, attempt number + 1, label `system.restarted: true`). Each failed leaf (a FAILED or
 * KILLED task run without such a child, outside `errors` handlers) becomes RESTARTED and gets a new
 * attempt when it runs; its enclosing flowables go back to RUNNING, except a WorkingDirectory, which
 * is restarted as a whole (its children are dropped: their files were in the folder that is gone).
 * The `errors`/`finally` runs of those scopes and the afterExecution runs are dropped so they run
 * again at the end. What succeeded keeps its state, outputs and attempts.
 */
import type { Draft } from './draft.ts';
import { mergeLabels } from './labels.ts';
import type { ScopeMemo, TaskRun } from './types.ts';

const RESTARTABLE: ReadonlySet<string> = new Set(['FAILED', 'KILLED']);
export const RESTARTED_LABEL = { key: 'system.restarted', value: 'true' } as const;

/** An execution in this state can be restarted. */
export function isRestartable(state: string): boolean {
  return RESTARTABLE.has(state);
}

export function restart(d: Draft): boolean {
  const ex = d.ex;
  if (!isRestartable(ex.state)) return false;
  const runs = ex.taskRuns;
  const byId = new Map(runs.map((r) => [r.id, r]));
  const parentOf = (r: TaskRun) => (r.parentId ? byId.get(r.parentId) : undefined);
  const branch = (r: TaskRun) => d.index.get(r.taskId)?.branch ?? 'main';
  const inErrors = (r: TaskRun): boolean => {
    for (let x: TaskRun | undefined = r; x; x = parentOf(x)) if (branch(x) === 'errors') return true;
    return false;
  };
  const failedLeaves = runs.filter(
    (r) =>
      RESTARTABLE.has(r.state) &&
      branch(r) !== 'afterExecution' &&
      !inErrors(r) &&
      !runs.some((c) => c.parentId === r.id && RESTARTABLE.has(c.state)),
  );
  if (failedLeaves.length === 0) return false;
  // A leaf inside a WorkingDirectory restarts the outermost WorkingDirectory around it.
  const leaves = new Map<string, TaskRun>();
  for (const leaf of failedLeaves) {
    let at = leaf;
    for (let p = parentOf(leaf); p; p = parentOf(p))
      if (d.index.get(p.taskId)?.behaviour?.sharesWorkingDirectory) at = p;
    leaves.set(at.id, at);
  }
  // Scopes on the way to a leaf, with the phase they return to.
  const scopes = new Map<string | undefined, ScopeMemo['phase']>();
  const keep = new Set<string>();
  for (const leaf of leaves.values()) {
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
    const insideLeaf = r.parentId !== undefined && leaves.has(r.parentId);
    if (handler || insideLeaf || (b === 'afterExecution' && r.parentId === undefined)) dropTree(r);
  }
  d.remove(drop);

  d.setExecutionState('RESTARTED');
  ex.attemptNumber += 1;
  ex.labels = mergeLabels(ex.labels, [RESTARTED_LABEL]);
  for (const [id, phase] of scopes) {
    if (id !== undefined) d.setState(id, 'RUNNING');
    const memo =
      phase === 'main' ? { phase, mainState: undefined, hold: undefined } : { phase, hold: undefined };
    d.patchScope(id, memo);
  }
  for (const leaf of leaves.values())
    d.setState(leaf.id, 'RESTARTED', { scope: undefined, awaiting: undefined });
  for (const key of ['outputs', 'after', 'ending', 'retryExecution', 'paused'] as const) delete ex[key];
  d.setExecutionState('RUNNING');
  return true;
}
