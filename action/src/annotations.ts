/**
 * Annotations within GitHub's per-step cap: a step shows at most 10 error and 10 warning
 * annotations, so the first ones of each severity become `::error`/`::warning` workflow commands
 * and the rest are kept in `overflow` for the job summary (and printed as plain log lines), never
 * dropped.
 */
import type { AnnotationProperties } from '@actions/core';
import { annotationsOf } from '../../app/src/github/checks/annotations.ts';
import { formatIssue, type Issue } from '../../flows-schema/src/issue.ts';

/** What GitHub shows per step and severity. */
export const SHOWN_PER_STEP = 10;

export type Level = 'error' | 'warning';

export interface Problem {
  level: Level;
  message: string;
  /** Relative to the workspace. */
  file?: string;
  line?: number;
  col?: number;
  title?: string;
}

export interface AnnotationSink {
  error(message: string, properties: AnnotationProperties): void;
  warning(message: string, properties: AnnotationProperties): void;
  info(message: string): void;
}

export class Annotator {
  readonly #sink: AnnotationSink;
  readonly #shown: Record<Level, number> = { error: 0, warning: 0 };
  readonly overflow: Problem[] = [];

  constructor(sink: AnnotationSink) {
    this.#sink = sink;
  }

  /** One annotation per validation issue of `file`, at its line and column. */
  issues(file: string, issues: readonly Issue[]): void {
    for (const [i, a] of annotationsOf(file, issues).entries()) {
      const issue = issues[i]!;
      this.add(
        {
          level: issue.severity === 'warning' ? 'warning' : 'error',
          message: issue.message,
          file,
          line: a.start_line,
          col: issue.range.start.col,
          title: issue.code,
        },
        {
          file,
          startLine: a.start_line,
          endLine: a.end_line,
          ...(a.start_column === undefined
            ? {}
            : { startColumn: a.start_column, endColumn: a.end_column ?? a.start_column }),
        },
        formatIssue(file, issue),
      );
    }
  }

  /** An annotation (shown while under the cap, else kept in `overflow` and printed as `plain`). */
  add(problem: Problem, properties: AnnotationProperties = propertiesOf(problem), plain?: string): void {
    if (this.#shown[problem.level] < SHOWN_PER_STEP) {
      this.#shown[problem.level] += 1;
      this.#sink[problem.level](problem.message, {
        ...(problem.title === undefined ? {} : { title: problem.title }),
        ...properties,
      });
      return;
    }
    this.overflow.push(problem);
    this.#sink.info(plain ?? `${problem.level}: ${problem.message}`);
  }
}

function propertiesOf(problem: Problem): AnnotationProperties {
  return {
    ...(problem.file === undefined ? {} : { file: problem.file }),
    ...(problem.line === undefined ? {} : { startLine: problem.line }),
    ...(problem.col === undefined ? {} : { startColumn: problem.col }),
  };
}
