/**
 * `command: test`: the repository has no flow-test format of its own, so a test is "every flow is
 * valid, and the flows named in `flow` run to SUCCESS or WARNING in the job": validate as
 * `command: validate` does, stop there on any error, then run each listed flow in turn with
 * `inputs`. The step fails on a validation error or on any run that does not pass.
 */
import type { ActionContext, StepResult } from './context.ts';
import { executionSummary } from './execution-summary.ts';
import { InputError } from './inputs.ts';
import { cell, code, table } from './markdown.ts';
import { runFailure, runInJob } from './run.ts';
import { validateRepository, validationFailure } from './validate.ts';
import { validateSummary } from './validate-summary.ts';

export async function testCommand(ctx: ActionContext): Promise<StepResult> {
  if (ctx.inputs.flows.length === 0) {
    throw new InputError(
      "input 'flow' must list the flows command test runs (namespace.flowId or files, one a line); without it use command validate",
    );
  }
  const v = validateRepository(ctx);
  const parts = [validateSummary(v, ctx.env)];
  if (v.errors > 0) {
    return {
      summary: [...parts, '', 'No flow was run: fix the errors first.'].join('\n'),
      outputs: { state: 'FAILED', outputs: '{}' },
      failure: validationFailure(v),
    };
  }
  const results: Array<{ ref: string; id: string; state: string; failure: string | undefined }> = [];
  const outputs: Record<string, unknown> = {};
  const runs: string[] = [];
  for (const ref of ctx.inputs.flows) {
    ctx.log(`Running ${ref}`);
    const run = await runInJob(ctx, ref);
    const e = run.execution;
    const failure = runFailure(run, ctx.inputs.timeoutMs);
    results.push({ ref, id: e.id, state: e.state.current, failure });
    outputs[`${e.namespace}.${e.flowId}`] = {
      executionId: e.id,
      state: e.state.current,
      outputs: e.outputs ?? {},
    };
    runs.push(executionSummary(e, { heading: `Run of ${e.namespace}.${e.flowId}` }));
  }
  parts.push(
    '## Osprey: test runs',
    '',
    table(
      ['flow', 'execution', 'state'],
      results.map((r) => [code(r.ref), code(r.id), cell(r.state)]),
    ),
    '',
    ...runs,
  );
  const failed = results.filter((r) => r.failure !== undefined);
  const worst =
    failed.length > 0 ? 'FAILED' : results.some((r) => r.state === 'WARNING') ? 'WARNING' : 'SUCCESS';
  return {
    summary: parts.join('\n'),
    outputs: {
      'execution-id': results.map((r) => r.id).join(','),
      state: worst,
      outputs: JSON.stringify(outputs),
    },
    ...(failed.length > 0 ? { failure: failed.map((r) => r.failure).join('; ') } : {}),
  };
}
