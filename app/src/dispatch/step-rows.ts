/** An engine state as the columns of its `executions` row (lookups and lists read the copies). */
import type { Flow } from '../../../flows-schema/src/schema/flow.ts';
import { type ExecutionState, isFinished } from '../engine/index.ts';
import type { StepInsert } from '../storage/execution-steps.ts';

/** When the execution finished (its last history entry), for `ended_at`. */
export function endedAt(ex: ExecutionState, now: Date): Date | undefined {
  if (!isFinished(ex)) return undefined;
  const at = ex.histories.at(-1)?.at;
  return at === undefined ? now : new Date(at);
}

export function stepInsert(ex: ExecutionState, flow: Flow, now: Date): StepInsert {
  return {
    id: ex.id,
    namespace: ex.namespace,
    flowId: ex.flowId,
    flowRevision: ex.flowRevision,
    state: ex.state,
    repository: ex.source?.repository,
    sha: ex.source?.sha,
    parentId: ex.parentId,
    document: ex,
    flow,
    endedAt: endedAt(ex, now),
  };
}
