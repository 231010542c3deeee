/**
 * The job summary of an execution (run in the job or triggered on a server): its end state and
 * duration, a table of task runs (state, duration, outputs) and the flow's outputs. Also the step
 * outputs every execution command sets.
 */
import type { ExecutionDocument } from '../../app/src/execution/contract.ts';
import { elapsed, formatElapsed, taskTree } from '../../cli/src/commands/run/task-tree.ts';
import { cell, clip, code, link, table } from './markdown.ts';

export const PASSING = new Set(['SUCCESS', 'WARNING']);

const ICON: Record<string, string> = { SUCCESS: '✅', WARNING: '⚠️', FAILED: '❌', KILLED: '❌' };

export function executionSummary(
  execution: ExecutionDocument,
  options: { heading: string; url?: string | undefined; note?: string | undefined },
): string {
  const state = execution.state.current;
  const took = formatElapsed(elapsed(execution.state, Date.now()));
  const out = [
    `## ${options.heading}`,
    '',
    `${ICON[state] ?? '⏳'} ${code(`${execution.namespace}.${execution.flowId}`)} ${state}${took === '' ? '' : ` in ${took}`} — execution ${link(code(execution.id), options.url)}`,
    '',
  ];
  if (options.note !== undefined) out.push(`> ${options.note}`, '');
  const runs = new Map(execution.taskRunList.map((t) => [t.id, t]));
  const rows = taskTree(execution);
  if (rows.length > 0) {
    out.push(
      table(
        ['task', 'state', 'duration', 'outputs'],
        rows.map((r) => {
          const outputs = runs.get(r.taskRunId)?.outputs;
          const shown =
            outputs === undefined || Object.keys(outputs).length === 0
              ? ''
              : code(clip(JSON.stringify(outputs), 300));
          return [
            `${'&nbsp;&nbsp;'.repeat(r.depth)}${cell(r.label)}`,
            r.state,
            formatElapsed(r.elapsedMs),
            shown,
          ];
        }),
      ),
      '',
    );
  }
  const outputs = execution.outputs ?? {};
  if (Object.keys(outputs).length > 0)
    out.push('### Outputs', '', '```json', clip(JSON.stringify(outputs, null, 2), 100_000), '```', '');
  return out.join('\n');
}

export function executionOutputs(execution: ExecutionDocument): Record<string, string> {
  return {
    'execution-id': execution.id,
    state: execution.state.current,
    outputs: JSON.stringify(execution.outputs ?? {}),
  };
}
