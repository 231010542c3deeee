/**
 * The one shape every validation finding takes. Issues are collected, never thrown one at a time,
 * so a pull-request check can annotate every problem of a file in one pass.
 */

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export const Severity = { error: 'error', warning: 'warning' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export interface Issue {
  /** Stable machine-readable code, e.g. `duplicate-task-id`. */
  code: string;
  /** Where in the flow document, e.g. `tasks[1].id` (dot/bracket form). */
  path: string;
  message: string;
  range: Range;
  severity: Severity;
}

export type PathSegment = string | number;

/** `['tasks', 1, 'id']` → `tasks[1].id`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** `flows/etl/daily.yaml:12:7: message` — the form editors and CI logs link. */
export function formatIssue(file: string, issue: Issue): string {
  const where = `${file}:${issue.range.start.line}:${issue.range.start.col}`;
  const sev = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${sev}${issue.message} [${issue.code}]`;
}

export const START_OF_FILE: Range = { start: { line: 1, col: 1 }, end: { line: 1, col: 1 } };
