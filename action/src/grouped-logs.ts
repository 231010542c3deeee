/**
 * How the Action shows a running execution in the job log: one `::group::` per task run, opened
 * once the task run has ended (title: task, state, duration) with its log lines inside, so
 * parallel tasks never interleave. Lines of the execution itself, and late lines of a task run
 * already shown, are printed as they come.
 */
import type { ExecutionDocument, LogEntry } from '../../app/src/execution/contract.ts';
import { logLine, type ProgressView } from '../../cli/src/commands/run/progress.ts';
import { formatElapsed, labelOf, TERMINAL, taskTree } from '../../cli/src/commands/run/task-tree.ts';

export interface LogOutput {
  stream: NodeJS.WriteStream;
  group(title: string, lines: readonly string[]): void;
  line(text: string): void;
}

export function groupedLogs(out: LogOutput): ProgressView {
  const pending = new Map<string, LogEntry[]>();
  const shown = new Set<string>();
  let last: ExecutionDocument | undefined;
  const flush = (execution: ExecutionDocument, all: boolean) => {
    const rows = new Map(taskTree(execution).map((r) => [r.taskRunId, r]));
    // Task runs in the order they ended (children before the flowable that holds them).
    const ended = execution.taskRunList
      .filter((run) => !shown.has(run.id) && (all || TERMINAL.has(run.state.current)))
      .sort((a, b) => Date.parse(endOf(a)) - Date.parse(endOf(b)));
    for (const run of ended) {
      shown.add(run.id);
      const took = formatElapsed(rows.get(run.id)?.elapsedMs);
      const lines = (pending.get(run.id) ?? []).map((l) => logLine(out.stream, execution, l));
      pending.delete(run.id);
      out.group(`${labelOf(run)} · ${run.state.current}${took === '' ? '' : ` · ${took}`}`, lines);
    }
  };
  return {
    update(execution, logs) {
      last = execution;
      for (const l of logs) {
        if (l.taskRunId === undefined || shown.has(l.taskRunId)) out.line(logLine(out.stream, execution, l));
        else pending.set(l.taskRunId, [...(pending.get(l.taskRunId) ?? []), l]);
      }
      flush(execution, false);
    },
    finish(execution) {
      flush(execution, true);
      // Lines of task runs the final document does not list (should not happen): not lost either.
      for (const lines of pending.values())
        for (const l of lines) out.line(logLine(out.stream, last ?? execution, l));
      pending.clear();
    },
  };
}

function endOf(run: ExecutionDocument['taskRunList'][number]): string {
  return run.state.endDate ?? run.state.histories.at(-1)?.date ?? '';
}
