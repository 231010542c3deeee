/**
 * Validation issues as check-run annotations: one per issue, at its exact lines; columns only when
 * the issue sits on one line (GitHub ignores them otherwise); the issue code as title.
 */
import type { Issue } from '../../../../flows-schema/src/issue.ts';

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

/** GitHub accepts this many annotations per create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

export function annotationsOf(path: string, issues: readonly Issue[]): Annotation[] {
  return issues.map((issue) => {
    const { start, end } = issue.range;
    const endLine = Math.max(start.line, end.line);
    const oneLine = start.line === endLine;
    return {
      path,
      start_line: start.line,
      end_line: endLine,
      ...(oneLine ? { start_column: start.col, end_column: Math.max(start.col, end.col) } : {}),
      annotation_level: issue.severity === 'warning' ? 'warning' : 'failure',
      message: issue.message,
      title: issue.code,
    };
  });
}
