/**
 * `command: validate`: every flow of the repository, as `osprey validate` checks them (the same
 * `validateFiles`); each problem an annotation at its file, line and column; a summary with the
 * flows, the problems and each flow's task graph as Mermaid. The step fails on any error.
 */
import { collectFlowFiles, openRepository, repositoryContext } from '../../app/src/local/local-repository.ts';
import { validateFiles } from '../../cli/src/validate-files.ts';
import { type ActionContext, type StepResult, workspacePath } from './context.ts';
import { InputError } from './inputs.ts';
import { type ValidatedFlow, validateSummary } from './validate-summary.ts';

export interface Validation {
  flows: ValidatedFlow[];
  errors: number;
  warnings: number;
  ms: number;
}

/** Validates and annotates; throws InputError when the repository has no flow file. */
export function validateRepository(ctx: ActionContext): Validation {
  let repository: ReturnType<typeof openRepository>;
  try {
    repository = openRepository(ctx.root);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const { files, missing } = collectFlowFiles([repository.flowsDir]);
  const shown = workspacePath(ctx, repository.flowsDir);
  if (missing.length > 0 || files.length === 0) {
    throw new InputError(
      `no flow file (*.yaml, *.yml) in ${shown}: set the input 'path' to the folder of your Osprey repository, or \`flows:\` in its .osprey.yml (did the job run actions/checkout first?)`,
    );
  }
  const started = performance.now();
  const documents = new Map<string, unknown>();
  const report = validateFiles(files, ctx.workspace, (r, doc) => documents.set(r.file, doc), {
    ...repositoryContext(repository),
  });
  const ms = performance.now() - started;
  const flows: ValidatedFlow[] = report.files.map((f) => {
    const file = f.file.split('\\').join('/');
    ctx.annotator.issues(file, f.issues);
    return { file, flow: f.flow, issues: f.issues, document: documents.get(f.file) };
  });
  return { flows, errors: report.errors, warnings: report.warnings, ms };
}

export async function validateCommand(ctx: ActionContext): Promise<StepResult> {
  const v = validateRepository(ctx);
  ctx.log(
    `${v.flows.length} flow file${v.flows.length === 1 ? '' : 's'} checked in ${v.ms.toFixed(0)} ms: ${v.errors} error${v.errors === 1 ? '' : 's'}, ${v.warnings} warning${v.warnings === 1 ? '' : 's'}`,
  );
  return {
    summary: validateSummary(v, ctx.env),
    outputs: { errors: String(v.errors), warnings: String(v.warnings) },
    ...(v.errors > 0 ? { failure: validationFailure(v) } : {}),
  };
}

export function validationFailure(v: Validation): string {
  const invalid = v.flows.filter((f) => f.issues.some((i) => i.severity === 'error')).length;
  return `${v.errors} error${v.errors === 1 ? '' : 's'} in ${invalid} flow file${invalid === 1 ? '' : 's'}; the annotations and the job summary show where`;
}
