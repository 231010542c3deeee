/**
 * A scope is the flow itself (id undefined) or one flowable task run: both run a main phase, then
 * `errors` after a failure, then `finally`. These helpers hide which of the two a scope is.
 */
import { enabledIds } from './behaviours/lists.ts';
import type { Draft } from './draft.ts';
import type { StateName } from './states.ts';
import type { ScopeMemo } from './types.ts';

export function memoOf(d: Draft, id: string | undefined): ScopeMemo | undefined {
  return id === undefined ? d.ex.root : d.get(id)?.scope;
}

/** Enabled task ids of a scope's `errors` or `finally` list. */
export function handlerIds(d: Draft, id: string | undefined, list: 'errors' | 'finally'): string[] {
  if (id === undefined) return d.index.lists[list];
  const task = d.index.get(d.get(id)!.taskId)?.task;
  return enabledIds(task?.[list]);
}

/** Record the main phase's outcome and move on to `errors` (after a failure) or `finally`. */
export function endMain(d: Draft, id: string | undefined, state: StateName): void {
  const errors = state === 'FAILED' && handlerIds(d, id, 'errors').length > 0;
  d.patchScope(id, { phase: errors ? 'errors' : 'finally', mainState: state, hold: undefined });
}
