/**
 * What `osprey run` shows while an execution runs. On a terminal, a task tree redrawn in place
 * under the log lines; otherwise (CI logs, pipes) plain lines as task runs change state and as log
 * lines arrive, never redrawn.
 */
import { styleText } from 'node:util';
import type { ExecutionDocument, LogEntry } from '../../../../app/src/execution/contract.ts';
import { formatElapsed, labelOf, TERMINAL, taskTree } from './task-tree.ts';

export interface ProgressView {
  update(execution: ExecutionDocument, logs: readonly LogEntry[]): void;
  finish(execution: ExecutionDocument): void;
}

type Out = NodeJS.WriteStream;

const SYMBOL: Record<string, string> = {
  CREATED: '·',
  QUEUED: '·',
  RUNNING: '›',
  PAUSED: '‖',
  RETRYING: '↻',
  RETRIED: '↻',
  SUCCESS: '✔',
  WARNING: '!',
  FAILED: '✖',
  KILLED: '✖',
  KILLING: '✖',
  CANCELLED: '✖',
  SKIPPED: '-',
};

type Style = Parameters<typeof styleText>[0];
const COLOR: Record<string, Style> = {
  RUNNING: 'cyan',
  RETRYING: 'yellow',
  SUCCESS: 'green',
  WARNING: 'yellow',
  FAILED: 'red',
  KILLED: 'red',
  KILLING: 'red',
  CANCELLED: 'red',
  SKIPPED: 'gray',
  PAUSED: 'magenta',
};
const LEVEL_COLOR: Record<string, Style> = { ERROR: 'red', WARN: 'yellow', DEBUG: 'gray', TRACE: 'gray' };

function paint(out: Out, style: Style | undefined, text: string): string {
  return style === undefined ? text : styleText(style, text, { stream: out });
}

function clock(timestamp: string): string {
  const d = new Date(timestamp);
  return Number.isNaN(d.getTime()) ? timestamp : d.toISOString().slice(11, 23);
}

/** One log line as both views print it: time, level, the task run (or the flow), the message. */
export function logLine(out: Out, execution: ExecutionDocument, log: LogEntry): string {
  const run =
    log.taskRunId === undefined ? undefined : execution.taskRunList.find((t) => t.id === log.taskRunId);
  const who = run === undefined ? (log.taskId ?? execution.flowId) : labelOf(run);
  return `${paint(out, 'gray', clock(log.timestamp))} ${paint(out, LEVEL_COLOR[log.level], log.level.padEnd(5))} ${paint(out, 'bold', who)} ${log.message}`;
}

/** Plain lines, in time order: one per state change of a task run or of the execution, one per log line. */
export function plainProgress(out: Out): ProgressView {
  const seen = new Map<string, string>();
  let executionState: string | undefined;
  const update = (execution: ExecutionDocument, logs: readonly LogEntry[]) => {
    const items: Array<{ at: string; line: string }> = [];
    if (execution.state.current !== executionState && !TERMINAL.has(execution.state.current)) {
      executionState = execution.state.current;
      const at = execution.state.histories.at(-1)?.date ?? '';
      items.push({
        at,
        line: `${paint(out, 'gray', clock(at))} Execution ${execution.id} of ${execution.namespace}.${execution.flowId}: ${execution.state.current}`,
      });
    }
    const rows = new Map(taskTree(execution).map((r) => [r.taskRunId, r]));
    for (const run of execution.taskRunList) {
      const row = rows.get(run.id);
      if (row === undefined || seen.get(run.id) === row.state) continue;
      seen.set(run.id, row.state);
      const at = run.state.histories.at(-1)?.date ?? '';
      const took = TERMINAL.has(row.state) ? ` (${formatElapsed(row.elapsedMs)})` : '';
      items.push({
        at,
        line: `${paint(out, 'gray', clock(at))} ${paint(out, COLOR[row.state], row.state.padEnd(9))} ${'  '.repeat(row.depth)}${row.label}${took}`,
      });
    }
    for (const l of logs) items.push({ at: l.timestamp, line: logLine(out, execution, l) });
    // One event can carry several changes and logs; print them in the order they happened (undated first).
    items.sort((a, b) => (Date.parse(a.at) || 0) - (Date.parse(b.at) || 0));
    if (items.length > 0) out.write(`${items.map((i) => i.line).join('\n')}\n`);
  };
  return {
    update,
    finish(execution) {
      update(execution, []);
    },
  };
}

/** A task tree redrawn in place below the log lines, durations ticking while the run goes on. */
export function ttyProgress(out: Out): ProgressView {
  let drawn = 0;
  let last: ExecutionDocument | undefined;
  const tick = setInterval(() => last !== undefined && draw(last, []), 250);
  tick.unref();
  const width = () => Math.max(20, (out.columns || 100) - 1);
  const fit = (text: string) => (text.length > width() ? `${text.slice(0, width() - 1)}…` : text);

  const draw = (execution: ExecutionDocument, logs: readonly LogEntry[]) => {
    last = execution;
    const rows = taskTree(execution);
    const state = execution.state.current;
    const header = `${execution.namespace}.${execution.flowId} · ${execution.id} · `;
    // Each line is cut to the terminal width before painting: a wrapped line would break the erase.
    const tree = [
      paint(out, COLOR[state], fit(`${header}${state}`)),
      ...rows.map((r) =>
        paint(
          out,
          COLOR[r.state],
          fit(
            `${'  '.repeat(r.depth + 1)}${SYMBOL[r.state] ?? '?'} ${r.label}  ${r.state.toLowerCase()} ${formatElapsed(r.elapsedMs)}`,
          ),
        ),
      ),
    ];
    // Move to the first line of the previous tree and clear down, then logs, then the new tree.
    const erase = drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '';
    const logText = logs.map((l) => `${logLine(out, execution, l)}\n`).join('');
    out.write(`${erase}${logText}${tree.join('\n')}\n`);
    drawn = tree.length;
  };
  return {
    update: draw,
    finish(execution) {
      clearInterval(tick);
      draw(execution, []);
    },
  };
}
