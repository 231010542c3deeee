/**
 * A new execution (CREATED) and the concurrency decision taken before it starts. Inputs arrive
 * already parsed and validated by the executor; ids and times come from the caller.
 */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { labelList } from '../../../flows-schema/src/schema/primitives.ts';
import { labelValue, mergeLabels } from './labels.ts';
import type { ExecutionState, Label } from './types.ts';

export interface NewExecution {
  id: string;
  now: number;
  inputs?: Record<string, unknown>;
  labels?: Label[];
  trigger?: ExecutionState['trigger'];
  parentId?: string;
  originalId?: string;
  source?: ExecutionState['source'];
  /**
   * Inherited from a parent execution; else a `system.correlationId` label passed at creation (a
   * Flow trigger propagates the triggering execution's, as Kestra does); else this execution's id.
   */
  correlationId?: string;
  attemptNumber?: number;
}

export function createExecution(flow: Flow, init: NewExecution): ExecutionState {
  const labels = mergeLabels(mergeLabels(labelList(flow.labels), init.labels ?? []), [
    {
      key: 'system.correlationId',
      value: init.correlationId ?? labelValue(init.labels ?? [], 'system.correlationId') ?? init.id,
    },
  ]);
  return {
    id: init.id,
    namespace: flow.namespace,
    flowId: flow.id,
    ...(flow.revision !== undefined ? { flowRevision: flow.revision } : {}),
    state: 'CREATED',
    histories: [{ state: 'CREATED', at: init.now }],
    taskRuns: [],
    inputs: init.inputs ?? {},
    ...secretInputsOf(flow),
    labels,
    ...(init.trigger ? { trigger: init.trigger } : {}),
    ...(init.parentId ? { parentId: init.parentId } : {}),
    ...(init.originalId ? { originalId: init.originalId } : {}),
    ...(init.source ? { source: init.source } : {}),
    attemptNumber: init.attemptNumber ?? 1,
    root: { phase: 'main' },
    timers: [],
  };
}

export type Admission = 'RUN' | 'QUEUE' | 'CANCEL' | 'FAIL';

/** What to do with a new execution given how many of the flow's executions are already running. */
export function admit(flow: Flow, running: number): Admission {
  const c = flow.concurrency;
  if (c === undefined || running < c.limit) return 'RUN';
  return c.behavior ?? 'QUEUE';
}

function secretInputsOf(flow: Flow): { secretInputs?: string[] } {
  const ids = (flow.inputs ?? []).filter((i) => i.type === 'SECRET').map((i) => i.id);
  return ids.length > 0 ? { secretInputs: ids } : {};
}
