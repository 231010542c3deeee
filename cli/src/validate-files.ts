/**
 * Validate a set of flow files as `osprey validate` does: each file on its own, then across files
 * (a namespace + id declared twice). A file whose `type` is Kestra's app type is validated as an
 * app (docs/apps.md). Returns what to print; does not print.
 */
import { readFileSync } from 'node:fs';
import { basename, extname, relative } from 'node:path';
import { APP_TYPE } from '../../flows-schema/src/apps/app.ts';
import { validateAppSource } from '../../flows-schema/src/apps/validate-app.ts';
import type { Issue } from '../../flows-schema/src/issue.ts';
import { type ValidateOptions, validateFlowSource } from '../../flows-schema/src/validate/validate-flow.ts';

export interface FileReport {
  file: string;
  flow?: { namespace: string; id: string };
  issues: Issue[];
}

export interface ValidationReport {
  files: FileReport[];
  errors: number;
  warnings: number;
}

/** `onDocument` sees each readable file's parsed document (the Action draws its task graph). */
export function validateFiles(
  files: readonly string[],
  cwd: string = process.cwd(),
  onDocument?: (report: FileReport, document: unknown) => void,
  options: ValidateOptions = {},
): ValidationReport {
  const reports: FileReport[] = [];
  const declared = new Map<string, string>();
  for (const path of files) {
    const file = relative(cwd, path) || path;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      reports.push({
        file,
        issues: [fileIssue('unreadable-file', `cannot read the file: ${(e as Error).message}`)],
      });
      continue;
    }
    if (text.includes(APP_TYPE)) {
      // An app file (apps/**.yaml): validated as an app, not as a flow.
      const app = validateAppSource(text);
      if ((app.source.value as { type?: unknown } | undefined)?.type === APP_TYPE) {
        reports.push({ file, issues: app.issues });
        continue;
      }
    }
    const result = validateFlowSource(text, undefined, options);
    const report: FileReport = { file, issues: [...result.issues] };
    const doc = result.source.value as { id?: unknown; namespace?: unknown } | undefined;
    if (typeof doc?.id === 'string' && typeof doc.namespace === 'string') {
      report.flow = { namespace: doc.namespace, id: doc.id };
      const key = `${doc.namespace}.${doc.id}`;
      const first = declared.get(key);
      if (first !== undefined) {
        report.issues.push({
          ...fileIssue(
            'duplicate-flow',
            `flow ${key} is also declared in ${first}; a namespace and id identify one flow`,
          ),
          range: result.source.rangeOf(['id']),
        });
      } else {
        declared.set(key, file);
      }
      const stem = basename(path, extname(path));
      if (stem !== doc.id) {
        report.issues.push({
          ...fileIssue(
            'file-name-mismatch',
            `the file is named '${stem}' but declares flow id '${doc.id}'; name it ${doc.id}${extname(path)} so the repository convention finds it`,
          ),
          range: result.source.rangeOf(['id']),
          severity: 'warning',
        });
      }
    }
    reports.push(report);
    onDocument?.(report, result.source.value);
  }
  const all = reports.flatMap((r) => r.issues);
  return {
    files: reports,
    errors: all.filter((i) => i.severity === 'error').length,
    warnings: all.filter((i) => i.severity === 'warning').length,
  };
}

function fileIssue(code: string, message: string): Issue {
  return {
    code,
    path: '',
    message,
    range: { start: { line: 1, col: 1 }, end: { line: 1, col: 1 } },
    severity: 'error',
  };
}
