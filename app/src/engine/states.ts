/**
 * State names and the few facts the engine needs about them: which are terminal, which count as a
 * success for the next task, and how child outcomes combine into a parent's outcome.
 */
import type { StateName } from '../../../flows-schema/src/schema/primitives.ts';

export type { StateName };

export const TERMINAL: ReadonlySet<StateName> = new Set<StateName>([
  'SUCCESS',
  'WARNING',
  'FAILED',
  'KILLED',
  'CANCELLED',
  'SKIPPED',
  'RETRIED',
]);

/** States after which the next task of a sequence may start. */
const PASSING: ReadonlySet<StateName> = new Set<StateName>(['SUCCESS', 'WARNING', 'SKIPPED']);

/** States that stop a sequence: no sibling starts after them. */
const STOPPING: ReadonlySet<StateName> = new Set<StateName>(['FAILED', 'KILLED', 'CANCELLED', 'RETRIED']);

export function isTerminal(state: StateName): boolean {
  return TERMINAL.has(state);
}

export function isPassing(state: StateName): boolean {
  return PASSING.has(state);
}

export function isStopping(state: StateName): boolean {
  return STOPPING.has(state);
}

/** Higher is worse: the outcome of a group of task runs is its worst member. */
const SEVERITY: Partial<Record<StateName, number>> = {
  SKIPPED: 0,
  SUCCESS: 0,
  WARNING: 1,
  CANCELLED: 2,
  RETRIED: 2,
  FAILED: 3,
  KILLED: 4,
};

export function worst(states: Iterable<StateName>): StateName {
  let out: StateName = 'SUCCESS';
  for (const s of states) if ((SEVERITY[s] ?? 0) > (SEVERITY[out] ?? 0)) out = s;
  return out;
}

/** allowFailure turns FAILED into WARNING, then allowWarning turns WARNING into SUCCESS. */
export function tolerate(
  state: StateName,
  task: { allowFailure?: boolean | undefined; allowWarning?: boolean | undefined },
): StateName {
  let out = state;
  if (out === 'FAILED' && task.allowFailure === true) out = 'WARNING';
  if (out === 'WARNING' && task.allowWarning === true) out = 'SUCCESS';
  return out;
}
