/**
 * Replay: a new execution that keeps what ran before a chosen task run and runs again from it. Kept
 * task runs get new ids; the chosen run, everything created after it and the `errors`/`finally`/
 * afterExecution runs are dropped; the chosen run's enclosing flowables go back to RUNNING.
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { indexFlow } from './flow-index.ts';
import type { ExecutionState, ScopeMemo, StepEnv, TaskRun } from './types.ts';

export function replayExecution(
  source: ExecutionState,
  flow: Flow,
  fromTaskRunId: string | undefined,
  env: StepEnv,
): ExecutionState {
  const index = indexFlow(flow);
  const runs = source.taskRuns;
  const at = fromTaskRunId === undefined ? 0 : runs.findIndex((r) => r.id === fromTaskRunId);
  if (at < 0) throw new Error(`Task run ${fromTaskRunId} is not part of execution ${source.id}`);
  const byId = new Map(runs.map((r) => [r.id, r]));
  const ancestors = new Set<string>();
  for (let p = runs[at]?.parentId; p !== undefined; p = byId.get(p)?.parentId) ancestors.add(p);

  const kept = new Set<string>();
  for (const r of runs.slice(0, at)) {
    const branch = index.get(r.taskId)?.branch ?? 'main';
    if (ancestors.has(r.id) || branch === 'main') kept.add(r.id);
  }
  // A kept run whose parent was dropped cannot stay; a finished flowable that lost a child re-runs.
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of kept) {
      const r = byId.get(id)!;
      const orphan = r.parentId !== undefined && !kept.has(r.parentId);
      const lostChild = !ancestors.has(id) && runs.some((c) => c.parentId === id && !kept.has(c.id));
      if (orphan || lostChild) {
        kept.delete(id);
        changed = true;
      }
    }
  }

  const ids = new Map<string, string>();
  for (const id of kept) ids.set(id, env.newId());
  const taskRuns: TaskRun[] = [];
  for (const r of runs) {
    if (!kept.has(r.id)) continue;
    const copy: TaskRun = { ...r, id: ids.get(r.id)! };
    if (r.parentId !== undefined) copy.parentId = ids.get(r.parentId)!;
    if (ancestors.has(r.id)) {
      copy.state = 'RUNNING';
      copy.histories = [
        ...r.histories,
        { state: 'RESTARTED', at: env.now },
        { state: 'RUNNING', at: env.now },
      ];
      copy.scope = reopen(r.scope);
    }
    taskRuns.push(copy);
  }
  const { outputs: _o, after: _a, ending: _e, retryExecution: _r, paused: _p, ...rest } = source;
  return {
    ...rest,
    id: env.newId(),
    originalId: source.id,
    state: 'RESTARTED',
    histories: [
      { state: 'CREATED', at: env.now },
      { state: 'RESTARTED', at: env.now },
    ],
    taskRuns,
    root: reopen(source.root),
    timers: [],
  };
}

function reopen(scope: ScopeMemo | undefined): ScopeMemo {
  const { mainState: _m, hold: _h, ...rest } = scope ?? { phase: 'main' };
  return { ...rest, phase: 'main' };
}
