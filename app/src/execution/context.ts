/**
 * The variables an expression sees, built from the execution state for one task run (or for the
 * execution as a whole at its end). `outputs` and `tasks` are computed on first access and cached per
 * state, so a template that does not use them costs nothing.
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import type { ExecutionState, TaskRun } from '../engine/index.ts';
import { outputsOf, parentsOf, taskStatesOf } from '../engine/index.ts';

export interface Environment {
  name?: string;
  url?: string;
}

const outputsCache = new WeakMap<ExecutionState, Record<string, unknown>>();
const statesCache = new WeakMap<ExecutionState, Record<string, unknown>>();

function cached(
  cache: WeakMap<ExecutionState, Record<string, unknown>>,
  ex: ExecutionState,
  build: () => Record<string, unknown>,
) {
  let v = cache.get(ex);
  if (v === undefined) {
    v = build();
    cache.set(ex, v);
  }
  return v;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function taskrunVars(run: TaskRun) {
  return {
    id: run.id,
    taskId: run.taskId,
    value: run.value ?? null,
    // As in Kestra, the attempts made before the one running: 0 on the first try, 3 on the fourth.
    attemptsCount: run.attempts.filter((a) => a.state !== 'RUNNING').length,
    parentId: run.parentId ?? null,
    startDate: iso(run.histories[0]?.at),
    ...(run.iteration !== undefined ? { iteration: run.iteration } : {}),
  };
}

export function expressionContext(
  ex: ExecutionState,
  flow: Flow,
  run: TaskRun | undefined,
  environment: Environment,
  overrides: { state?: string } = {},
): Record<string, unknown> {
  const parents = run ? parentsOf(ex, run) : [];
  const ctx: Record<string, unknown> = {
    flow: { id: flow.id, namespace: flow.namespace, revision: flow.revision ?? null, tenantId: null },
    execution: {
      id: ex.id,
      startDate: iso(ex.histories[0]?.at),
      state: overrides.state ?? ex.state,
      originalId: ex.originalId ?? ex.id,
    },
    inputs: ex.inputs,
    vars: flow.variables ?? {},
    labels: Object.fromEntries(ex.labels.map((l) => [l.key, l.value])),
    trigger: ex.trigger?.variables ?? {},
    kestra: { environment: environment.name ?? null, url: environment.url ?? null },
  };
  Object.defineProperty(ctx, 'outputs', {
    enumerable: true,
    get: () => cached(outputsCache, ex, () => outputsOf(ex.taskRuns)),
  });
  Object.defineProperty(ctx, 'tasks', {
    enumerable: true,
    get: () => cached(statesCache, ex, () => taskStatesOf(ex.taskRuns)),
  });
  if (run !== undefined) {
    ctx['taskrun'] = taskrunVars(run);
    ctx['task'] = { id: run.taskId };
    const chain = parents.map((p) => ({ taskrun: taskrunVars(p), outputs: p.outputs ?? {} }));
    if (chain[0] !== undefined) ctx['parent'] = chain[0];
    ctx['parents'] = chain;
  }
  return ctx;
}
