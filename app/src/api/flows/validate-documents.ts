/**
 * `POST /flows/validate`: YAML text with one or several flows separated by `---` lines, each
 * validated on its own. The answer is Kestra's list of `{ index, flow, namespace, constraints }`
 * plus Osprey's `issues`, whose line and column point into the text as sent.
 */
import type { Issue } from '../../../../flows-schema/src/issue.ts';
import type { ValidationResult } from '../../../../flows-schema/src/validate/validate-flow.ts';

export interface FlowValidation {
  index: number;
  flow: string | null;
  namespace: string | null;
  /** Kestra's field: the errors as text, one per line (`line:col: message`); null when valid. */
  constraints: string | null;
  outdated: false;
  deprecationPaths: string[];
  warnings: string[];
  infos: string[];
  issues: Issue[];
}

interface YamlDocument {
  text: string;
  /** Lines before the document in the whole text. */
  lineOffset: number;
}

const SEPARATOR = /^---(?:\s.*)?$/;
const BLANK = /^\s*(?:#.*)?$/;

/** Splits on `---` lines; documents holding only blank lines and comments are skipped. */
export function splitDocuments(text: string): YamlDocument[] {
  const lines = text.split(/\r?\n/);
  const docs: YamlDocument[] = [];
  let start = 0;
  const flush = (end: number) => {
    const body = lines.slice(start, end);
    if (body.some((l) => !BLANK.test(l))) docs.push({ text: body.join('\n'), lineOffset: start });
  };
  for (const [i, line] of lines.entries()) {
    if (SEPARATOR.test(line)) {
      flush(i);
      start = i + 1;
    }
  }
  flush(lines.length);
  return docs;
}

const stringField = (value: unknown, field: string): string | null => {
  const v =
    value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
  return typeof v === 'string' ? v : null;
};

export function validateDocuments(
  text: string,
  validate: (source: string) => ValidationResult,
): FlowValidation[] {
  return splitDocuments(text).map((doc, index) => {
    const result = validate(doc.text);
    const issues = result.issues.map((i) => shift(i, doc.lineOffset));
    const at = (i: Issue) => `${i.range.start.line}:${i.range.start.col}: ${i.message}`;
    const errors = issues.filter((i) => i.severity === 'error');
    const value = result.source.value;
    return {
      index,
      flow: result.flow?.id ?? stringField(value, 'id'),
      namespace: result.flow?.namespace ?? stringField(value, 'namespace'),
      constraints: errors.length === 0 ? null : errors.map(at).join('\n'),
      outdated: false,
      deprecationPaths: [],
      warnings: issues.filter((i) => i.severity === 'warning').map(at),
      infos: [],
      issues,
    };
  });
}

function shift(issue: Issue, lines: number): Issue {
  if (lines === 0) return issue;
  return {
    ...issue,
    range: {
      start: { ...issue.range.start, line: issue.range.start.line + lines },
      end: { ...issue.range.end, line: issue.range.end.line + lines },
    },
  };
}
