/**
 * The task runs of an execution as an indented tree (children under the task run that started
 * them, loop values shown), with state and duration: what both progress views print.
 */
import { TERMINAL as ENGINE_TERMINAL } from '../../../../app/src/engine/states.ts';
import type {
  ExecutionDocument,
  StateDocument,
  TaskRunDocument,
} from '../../../../app/src/execution/contract.ts';

export interface TreeRow {
  taskRunId: string;
  depth: number;
  /** `taskId` or `taskId [value]`. */
  label: string;
  state: string;
  /** Elapsed time in ms (so far, for a running task run); undefined before it starts. */
  elapsedMs: number | undefined;
}

export function taskTree(execution: ExecutionDocument, now: number = Date.now()): TreeRow[] {
  const children = new Map<string | undefined, TaskRunDocument[]>();
  const ids = new Set(execution.taskRunList.map((t) => t.id));
  for (const run of execution.taskRunList) {
    // A parent not (yet) in the list: show the run at the top rather than lose it.
    const parent =
      run.parentTaskRunId !== undefined && ids.has(run.parentTaskRunId) ? run.parentTaskRunId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), run]);
  }
  const rows: TreeRow[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    for (const run of children.get(parent) ?? []) {
      rows.push({
        taskRunId: run.id,
        depth,
        label: labelOf(run),
        state: run.state.current,
        elapsedMs: elapsed(run.state, now),
      });
      visit(run.id, depth + 1);
    }
  };
  visit(undefined, 0);
  return rows;
}

export function labelOf(run: Pick<TaskRunDocument, 'taskId' | 'value'>): string {
  return run.value === undefined || run.value === '' ? run.taskId : `${run.taskId} [${run.value}]`;
}

const WAITING = new Set(['CREATED', 'QUEUED']);

/** From the first non-waiting state to the end (or now). */
export function elapsed(state: StateDocument, now: number): number | undefined {
  const started = state.histories.find((h) => !WAITING.has(h.state))?.date ?? state.startDate;
  if (started === undefined) return undefined;
  const end = state.endDate ?? (TERMINAL.has(state.current) ? state.histories.at(-1)?.date : undefined);
  return Math.max(0, (end === undefined ? now : Date.parse(end)) - Date.parse(started));
}

/** The engine's terminal states, for state names read as text (documents, API answers). */
export const TERMINAL: ReadonlySet<string> = ENGINE_TERMINAL;

/** `0.12s`, `3.4s`, `1m05s`, `2h03m`. */
export function formatElapsed(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
