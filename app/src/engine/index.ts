/**
 * The execution engine: a pure state machine. `step(execution, flow, event, env)` returns the next
 * execution state, the commands for the executor (run a job, render templates, arm a timer, start
 * a subflow) and engine log lines. See README.md for the states and transitions.
 */

export { behaviourOf } from './behaviours/registry.ts';
export type { BehaviourContext, Decision, FlowableBehaviour, Signal } from './behaviours/types.ts';
export { type Admission, admit, createExecution, type NewExecution } from './create.ts';
export { findTaskRun } from './draft.ts';
export { type FlowIndex, type IndexedTask, indexFlow } from './flow-index.ts';
export { labelValue, mergeLabels } from './labels.ts';
export { outputsOf, parentsOf, taskStatesOf } from './outputs.ts';
export { replayExecution } from './replay.ts';
export { isRestartable } from './restart.ts';
export { isTerminal, type StateName, TERMINAL, worst } from './states.ts';
export { step } from './step.ts';
export { isTruthy } from './truthy.ts';
export type * from './types.ts';

import { isTerminal } from './states.ts';
import type { ExecutionState } from './types.ts';

/** Terminal, and its afterExecution tasks are done: nothing will change any more. */
export function isFinished(ex: ExecutionState): boolean {
  return isTerminal(ex.state) && (ex.after === undefined || ex.after.phase === 'done');
}
