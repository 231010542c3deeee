/**
 * The engine's execution state as the REST-shaped `ExecutionDocument` of the contract (ISO dates,
 * Kestra's field names). Engine bookkeeping (scopes, timers) stays out of the document.
 */
import { isoDuration } from '../../../flows-schema/src/time.ts';
import type { ExecutionState, History, TaskRun } from '../engine/index.ts';
import { isTerminal } from '../engine/index.ts';
import type { ExecutionDocument, StateDocument, TaskRunDocument } from './contract.ts';
import { inputValue, setInputValue } from './inputs/parse-inputs.ts';

const cache = new WeakMap<ExecutionState, ExecutionDocument>();
/**
 * The engine replaces only the task runs a step changes, so the document of an unchanged task run
 * is reused: a step costs O(changed runs) here, not O(all runs) (a ForEach over thousands of values
 * would otherwise spend its time re-printing dates).
 */
const runCache = new WeakMap<TaskRun, TaskRunDocument>();

function stateDocument(histories: readonly History[], current: History['state']): StateDocument {
  const start = histories[0]?.at;
  const last = histories.at(-1)?.at;
  const done = isTerminal(current);
  return {
    current,
    histories: histories.map((h) => ({ state: h.state, date: new Date(h.at).toISOString() })),
    ...(start !== undefined ? { startDate: new Date(start).toISOString() } : {}),
    ...(done && last !== undefined ? { endDate: new Date(last).toISOString() } : {}),
    ...(done && start !== undefined && last !== undefined ? { duration: isoDuration(last - start) } : {}),
  };
}

function taskRunDocument(ex: ExecutionState, r: TaskRun): TaskRunDocument {
  const cached = runCache.get(r);
  // A replay copies task runs into a new execution: the cached document names the old one.
  if (cached !== undefined && cached.executionId === ex.id) return cached;
  const doc = buildTaskRunDocument(ex, r);
  runCache.set(r, doc);
  return doc;
}

function buildTaskRunDocument(ex: ExecutionState, r: TaskRun): TaskRunDocument {
  return {
    id: r.id,
    executionId: ex.id,
    namespace: ex.namespace,
    flowId: ex.flowId,
    taskId: r.taskId,
    ...(r.parentId !== undefined ? { parentTaskRunId: r.parentId } : {}),
    ...(r.value !== undefined ? { value: r.value } : {}),
    state: stateDocument(r.histories, r.state),
    attempts: r.attempts.map((a) => ({ state: stateDocument(a.histories, a.state) })),
    ...(r.outputs !== undefined ? { outputs: r.outputs } : {}),
  };
}

export function toDocument(ex: ExecutionState): ExecutionDocument {
  const cached = cache.get(ex);
  if (cached) return cached;
  const doc: ExecutionDocument = {
    id: ex.id,
    namespace: ex.namespace,
    flowId: ex.flowId,
    ...(ex.flowRevision !== undefined ? { flowRevision: ex.flowRevision } : {}),
    state: stateDocument(ex.histories, ex.state),
    taskRunList: ex.taskRuns.map((r) => taskRunDocument(ex, r)),
    inputs: maskedInputs(ex),
    ...(ex.outputs !== undefined ? { outputs: ex.outputs } : {}),
    labels: ex.labels,
    ...(ex.trigger !== undefined ? { trigger: ex.trigger } : {}),
    ...(ex.parentId !== undefined ? { parentId: ex.parentId } : {}),
    ...(ex.originalId !== undefined ? { originalId: ex.originalId } : {}),
    metadata: {
      attemptNumber: ex.attemptNumber,
      ...(ex.histories[0] !== undefined
        ? { originalCreatedDate: new Date(ex.histories[0].at).toISOString() }
        : {}),
    },
    ...(ex.source !== undefined ? { source: ex.source } : {}),
  };
  cache.set(ex, doc);
  return doc;
}

/** SECRET inputs are never shown: the engine keeps the value for rendering, documents show `******`. */
function maskedInputs(ex: ExecutionState): Record<string, unknown> {
  if (ex.secretInputs === undefined) return ex.inputs;
  const out = structuredClone(ex.inputs);
  for (const id of ex.secretInputs) if (inputValue(out, id) !== undefined) setInputValue(out, id, '******');
  return out;
}
