/**
 * The job summary of a validation: counts, a table of flows, a table of problems (a link to each
 * line when the job knows its repository), and each flow's task graph as a Mermaid diagram, as
 * many as fit the budget (GitHub takes 1 MiB of summary per step).
 */
import { flowMermaid } from '../../app/src/github/checks/mermaid.ts';
import type { Issue } from '../../flows-schema/src/issue.ts';
import { blobUrl } from './context.ts';
import { cell, code, link, plural, table } from './markdown.ts';

export interface ValidatedFlow {
  /** Relative to the workspace. */
  file: string;
  flow: { namespace: string; id: string } | undefined;
  issues: readonly Issue[];
  document: unknown;
}

/** Characters of Mermaid the summary holds at most; further diagrams are named, not drawn. */
export const DIAGRAM_BUDGET = 400_000;
/** Problem rows at most (the log has every problem). */
export const PROBLEM_ROWS = 2000;

export function validateSummary(
  v: { flows: readonly ValidatedFlow[]; errors: number; warnings: number; ms: number },
  env: Readonly<Record<string, string | undefined>> = {},
): string {
  const invalid = v.flows.filter((f) => f.issues.some((i) => i.severity === 'error')).length;
  const out: string[] = [
    '## Osprey: validate',
    '',
    `${v.errors > 0 ? '❌' : '✅'} ${plural(v.flows.length, 'flow file')} checked in ${v.ms.toFixed(0)} ms: ${v.flows.length - invalid} valid, ${invalid} invalid (${plural(v.errors, 'error')}, ${plural(v.warnings, 'warning')})`,
    '',
  ];
  out.push(
    table(
      ['flow', 'file', 'errors', 'warnings'],
      v.flows.map((f) => [
        f.flow === undefined ? '—' : code(`${f.flow.namespace}.${f.flow.id}`),
        link(code(f.file), blobUrl(env, f.file)),
        String(f.issues.filter((i) => i.severity === 'error').length),
        String(f.issues.filter((i) => i.severity === 'warning').length),
      ]),
    ),
    '',
  );
  const problems = v.flows.flatMap((f) => f.issues.map((issue) => ({ file: f.file, issue })));
  if (problems.length > 0) {
    out.push('### Problems', '');
    out.push(
      table(
        ['where', 'severity', 'problem', 'code'],
        problems.slice(0, PROBLEM_ROWS).map(({ file, issue }) => {
          const { line, col } = issue.range.start;
          return [
            link(code(`${file}:${line}:${col}`), blobUrl(env, file, line)),
            issue.severity,
            cell(issue.message),
            code(issue.code),
          ];
        }),
      ),
      '',
    );
    if (problems.length > PROBLEM_ROWS)
      out.push(`… and ${problems.length - PROBLEM_ROWS} more problems: the step's log lists every one.`, '');
  }
  out.push(...diagrams(v.flows));
  return out.join('\n');
}

function diagrams(flows: readonly ValidatedFlow[]): string[] {
  const out: string[] = [];
  const omitted: string[] = [];
  let used = 0;
  for (const f of flows) {
    const mermaid = flowMermaid(f.document);
    if (mermaid === undefined) continue;
    const name = f.flow === undefined ? f.file : `${f.flow.namespace}.${f.flow.id}`;
    if (used + mermaid.length > DIAGRAM_BUDGET) {
      omitted.push(name);
      continue;
    }
    used += mermaid.length;
    out.push(
      `<details><summary>${escapeHtml(name)} (${escapeHtml(f.file)})</summary>`,
      '',
      '```mermaid',
      mermaid,
      '```',
      '',
      '</details>',
      '',
    );
  }
  if (out.length === 0) return [];
  const head = ['### Task graphs', ''];
  if (omitted.length > 0)
    out.push(`Not drawn (the summary has no room left): ${omitted.map((n) => code(n)).join(', ')}`, '');
  return [...head, ...out];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
