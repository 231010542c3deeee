/**
 * An execution as a check run, with no I/O: status from the state (queued → in_progress →
 * completed), conclusion (SUCCESS → success, WARNING → neutral, FAILED → failure, KILLED / CANCELLED
 * → cancelled), title, and the allow-listed fields the `execution` summary template sees.
 */
import type { StateName } from '../../../../flows-schema/src/schema/primitives.ts';
import { parseDuration } from '../../../../flows-schema/src/time.ts';
import { isTerminal } from '../../engine/states.ts';
import type { ExecutionDocument, LogEntry, StateDocument } from '../../execution/contract.ts';
import type { CheckConclusion, CheckStatus } from '../checks/check-runs.ts';

const QUEUED: ReadonlySet<StateName> = new Set(['CREATED', 'QUEUED']);
const CONCLUSIONS: Partial<Record<StateName, CheckConclusion>> = {
  SUCCESS: 'success',
  WARNING: 'neutral',
  FAILED: 'failure',
  KILLED: 'cancelled',
  CANCELLED: 'cancelled',
  SKIPPED: 'skipped',
  RETRIED: 'neutral',
};

export function checkStatusOf(state: StateName): CheckStatus {
  if (QUEUED.has(state)) return 'queued';
  return isTerminal(state) ? 'completed' : 'in_progress';
}

export function conclusionOf(state: StateName): CheckConclusion | undefined {
  return CONCLUSIONS[state];
}

export interface ExecutionView {
  name: string;
  id: string;
  state: string;
  duration: string;
  repository: string;
  sha: string;
  path: string;
  trigger: string;
  tasks: Array<{ id: string; state: string; duration: string; attempts: number }>;
  moreTasks: number;
  outputs: string;
  errorLogs: Array<{ task: string; time: string; message: string }>;
  detailsUrl: string;
}

const MAX_TASK_ROWS = 200;
const MAX_OUTPUT_CHARS = 20_000;
const MAX_ERROR_LOGS = 30;

export function executionView(
  doc: ExecutionDocument,
  logs: readonly LogEntry[],
  detailsUrl: string | undefined,
  now: number,
): ExecutionView {
  const rows = doc.taskRunList.map((t) => ({
    id: t.value !== undefined ? `${t.taskId} [${t.value}]` : t.taskId,
    state: t.state.current,
    duration: formatDuration(durationMs(t.state, now)),
    attempts: t.attempts.length,
  }));
  const outputs =
    doc.outputs !== undefined && Object.keys(doc.outputs).length > 0
      ? JSON.stringify(doc.outputs, null, 2)
      : '';
  const errors = logs.filter((l) => l.level === 'ERROR').slice(-MAX_ERROR_LOGS);
  return {
    name: `${doc.namespace}.${doc.flowId}`,
    id: doc.id,
    state: doc.state.current,
    duration: formatDuration(durationMs(doc.state, now)),
    repository: doc.source?.repository ?? '',
    sha: doc.source?.sha ?? '',
    path: doc.source?.path ?? '',
    trigger: doc.trigger ? `${doc.trigger.id} (${doc.trigger.type})` : '',
    tasks: rows.slice(0, MAX_TASK_ROWS),
    moreTasks: Math.max(0, rows.length - MAX_TASK_ROWS),
    outputs: outputs.length > MAX_OUTPUT_CHARS ? `${outputs.slice(0, MAX_OUTPUT_CHARS)}\n… (cut)` : outputs,
    errorLogs: errors.map((l) => ({ task: l.taskId ?? '', time: l.timestamp, message: l.message })),
    detailsUrl: detailsUrl ?? '',
  };
}

export function executionTitle(doc: ExecutionDocument, now: number): string {
  const state = doc.state.current;
  const duration = formatDuration(durationMs(doc.state, now));
  if (isTerminal(state)) return duration ? `${state} in ${duration}` : state;
  if (QUEUED.has(state)) return state;
  const done = doc.taskRunList.filter((t) => isTerminal(t.state.current)).length;
  return `${state}: ${done} of ${doc.taskRunList.length} task runs done`;
}

export function startedAt(state: StateDocument): string | undefined {
  return state.startDate ?? state.histories[0]?.date;
}

export function endedAt(state: StateDocument): string | undefined {
  if (!isTerminal(state.current)) return undefined;
  return state.endDate ?? state.histories.at(-1)?.date;
}

function durationMs(state: StateDocument, now: number): number | undefined {
  if (state.duration !== undefined) {
    const ms = parseDuration(state.duration);
    if (ms !== undefined) return ms;
  }
  const start = startedAt(state);
  if (start === undefined) return undefined;
  const end = endedAt(state);
  return (end !== undefined ? Date.parse(end) : now) - Date.parse(start);
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return `${minutes}m ${seconds}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
