/**
 * A Flow trigger meeting an execution that reached a terminal state, in two steps: `matchFlowTrigger`
 * (outside any lock: states, conditions and which preconditions the execution meets, with
 * expressions) and `stepFlowTrigger` (under the trigger's lock, pure: each execution transition is
 * counted once, the precondition window advances, and it says whether to fire).
 *
 * As in Kestra, a flow never triggers itself: its own executions are ignored by its Flow triggers.
 */
import type { ExecutionDocument } from '../execution/contract.ts';
import type { CompiledFlowTrigger } from './compile-trigger.ts';
import { allPass } from './conditions.ts';
import { advancePreconditions, matchedConditions, type PreconditionState } from './preconditions.ts';
import type { Zone } from './time-zone.ts';
import type { TriggerKey } from './types.ts';

export interface FlowTriggerState {
  preconditions?: PreconditionState;
  /** Execution transitions already counted (`<id>@<history length>`), newest last. */
  seen?: string[];
}

export interface FlowTriggerMatch {
  /** The `trigger.*` variables of the execution to start. */
  variables: FlowTriggerVariables;
  /** Precondition conditions this execution meets. */
  matched: string[];
  /** What expressions in inputs and labels see besides `trigger`. */
  context: Record<string, unknown>;
}

export interface FlowTriggerVariables {
  executionId: string;
  namespace: string;
  flowId: string;
  flowRevision: number | null;
  state: string;
  executionLabels: Record<string, string>;
  startDate: string | null;
  endDate: string | null;
  outputs: Record<string, unknown>;
  [key: string]: unknown;
}

/** Transitions remembered for de-duplication across replicas. */
const SEEN_LIMIT = 200;

/** One terminal transition of an execution (a restarted execution ends again with a longer history). */
export function transitionOf(ex: ExecutionDocument): string {
  return `${ex.id}@${ex.state.histories.length}`;
}

export function flowTriggerVariables(ex: ExecutionDocument): FlowTriggerVariables {
  return {
    executionId: ex.id,
    namespace: ex.namespace,
    flowId: ex.flowId,
    flowRevision: ex.flowRevision ?? null,
    state: ex.state.current,
    executionLabels: Object.fromEntries(
      ex.labels.filter((l) => l.key !== 'system.correlationId').map((l) => [l.key, l.value]),
    ),
    startDate: ex.state.startDate ?? null,
    endDate: ex.state.endDate ?? null,
    outputs: ex.outputs ?? {},
  };
}

/** Variables of expressions about the execution that ended: its flow, its task outputs, its labels. */
function expressionContext(ex: ExecutionDocument, trigger: FlowTriggerVariables): Record<string, unknown> {
  const taskOutputs: Record<string, unknown> = {};
  for (const run of ex.taskRunList) if (run.outputs !== undefined) taskOutputs[run.taskId] = run.outputs;
  return {
    flow: { namespace: ex.namespace, id: ex.flowId, revision: ex.flowRevision ?? null },
    execution: { id: ex.id, state: ex.state.current, startDate: ex.state.startDate ?? null },
    inputs: ex.inputs,
    outputs: taskOutputs,
    labels: Object.fromEntries(ex.labels.map((l) => [l.key, l.value])),
    trigger,
  };
}

export async function matchFlowTrigger(
  compiled: CompiledFlowTrigger,
  owner: TriggerKey,
  ex: ExecutionDocument,
  zone: Zone,
  now: number,
): Promise<FlowTriggerMatch | undefined> {
  if (ex.namespace === owner.namespace && ex.flowId === owner.flowId) return undefined;
  if (!compiled.states.has(ex.state.current)) return undefined;
  const variables = flowTriggerVariables(ex);
  const context = expressionContext(ex, variables);
  if (!(await allPass(compiled.conditions, { at: now, zone, variables: context, execution: ex })))
    return undefined;
  const p = compiled.preconditions;
  if (p === undefined) return { variables, matched: [], context };
  const matched = await matchedConditions(p, ex, context);
  if (matched.length === 0 && p.conditions.length > 0) return undefined;
  return { variables, matched, context };
}

export interface FlowTriggerStep {
  state: FlowTriggerState;
  /** Present when the flow must start: `trigger.outputs` merged from the executions of the window. */
  fire?: { outputs: Record<string, unknown> };
}

/** Under the trigger's lock. Undefined when this transition was already counted. */
export function stepFlowTrigger(
  compiled: CompiledFlowTrigger,
  state: FlowTriggerState,
  match: FlowTriggerMatch,
  ex: ExecutionDocument,
  now: number,
  zone: Zone,
): FlowTriggerStep | undefined {
  const transition = transitionOf(ex);
  if (state.seen?.includes(transition)) return undefined;
  const seen = [...(state.seen ?? []), transition].slice(-SEEN_LIMIT);
  const p = compiled.preconditions;
  if (p === undefined) return { state: { ...state, seen }, fire: { outputs: ex.outputs ?? {} } };
  const step = advancePreconditions(p, state.preconditions, match.matched, ex, now, zone);
  return {
    state: { preconditions: step.state, seen },
    ...(step.fire ? { fire: { outputs: step.outputs } } : {}),
  };
}
