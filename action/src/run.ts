/**
 * `command: run`: the flow runs inside the job, as `osprey run` runs it (the same local service:
 * embedded engine and runner, namespace files and KV seeds from the workspace, secrets from
 * SECRET_* variables). Logs are grouped per task run; a failed task is annotated at its line of
 * the flow file; the step fails when the execution does not end SUCCESS or WARNING.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type ExecutionDocument, InputsRefused } from '../../app/src/execution/contract.ts';
import { openRepository, repositoryContext } from '../../app/src/local/local-repository.ts';
import { createLocalService } from '../../cli/src/commands/run/local-service.ts';
import { followExecution } from '../../cli/src/commands/run/run-flow.ts';
import { defaultRegistry } from '../../flows-schema/src/schema/flow.ts';
import { walkTasks } from '../../flows-schema/src/tasks/walk.ts';
import { validateFlowSource } from '../../flows-schema/src/validate/validate-flow.ts';
import { type ActionContext, type StepResult, workspacePath } from './context.ts';
import { executionOutputs, executionSummary, PASSING } from './execution-summary.ts';
import { findFlowFile } from './flow-file.ts';
import { groupedLogs } from './grouped-logs.ts';
import { InputError } from './inputs.ts';

export interface InJobRun {
  execution: ExecutionDocument;
  file: string;
  timedOut: boolean;
}

/** Runs `ref` (a flow file or namespace.flowId) and follows it to its end. */
export async function runInJob(ctx: ActionContext, ref: string): Promise<InJobRun> {
  let repository: ReturnType<typeof openRepository>;
  try {
    repository = openRepository(ctx.root);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const path = await findFlowFile(repository, ref);
  const file = workspacePath(ctx, path);
  const { flow, issues, source } = validateFlowSource(await readFile(path, 'utf8'), undefined, {
    ...repositoryContext(repository),
  });
  ctx.annotator.issues(file, issues);
  if (flow === undefined) {
    throw new InputError(`${file} is not a valid flow; the annotations show its problems`);
  }
  const service = createLocalService(repository, {
    // Files the execution stores stay out of the checkout (later steps may commit it).
    storageDir: ctx.env['RUNNER_TEMP'] ? join(ctx.env['RUNNER_TEMP'], 'osprey', 'storage') : undefined,
  });
  const timeout = ctx.inputs.timeoutMs;
  const signal = timeout === undefined ? undefined : AbortSignal.timeout(timeout);
  let execution: ExecutionDocument;
  try {
    execution = await followExecution(
      service.executions,
      {
        flow,
        inputs: ctx.inputs.inputs,
        source: { path: relative(repository.root, path).split('\\').join('/') },
      },
      {
        view: groupedLogs({
          stream: process.stdout,
          line: ctx.log,
          group: (title, lines) =>
            ctx.group(title, () => {
              for (const l of lines) ctx.log(l);
            }),
        }),
        stderr: process.stdout,
        signal,
      },
    );
  } catch (e) {
    if (!(e instanceof InputsRefused)) throw e;
    throw new InputError(
      `no execution of ${flow.namespace}.${flow.id} was created: ${e.problems.map((p) => `input '${p.input}': ${p.message}`).join('; ')}. Give inputs with the 'inputs' input, e.g. inputs: '{"${e.problems[0]?.input ?? 'name'}": "value"}'`,
    );
  } finally {
    await service.close();
  }
  // Each failed task at its line, with its last error.
  const logs = await service.executions.logs(execution.id);
  const lines = new Map<string, number>();
  walkTasks(source.value, defaultRegistry, (v) => {
    if (!lines.has(v.task.id)) lines.set(v.task.id, source.rangeOf([...v.path, 'id']).start.line);
  });
  for (const run of execution.taskRunList) {
    if (run.state.current !== 'FAILED') continue;
    const last = logs.filter((l) => l.taskRunId === run.id && l.level === 'ERROR').at(-1);
    const line = lines.get(run.taskId);
    ctx.annotator.add({
      level: 'error',
      title: `task ${run.taskId} FAILED`,
      message: `task '${run.taskId}' of ${flow.namespace}.${flow.id} FAILED${last === undefined ? '' : `: ${last.message}`}`,
      file,
      ...(line === undefined ? {} : { line }),
    });
  }
  return { execution, file, timedOut: signal?.aborted ?? false };
}

export function runFailure(run: InJobRun, timeoutMs: number | undefined): string | undefined {
  const { execution } = run;
  if (PASSING.has(execution.state.current)) return undefined;
  const why = run.timedOut ? ` (killed after the timeout of ${Math.round((timeoutMs ?? 0) / 1000)} s)` : '';
  return `execution ${execution.id} of ${execution.namespace}.${execution.flowId} ended ${execution.state.current}${why}`;
}

export async function runCommand(ctx: ActionContext): Promise<StepResult> {
  const [ref, ...more] = ctx.inputs.flows;
  if (ref === undefined || more.length > 0) {
    throw new InputError(
      `input 'flow' must name one flow for command run (namespace.flowId or a file such as flows/company/team/hello.yaml); got ${ref === undefined ? 'nothing' : ctx.inputs.flows.join(', ')}`,
    );
  }
  const run = await runInJob(ctx, ref);
  const failure = runFailure(run, ctx.inputs.timeoutMs);
  return {
    summary: executionSummary(run.execution, {
      heading: `Osprey: run ${run.execution.namespace}.${run.execution.flowId}`,
      note: run.timedOut ? (failure ?? 'the timeout was reached') : undefined,
    }),
    outputs: executionOutputs(run.execution),
    ...(failure === undefined ? {} : { failure }),
  };
}
